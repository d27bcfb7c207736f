//! Identifier newtypes. TMDB ids are positive integers; user ids are UUIDs.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

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
        #[serde(try_from = "i64", into = "i64")]
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
        assert_eq!(
            serde_json::to_string(&MovieId::new(7).unwrap()).unwrap(),
            "7"
        );
    }
}
