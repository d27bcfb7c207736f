//! Lambda entry point of the reviews function: build the state once, then serve invocations.

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), lambda_http::Error> {
    shared::logging::init();
    let state = shared::AppState::init().await;
    shared::http::serve_on_lambda(reviews::router(state)).await
}
