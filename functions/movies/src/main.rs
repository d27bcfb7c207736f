//! Lambda entry point of the movies function: build the state once, then serve invocations.

use lambda_http::lambda_runtime::Runtime;
use lambda_http::Adapter;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::logging::init();
    let state = shared::AppState::init().await;
    // Not `lambda_http::run`: it also opens lambda_runtime's `info` span around each
    // invocation, which the JSON log format formats and parses back into every line written
    // inside it, the access line too (README, "Performance"). Lambda's START and END lines
    // already carry the invocation's request id.
    Runtime::new(Adapter::from(movies::router(state)))
        .run()
        .await
}
