//! Request bodies. Every field is first read as loose JSON, then parsed into its domain type, so
//! one 422 answer lists every bad field at once (serde alone would stop at the first).

use serde::{Deserialize, Deserializer};
use serde_json::Value;
use shared::domain::WholeNumber;
use shared::error::FieldError;
use shared::stores::reviews::{Rating, ReviewBody, ReviewPatch, ReviewTitle};
use shared::ApiError;

/// `POST /movies/{id}/reviews`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateReviewRequest {
    /// An integer from 1 to 10.
    #[schema(value_type = u8, minimum = 1, maximum = 10)]
    #[serde(default)]
    pub rating: Option<Value>,
    /// Optional headline, 1–200 characters.
    #[schema(value_type = Option<String>, max_length = 200)]
    #[serde(default)]
    pub title: Option<Value>,
    /// 1–10 000 characters.
    #[schema(value_type = String, min_length = 1, max_length = 10000)]
    #[serde(default)]
    pub body: Option<Value>,
    /// Whether the text reveals the plot (default false). Spoilers are flagged, never hidden.
    #[schema(value_type = Option<bool>)]
    #[serde(default)]
    pub contains_spoilers: Option<Value>,
}

/// The fields of a new review, all valid.
pub struct NewReviewFields {
    pub rating: Rating,
    pub title: Option<ReviewTitle>,
    pub body: ReviewBody,
    pub contains_spoilers: bool,
}

impl CreateReviewRequest {
    pub fn parse(self) -> Result<NewReviewFields, ApiError> {
        let mut errors = Errors::default();
        let rating = match self.rating {
            Some(value) => errors.check("rating", rating(&value)),
            None => errors.missing("rating"),
        };
        let body = match self.body {
            Some(value) => errors.check("body", text(value).and_then(ReviewBody::parse)),
            None => errors.missing("body"),
        };
        let title = match self.title {
            Some(value) => errors.check("title", text(value).and_then(ReviewTitle::parse)),
            None => None,
        };
        let contains_spoilers = match self.contains_spoilers {
            Some(value) => errors.check("contains_spoilers", boolean(&value)),
            None => Some(false),
        };
        errors.finish()?;
        match (rating, body, contains_spoilers) {
            (Some(rating), Some(body), Some(contains_spoilers)) => Ok(NewReviewFields {
                rating,
                title,
                body,
                contains_spoilers,
            }),
            _ => Err(ApiError::Internal(
                "review fields missing after validation".into(),
            )),
        }
    }
}

/// `PATCH /reviews/{id}`: only the fields sent change; `"title": null` removes the title.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReviewRequest {
    #[schema(value_type = Option<u8>, minimum = 1, maximum = 10)]
    #[serde(default, deserialize_with = "present")]
    pub rating: Option<Value>,
    #[schema(value_type = Option<String>, max_length = 200)]
    #[serde(default, deserialize_with = "present")]
    pub title: Option<Value>,
    #[schema(value_type = Option<String>, min_length = 1, max_length = 10000)]
    #[serde(default, deserialize_with = "present")]
    pub body: Option<Value>,
    #[schema(value_type = Option<bool>)]
    #[serde(default, deserialize_with = "present")]
    pub contains_spoilers: Option<Value>,
}

impl UpdateReviewRequest {
    pub fn parse(self) -> Result<ReviewPatch, ApiError> {
        let mut errors = Errors::default();
        let patch = ReviewPatch {
            rating: self
                .rating
                .and_then(|value| errors.check("rating", rating(&value))),
            title: self.title.and_then(|value| match value {
                Value::Null => Some(None),
                other => errors
                    .check("title", text(other).and_then(ReviewTitle::parse))
                    .map(Some),
            }),
            body: self
                .body
                .and_then(|value| errors.check("body", text(value).and_then(ReviewBody::parse))),
            contains_spoilers: self
                .contains_spoilers
                .and_then(|value| errors.check("contains_spoilers", boolean(&value))),
        };
        errors.finish()?;
        if patch == ReviewPatch::default() {
            return Err(ApiError::validation(
                "",
                "send at least one of rating, title, body, contains_spoilers",
            ));
        }
        Ok(patch)
    }
}

/// Tells a field sent as `null` (`Some(Value::Null)`) from a field left out (`None`).
fn present<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Value>, D::Error> {
    Value::deserialize(deserializer).map(Some)
}

fn rating(value: &Value) -> Result<Rating, String> {
    const RANGE: &str = "must be a whole number from 1 to 10";
    WholeNumber::of(value)
        .and_then(Rating::new)
        .ok_or_else(|| RANGE.to_string())
}

fn text(value: Value) -> Result<String, String> {
    match value {
        Value::String(text) => Ok(text),
        _ => Err("must be a string".into()),
    }
}

fn boolean(value: &Value) -> Result<bool, String> {
    value
        .as_bool()
        .ok_or_else(|| "must be true or false".into())
}

/// Collects field errors while parsing goes on.
#[derive(Default)]
struct Errors(Vec<FieldError>);

impl Errors {
    fn check<T>(&mut self, field: &str, parsed: Result<T, String>) -> Option<T> {
        parsed
            .map_err(|message| self.0.push(FieldError::new(field, message)))
            .ok()
    }

    fn missing<T>(&mut self, field: &str) -> Option<T> {
        self.0.push(FieldError::new(field, "is required"));
        None
    }

    fn finish(self) -> Result<(), ApiError> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.0))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn create(body: Value) -> Result<NewReviewFields, ApiError> {
        serde_json::from_value::<CreateReviewRequest>(body)
            .unwrap()
            .parse()
    }

    fn fields(error: ApiError) -> Vec<String> {
        match error {
            ApiError::Validation(errors) => errors.into_iter().map(|e| e.field).collect(),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn every_bad_field_is_listed() {
        let error = create(json!({"rating": 7.5, "body": "", "title": "t".repeat(201),
            "contains_spoilers": "yes"}))
        .err()
        .unwrap();
        assert_eq!(
            fields(error),
            ["rating", "body", "title", "contains_spoilers"]
        );
        assert_eq!(fields(create(json!({})).err().unwrap()), ["rating", "body"]);
        for bad in [
            json!(0),
            json!(11),
            json!("7"),
            json!(null),
            json!({"$gt": 0}),
            json!(1e300),
        ] {
            assert!(
                create(json!({"rating": bad, "body": "x"})).is_err(),
                "{bad}"
            );
        }
    }

    #[test]
    fn a_whole_rating_may_be_written_with_a_zero_fraction() {
        let fields = create(json!({"rating": 6.0, "body": "x"})).unwrap();
        assert_eq!(fields.rating.get(), 6);
    }

    #[test]
    fn patches_tell_null_from_absent() {
        let patch: UpdateReviewRequest = serde_json::from_value(json!({"title": null})).unwrap();
        assert_eq!(patch.parse().unwrap().title, Some(None));
        let patch: UpdateReviewRequest = serde_json::from_value(json!({"rating": 3})).unwrap();
        let patch = patch.parse().unwrap();
        assert_eq!(
            (patch.title, patch.rating.map(Rating::get)),
            (None, Some(3))
        );
        let empty: UpdateReviewRequest = serde_json::from_value(json!({})).unwrap();
        assert!(empty.parse().is_err());
        let null_body: UpdateReviewRequest = serde_json::from_value(json!({"body": null})).unwrap();
        assert_eq!(fields(null_body.parse().err().unwrap()), ["body"]);
    }
}
