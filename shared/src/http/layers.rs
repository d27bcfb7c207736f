//! The layers every function's router gets, in one place.

use std::time::Duration;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderName, Response, StatusCode};
use axum::middleware::Next;
use axum::response::IntoResponse;
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use crate::error::ApiError;

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// 404 for paths no route matches.
pub async fn not_found() -> ApiError {
    ApiError::NotFound("this path".into())
}

/// Wraps a function's routes with the common layers: problem+json for unknown paths and wrong
/// methods, request ids (from `x-request-id` or generated) in the logs and on the answer, a log
/// line per request, and a last-resort 500 for a panic.
pub fn finish_router(router: Router) -> Router {
    router
        .fallback(not_found)
        .layer(axum::middleware::from_fn(problem_for_bare_errors))
        .layer(CatchPanicLayer::custom(|_| {
            ApiError::Internal("a handler panicked".into()).into_response()
        }))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|request: &Request| {
                    let request_id = request
                        .headers()
                        .get(&REQUEST_ID)
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or("-");
                    tracing::info_span!(
                        "request",
                        method = %request.method(),
                        path = %request.uri().path(),
                        request_id = %request_id,
                    )
                })
                .on_response(
                    |response: &Response<Body>, latency: Duration, _span: &tracing::Span| {
                        tracing::info!(
                            status = response.status().as_u16(),
                            latency_us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX),
                            "answered"
                        );
                    },
                ),
        )
        .layer(PropagateRequestIdLayer::new(REQUEST_ID))
        .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
}

/// axum answers a wrong method with an empty 405 (with `Allow`) and a body-limit breach with a
/// text 413; turn those into problem+json, keeping their headers.
async fn problem_for_bare_errors(request: Request, next: Next) -> Response<Body> {
    let response = next.run(request).await;
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
