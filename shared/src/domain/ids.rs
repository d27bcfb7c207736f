//! Identifier newtypes. TMDB ids are positive integers; user ids are UUIDs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// An integer as JSON Schema counts them: a number without a fractional part, however it is
/// written (`638` or `638.0`, which some clients and generators send). With serde_json's
/// `float_roundtrip` the float form reads back exactly, so no neighbouring value slips in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WholeNumber(pub i64);

impl WholeNumber {
    /// The number of a JSON value, if it is a whole one that fits an `i64`.
    pub fn of(value: &serde_json::Value) -> Option<i64> {
        let number = value.as_number()?;
        number
            .as_i64()
            .or_else(|| number.as_f64().and_then(whole_f64))
    }
}

/// `value` as an `i64` when it is whole and within range (2^63 itself is not).
fn whole_f64(value: f64) -> Option<i64> {
    const LIMIT: f64 = 9_223_372_036_854_775_808.0;
    // The range check keeps the cast exact: every whole f64 in [-2^63, 2^63) is an i64.
    #[allow(clippy::cast_possible_truncation)]
    (value.fract() == 0.0 && (-LIMIT..LIMIT).contains(&value)).then_some(value as i64)
}

impl<'de> Deserialize<'de> for WholeNumber {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Visitor;

        impl serde::de::Visitor<'_> for Visitor {
            type Value = WholeNumber;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }

            fn visit_i64<E: serde::de::Error>(self, value: i64) -> Result<WholeNumber, E> {
                Ok(WholeNumber(value))
            }

            fn visit_u64<E: serde::de::Error>(self, value: u64) -> Result<WholeNumber, E> {
                i64::try_from(value)
                    .map(WholeNumber)
                    .map_err(|_| E::custom("the integer is too large"))
            }

            fn visit_f64<E: serde::de::Error>(self, value: f64) -> Result<WholeNumber, E> {
                whole_f64(value)
                    .map(WholeNumber)
                    .ok_or_else(|| E::invalid_type(serde::de::Unexpected::Float(value), &self))
            }
        }

        deserializer.deserialize_any(Visitor)
    }
}

macro_rules! tmdb_id {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, " id: a positive TMDB integer.")]
        #[derive(
            Debug,
            Clone,
            Copy,
            PartialEq,
            Eq,
            PartialOrd,
            Ord,
            Hash,
            Serialize,
            Deserialize,
            utoipa::ToSchema,
        )]
        #[serde(try_from = "WholeNumber", into = "i64")]
        pub struct $name(i64);

        impl $name {
            pub fn new(value: i64) -> Option<Self> {
                (value > 0).then_some(Self(value))
            }

            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl TryFrom<i64> for $name {
            type Error = String;

            fn try_from(value: i64) -> Result<Self, String> {
                Self::new(value).ok_or_else(|| format!("{} ids are positive integers", $what))
            }
        }

        impl TryFrom<WholeNumber> for $name {
            type Error = String;

            fn try_from(value: WholeNumber) -> Result<Self, String> {
                Self::try_from(value.0)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = ApiError;

            /// Parses a path segment: anything but a positive integer is a 400.
            fn from_str(text: &str) -> Result<Self, ApiError> {
                text.parse::<i64>().ok().and_then(Self::new).ok_or_else(|| {
                    ApiError::BadRequest(format!("{} ids are positive integers", $what))
                })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

tmdb_id!(MovieId, "movie");
tmdb_id!(PersonId, "person");
tmdb_id!(GenreId, "genre");

/// A user id (UUID v7 for new accounts).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(transparent)]
pub struct UserId(pub uuid::Uuid);

impl FromStr for UserId {
    type Err = ApiError;

    fn from_str(text: &str) -> Result<Self, ApiError> {
        uuid::Uuid::parse_str(text)
            .map(UserId)
            .map_err(|_| ApiError::BadRequest("user ids are UUIDs".into()))
    }
}

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_positive_integers() {
        assert_eq!("550".parse::<MovieId>().unwrap().get(), 550);
        for bad in ["0", "-1", "abc", "1.5", "", "99999999999999999999"] {
            assert!(bad.parse::<MovieId>().is_err(), "{bad}");
        }
        assert!(serde_json::from_str::<MovieId>("0").is_err());
        // JSON Schema's integers include the zero-fraction spelling; fractions are refused.
        assert_eq!(
            serde_json::from_str::<MovieId>("4448979254488786.0")
                .unwrap()
                .get(),
            4_448_979_254_488_786
        );
        for bad in ["1.5", "\"1\"", "9223372036854775808.0", "1e300"] {
            assert!(serde_json::from_str::<MovieId>(bad).is_err(), "{bad}");
        }
        assert_eq!(
            serde_json::to_string(&MovieId::new(7).unwrap()).unwrap(),
            "7"
        );
    }
}
