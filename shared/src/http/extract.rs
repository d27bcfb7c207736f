//! `Json` and `Query` extractors that answer in problem+json.
//!
//! Malformed JSON is 400; a body of the wrong shape (unknown field, wrong type, missing field) is
//! 422 naming the field, found with `serde_path_to_error`; a body over 64 KiB is 413; a body that
//! is not `application/json` is 415. Query strings parse the same way, so `min_rating[$gt]=` is an
//! unknown field (422), never an operator.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header::CONTENT_TYPE;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use super::MAX_BODY_BYTES;
use crate::error::{ApiError, FieldError};

/// A JSON request body.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, _state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers().get(CONTENT_TYPE)) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let body = axum::body::to_bytes(request.into_body(), MAX_BODY_BYTES)
            .await
            .map_err(|_| ApiError::PayloadTooLarge)?;
        parse_json(&body).map(Json)
    }
}

fn is_json(content_type: Option<&axum::http::HeaderValue>) -> bool {
    let Some(value) = content_type.and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let essence = value
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    essence == "application/json"
        || (essence.starts_with("application/") && essence.ends_with("+json"))
}

/// Parses a JSON body, telling syntax errors (400) from shape errors (422). Every body of this
/// API is an object: serde would also read a struct from an array of its fields in order
/// (`[null, null]`), which no client means, so an array is refused here.
pub fn parse_json<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    if body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        return Err(ApiError::validation("", "the body must be a JSON object"));
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                let field = if path == "." { String::new() } else { path };
                ApiError::Validation(vec![FieldError::new(field, clean_message(&inner))])
            }
            serde_json::error::Category::Eof | serde_json::error::Category::Syntax => {
                ApiError::BadRequest(format!(
                    "the body is not valid JSON (line {}, column {})",
                    inner.line(),
                    inner.column()
                ))
            }
            serde_json::error::Category::Io => {
                ApiError::BadRequest("the body could not be read".into())
            }
        }
    })
}

/// serde's message without its " at line X column Y" suffix.
fn clean_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.find(" at line ") {
        Some(at) => text[..at].to_string(),
        None => text,
    }
}

/// A query string.
#[derive(Debug, Clone, Copy, Default)]
pub struct Query<T>(pub T);

impl<T, S> FromRequestParts<S> for Query<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        parse_query(query).map(Query)
    }
}

pub fn parse_query<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let deserializer =
        serde_urlencoded::Deserializer::new(url::form_urlencoded::parse(query.as_bytes()));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let field = error.path().to_string();
        let message = error.into_inner().to_string();
        let field = if field == "." {
            // serde_urlencoded reports unknown fields at the root: name the field from the text.
            message
                .split('`')
                .nth(1)
                .map(str::to_string)
                .unwrap_or_default()
        } else {
            field
        };
        ApiError::Validation(vec![FieldError::new(field, message)])
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Body {
        #[allow(dead_code)]
        rating: u8,
    }

    #[test]
    fn wrong_types_and_unknown_fields_are_422_naming_the_field() {
        for (body, field) in [
            (r#"{"rating":"ten"}"#, "rating"),
            (r#"{"rating":5,"$where":"1"}"#, "$where"),
            (r#"{"rating":{"$gt":""}}"#, "rating"),
        ] {
            match parse_json::<Body>(&Bytes::from(body)) {
                Err(ApiError::Validation(errors)) => assert_eq!(errors[0].field, field, "{body}"),
                other => panic!("{body}: {other:?}"),
            }
        }
    }

    #[test]
    fn malformed_json_is_400() {
        assert!(matches!(
            parse_json::<Body>(&Bytes::from("{\"rating\":")),
            Err(ApiError::BadRequest(_))
        ));
    }

    #[test]
    fn content_types() {
        use axum::http::HeaderValue;
        assert!(is_json(Some(&HeaderValue::from_static(
            "application/json; charset=utf-8"
        ))));
        assert!(is_json(Some(&HeaderValue::from_static(
            "application/merge-patch+json"
        ))));
        assert!(!is_json(Some(&HeaderValue::from_static("text/plain"))));
        assert!(!is_json(None));
    }
}
