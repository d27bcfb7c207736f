//! Lambda entry point of the seed function: build the state once, then serve invocations.

use lambda_runtime::{service_fn, Error, LambdaEvent};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Error> {
    shared::logging::init();
    let state = shared::AppState::init().await;
    lambda_runtime::run(service_fn(|event: LambdaEvent<seed::SeedRequest>| {
        let state = state.clone();
        async move {
            let deadline = seed::deadline_from_epoch_ms(event.context.deadline);
            seed::handle(&state, event.payload, deadline)
                .await
                .map_err(Error::from)
        }
    }))
    .await
}
