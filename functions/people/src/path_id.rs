//! The one path parameter of a route, parsed into its id type (a malformed id is the type's own
//! 400, in problem+json).
//!
//! Read from the raw parameters rather than with `Path<T>`: when this router is mounted inside
//! another one (the in-process API of the tests forwards each path to its function's router) the
//! parameter is captured twice, which `Path<T>` refuses. The innermost match, the last, is ours.

use std::str::FromStr;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use shared::ApiError;

pub struct PathId<T>(pub T);

impl<S, T> FromRequestParts<S> for PathId<T>
where
    S: Send + Sync,
    T: FromStr<Err = ApiError>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("the path is not valid UTF-8".into()))?;
        let value = raw
            .iter()
            .last()
            .map(|(_, value)| value)
            .ok_or_else(|| ApiError::NotFound("this path".into()))?;
        value.parse().map(PathId)
    }
}
