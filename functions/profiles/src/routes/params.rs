//! Path parameters, answered in problem+json.
//!
//! Read by name from the raw parameters rather than with `Path<T>`: when a router is mounted
//! inside another one (the in-process API of the tests forwards each path to its function's
//! router) the same name is captured twice, which `Path<String>` refuses. The innermost match,
//! the last one, is this router's own.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use shared::ApiError;

pub struct PathParams(Vec<(String, String)>);

impl<S: Send + Sync> FromRequestParts<S> for PathParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("the path is not valid UTF-8".into()))?;
        Ok(Self(
            raw.iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
        ))
    }
}

impl PathParams {
    /// The value of `name`, parsed (a parse failure is the type's own 400).
    pub fn parse<T>(&self, name: &str) -> Result<T, ApiError>
    where
        T: std::str::FromStr<Err = ApiError>,
    {
        self.0
            .iter()
            .rev()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .ok_or_else(|| ApiError::NotFound("this path".into()))?
            .parse()
    }
}
