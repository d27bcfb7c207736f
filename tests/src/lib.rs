//! Test support for MovieVerse: real services with a fresh database per test, and the whole API
//! in process, routed exactly as API Gateway and `cargo lambda watch` route it.
//!
//! Services come from the environment that `scripts/test.sh` prepares (`MV_TEST_*`). A missing
//! service skips the test loudly, except under `CI=true`, where it fails.

mod accounts;
pub mod app;
pub mod client;
pub mod deployed;
pub mod openapi;
pub mod proxy;
pub mod services;
pub mod template;

pub use accounts::own_address;
pub use app::{TestApp, TestResponse};
pub use client::ApiClient;
