//! The one error type of the HTTP layer and its mapping to RFC 9457 problem+json.
//!
//! Handlers return `Result<_, ApiError>`; store errors convert into it with `?`. This file is the
//! only place where an error becomes a status code and a body, so every function answers the same
//! way and no driver message ever reaches a client.

use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use crate::stores::StoreError;

/// Seconds a client should wait before retrying when a store is unavailable.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// One invalid field of a request, as listed in a 422 answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// State of a rate limit window, sent as the `RateLimit-*` headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitState {
    pub limit: u64,
    pub remaining: u64,
    /// Seconds until the window resets.
    pub reset_secs: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("bad request: {0}")]
    BadRequest(String),
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("conflict: {detail}")]
    Conflict {
        detail: String,
        /// Extra members for the problem document, e.g. a link to the existing resource.
        extra: serde_json::Map<String, serde_json::Value>,
    },
    #[error("precondition failed")]
    PreconditionFailed,
    #[error("precondition required")]
    PreconditionRequired,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("rate limited")]
    RateLimited(RateLimitState),
    #[error("{0} is unavailable")]
    Unavailable(String),
    #[error("not implemented: {0}")]
    NotImplemented(&'static str),
    /// A bug. The message is logged, never sent.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn conflict(detail: impl Into<String>) -> Self {
        Self::Conflict {
            detail: detail.into(),
            extra: serde_json::Map::new(),
        }
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Self::BadRequest(_) => StatusCode::BAD_REQUEST,
            Self::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            Self::Forbidden(_) => StatusCode::FORBIDDEN,
            Self::NotFound(_) => StatusCode::NOT_FOUND,
            Self::MethodNotAllowed => StatusCode::METHOD_NOT_ALLOWED,
            Self::Conflict { .. } => StatusCode::CONFLICT,
            Self::PreconditionFailed => StatusCode::PRECONDITION_FAILED,
            Self::PreconditionRequired => StatusCode::PRECONDITION_REQUIRED,
            Self::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Self::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            Self::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Self::RateLimited(_) => StatusCode::TOO_MANY_REQUESTS,
            Self::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            Self::NotImplemented(_) => StatusCode::NOT_IMPLEMENTED,
            Self::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn slug(&self) -> &'static str {
        match self {
            Self::BadRequest(_) => "bad-request",
            Self::Unauthorized(_) => "unauthorized",
            Self::Forbidden(_) => "forbidden",
            Self::NotFound(_) => "not-found",
            Self::MethodNotAllowed => "method-not-allowed",
            Self::Conflict { .. } => "conflict",
            Self::PreconditionFailed => "precondition-failed",
            Self::PreconditionRequired => "precondition-required",
            Self::PayloadTooLarge => "payload-too-large",
            Self::UnsupportedMediaType => "unsupported-media-type",
            Self::Validation(_) => "validation",
            Self::RateLimited(_) => "rate-limited",
            Self::Unavailable(_) => "unavailable",
            Self::NotImplemented(_) => "not-implemented",
            Self::Internal(_) => "internal",
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::BadRequest(d) | Self::Unauthorized(d) | Self::Forbidden(d) => d.clone(),
            Self::NotFound(what) => format!("{what} was not found"),
            Self::MethodNotAllowed => "this path does not accept that method".into(),
            Self::Conflict { detail, .. } => detail.clone(),
            Self::PreconditionFailed => {
                "the resource changed since you read it; fetch it again and retry".into()
            }
            Self::PreconditionRequired => "send If-Match with the ETag you last read".into(),
            Self::PayloadTooLarge => format!(
                "the request body is larger than {} KiB",
                crate::http::MAX_BODY_BYTES / 1024
            ),
            Self::UnsupportedMediaType => "send the body as application/json".into(),
            Self::Validation(_) => "the request has invalid fields".into(),
            Self::RateLimited(_) => "too many requests; wait and retry".into(),
            Self::Unavailable(store) => {
                format!("the {store} store is unavailable right now; retry shortly")
            }
            Self::NotImplemented(what) => format!("{what} is not implemented yet"),
            Self::Internal(_) => "an unexpected error happened; it has been logged".into(),
        }
    }
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: String,
    title: &'a str,
    status: u16,
    detail: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a [FieldError]>,
    #[serde(flatten)]
    extra: Option<&'a serde_json::Map<String, serde_json::Value>>,
}

pub const PROBLEM_JSON: &str = "application/problem+json";

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let status = self.status();
        match &self {
            Self::Internal(message) => tracing::error!(error = %message, "internal error"),
            Self::Unavailable(store) => tracing::warn!(store = %store, "store unavailable"),
            _ => tracing::debug!(error = %self, "request refused"),
        }
        let problem = Problem {
            kind: format!("https://movieverse.dev/problems/{}", self.slug()),
            title: status.canonical_reason().unwrap_or("Error"),
            status: status.as_u16(),
            detail: self.detail(),
            errors: match &self {
                Self::Validation(errors) => Some(errors.as_slice()),
                _ => None,
            },
            extra: match &self {
                Self::Conflict { extra, .. } if !extra.is_empty() => Some(extra),
                _ => None,
            },
        };
        let body = serde_json::to_vec(&problem).unwrap_or_else(|_| b"{}".to_vec());
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        match &self {
            Self::Unauthorized(_) => {
                headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
            }
            Self::Unavailable(_) => {
                headers.insert(header::RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS.into());
            }
            Self::RateLimited(state) => {
                insert_rate_limit_headers(&mut headers, state);
                headers.insert(header::RETRY_AFTER, state.reset_secs.max(1).into());
            }
            _ => {}
        }
        (status, headers, body).into_response()
    }
}

/// Adds the IETF `RateLimit-*` headers describing `state`.
pub fn insert_rate_limit_headers(headers: &mut HeaderMap, state: &RateLimitState) {
    headers.insert(
        HeaderName::from_static("ratelimit-limit"),
        state.limit.into(),
    );
    headers.insert(
        HeaderName::from_static("ratelimit-remaining"),
        state.remaining.into(),
    );
    headers.insert(
        HeaderName::from_static("ratelimit-reset"),
        state.reset_secs.into(),
    );
}

impl From<StoreError> for ApiError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound(what) => Self::NotFound(what),
            StoreError::Conflict(detail) => Self::conflict(detail),
            StoreError::VersionMismatch => Self::PreconditionFailed,
            StoreError::Unavailable { store, reason } => {
                tracing::warn!(store, reason = %reason, "store call failed");
                Self::Unavailable(store.to_string())
            }
            StoreError::Internal(message) => Self::Internal(message),
        }
    }
}
