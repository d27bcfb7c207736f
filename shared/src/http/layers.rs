//! The layers every function's router gets, in one place.

use std::time::Instant;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderName, HeaderValue, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tracing::Instrument;

use crate::error::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// The longest client-sent request id that is kept; longer ones are replaced.
pub const MAX_REQUEST_ID_LEN: usize = 128;

/// 404 for paths no route matches.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("this path".into())
}

/// Wraps a function's routes with the common layers: problem+json for unknown paths, wrong
/// methods and oversized bodies, request ids (from `x-request-id` or generated) in the logs and
/// on the answer, a log line per request, and a last-resort 500 for a panic.
pub fn finish_router(router: Router) -> Router {
    router
        .fallback(not_found)
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("a handler panicked".into()).into_response()
        }))
        .layer(axum::middleware::from_fn(request_context))
}

/// What every request gets, as one middleware. It was three tower-http layers (request id set
/// and propagated, trace) plus a second middleware for bare errors; in the load run those cost
/// about a quarter of a cached read's CPU, mostly in the JSON log line re-reading its span's
/// fields and in one `getrandom` call per request id. Here the per-request span carries only the
/// request id (so a handler's own log lines name their request) and the one access line is
/// written after the span, with every field of its own.
async fn request_context(mut request: Request, next: Next) -> Response<Body> {
    let request_id = match request
        .headers()
        .get(&REQUEST_ID)
        .filter(|id| is_usable_id(id))
    {
        Some(given) => given.clone(),
        None => {
            let generated = new_request_id();
            request.headers_mut().insert(REQUEST_ID, generated.clone());
            generated
        }
    };
    let method = request.method().clone();
    let uri = request.uri().clone();
    let started = Instant::now();
    let id = request_id.to_str().unwrap_or("-");
    let response = next
        .run(request)
        .instrument(tracing::info_span!("request", request_id = id))
        .await;
    let mut response = problem_for_bare_errors(response);
    tracing::info!(
        method = method.as_str(),
        path = uri.path(),
        request_id = id,
        status = response.status().as_u16(),
        latency_us = u64::try_from(started.elapsed().as_micros()).unwrap_or(u64::MAX),
        "answered"
    );
    response.headers_mut().insert(REQUEST_ID, request_id);
    response
}

/// Whether a client's request id may be logged and echoed as it is: at most
/// [`MAX_REQUEST_ID_LEN`] characters of `A-Z a-z 0-9 - _ . :` (UUIDs, ULIDs, trace ids). Anything
/// else (a 5 KB header, quotes, spaces) would bloat or garble every log line of the request, so
/// it is replaced by a generated id.
fn is_usable_id(id: &HeaderValue) -> bool {
    let bytes = id.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= MAX_REQUEST_ID_LEN
        && bytes
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// A UUID v4 from the thread's CSPRNG (`rand`), not from a `getrandom` system call per request.
pub fn new_request_id() -> HeaderValue {
    let id = uuid::Builder::from_random_bytes(rand::random()).into_uuid();
    let mut text = uuid::Uuid::encode_buffer();
    HeaderValue::from_str(id.hyphenated().encode_lower(&mut text))
        .unwrap_or_else(|_| HeaderValue::from_static("-"))
}

/// axum answers a wrong method with an empty 405 (with `Allow`) and a body-limit breach with a
/// text 413; turn those into problem+json, keeping their headers.
fn problem_for_bare_errors(response: Response<Body>) -> Response<Body> {
    let status = response.status();
    let has_type = response.headers().contains_key(header::CONTENT_TYPE)
        && !response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("text/plain"));
    let replacement = match status {
        StatusCode::METHOD_NOT_ALLOWED if !has_type => ApiError::MethodNotAllowed,
        StatusCode::PAYLOAD_TOO_LARGE if !has_type => ApiError::PayloadTooLarge,
        StatusCode::NOT_FOUND if !has_type => ApiError::NotFound("this path".into()),
        _ => return response,
    };
    let (parts, _) = response.into_parts();
    let mut problem = replacement.into_response();
    if let Some(allow) = parts.headers.get(header::ALLOW) {
        problem.headers_mut().insert(header::ALLOW, allow.clone());
    }
    problem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_request_ids_are_kept() {
        for kept in ["abc-123", "01HZY3V6W8K2", "trace:1.2_3"] {
            assert!(is_usable_id(&HeaderValue::from_static(kept)), "{kept}");
        }
        let long = "a".repeat(MAX_REQUEST_ID_LEN + 1);
        for replaced in ["", "a b", "x\"y", "<script>", long.as_str()] {
            let value = HeaderValue::from_str(replaced).unwrap();
            assert!(!is_usable_id(&value), "{replaced}");
        }
    }

    #[test]
    fn generated_request_ids_are_distinct_v4_uuids() {
        let first = new_request_id();
        let second = new_request_id();
        assert_ne!(first, second);
        let parsed = uuid::Uuid::parse_str(first.to_str().unwrap()).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
    }
}
