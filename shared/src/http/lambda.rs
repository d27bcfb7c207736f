//! Serving a function's router to the Lambda Runtime API.

use lambda_http::lambda_runtime::Runtime;
use lambda_http::Adapter;

/// Serves `router`'s invocations until the container stops.
///
/// Not `lambda_http::run`: it also opens lambda_runtime's `info` span around each invocation,
/// which the JSON log format formats and parses back into every line written inside it, the
/// access line too (README, "Performance"). Lambda's START and END lines already carry the
/// invocation's request id.
pub async fn serve_on_lambda(router: axum::Router) -> Result<(), lambda_http::Error> {
    Runtime::new(Adapter::from(router)).run().await
}
