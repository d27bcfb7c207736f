//! The one path parameter of a route (`/movies/{id}`, `/profiles/{user_id}`…), parsed into its
//! domain type. A malformed value is that type's own 400, in problem+json — axum's `Path` would
//! answer in plain text.

use std::str::FromStr;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;

use crate::error::ApiError;

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
        // Every route has at most one parameter; the last is the innermost match.
        let value = raw
            .iter()
            .last()
            .map(|(_, value)| value)
            .ok_or_else(|| ApiError::NotFound("this path".into()))?;
        value.parse().map(PathId)
    }
}
