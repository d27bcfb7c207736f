//! TMDB's error shape, `{"success": false, "status_code": N, "status_message": "…"}`, with the
//! HTTP status TMDB pairs with each code. Every `/3` answer that is not a success goes through
//! [`TmdbError`], so no problem+json ever reaches a TMDB client.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;

/// Why a `/3` request failed, as TMDB's status codes tell it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TmdbError {
    /// No such resource or route (TMDB's 34).
    #[error("not found")]
    NotFound,
    /// An id that can never exist, such as 0 (TMDB's 6).
    #[error("invalid id")]
    InvalidId,
    /// A page outside 1..=500 or not an integer (TMDB's 22).
    #[error("invalid page")]
    InvalidPage,
    /// A parameter TMDB knows, with a value it refuses (TMDB's 5); names the parameter in logs.
    #[error("invalid parameter {0}")]
    InvalidParameter(String),
    /// A store is down (TMDB's 9).
    #[error("service offline: {0}")]
    Unavailable(String),
    /// Anything else (TMDB's 11); the detail is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl TmdbError {
    fn parts(&self) -> (StatusCode, u16, &'static str) {
        match self {
            Self::NotFound => (
                StatusCode::NOT_FOUND,
                34,
                "The resource you requested could not be found.",
            ),
            Self::InvalidId => (
                StatusCode::NOT_FOUND,
                6,
                "Invalid id: The pre-requisite id is invalid or not found.",
            ),
            Self::InvalidPage => (
                StatusCode::BAD_REQUEST,
                22,
                "Invalid page: Pages start at 1 and max at 500. They are expected to be an integer.",
            ),
            Self::InvalidParameter(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                5,
                "Invalid parameters: Your request parameters are incorrect.",
            ),
            Self::Unavailable(_) => (
                StatusCode::SERVICE_UNAVAILABLE,
                9,
                "Service offline: This service is temporarily offline, try again later.",
            ),
            Self::Internal(_) => (
                StatusCode::INTERNAL_SERVER_ERROR,
                11,
                "Internal error: Something went wrong, try again later.",
            ),
        }
    }
}

/// The one mapping from the native error type: the routes reuse the native cache helpers, which
/// answer [`ApiError`].
impl From<ApiError> for TmdbError {
    fn from(error: ApiError) -> Self {
        match error {
            ApiError::NotFound(_) => Self::NotFound,
            ApiError::Validation(fields) if fields.iter().any(|f| f.field == "page") => {
                Self::InvalidPage
            }
            ApiError::Validation(fields) => {
                Self::InvalidParameter(fields.first().map(|f| f.field.clone()).unwrap_or_default())
            }
            ApiError::BadRequest(detail) => Self::InvalidParameter(detail),
            ApiError::Unavailable(detail) => Self::Unavailable(detail),
            other => Self::Internal(other.to_string()),
        }
    }
}

impl From<crate::stores::StoreError> for TmdbError {
    fn from(error: crate::stores::StoreError) -> Self {
        ApiError::from(error).into()
    }
}

impl IntoResponse for TmdbError {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        match &self {
            Self::Internal(detail) => tracing::error!(error = %detail, "TMDB route failed"),
            Self::Unavailable(detail) => tracing::warn!(error = %detail, "TMDB route unavailable"),
            Self::InvalidParameter(name) => {
                tracing::debug!(parameter = %name, "TMDB parameter refused")
            }
            _ => {}
        }
        let body = serde_json::json!({
            "success": false,
            "status_code": code,
            "status_message": message,
        });
        (
            status,
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json;charset=utf-8"),
            )],
            body.to_string(),
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn native_errors_map_onto_tmdb_codes() {
        let page = ApiError::Validation(vec![FieldError::new("page", "bad")]);
        assert_eq!(TmdbError::from(page), TmdbError::InvalidPage);
        assert_eq!(
            TmdbError::from(ApiError::NotFound("movie".into())),
            TmdbError::NotFound
        );
        let (status, code, _) = TmdbError::InvalidId.parts();
        assert_eq!((status, code), (StatusCode::NOT_FOUND, 6));
    }
}
