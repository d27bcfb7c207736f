//! Helpers of the auth API tests: registering, logging in, and the apps to run them on.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use movieverse_tests::services::{TestPostgres, TestRedis};
use movieverse_tests::{own_address, TestApp, TestResponse};
use serde_json::{json, Value};
use uuid::Uuid;

/// A password that meets the policy.
pub const PASSWORD: &str = "correct horse battery staple";

/// The accounts store on the real PostgreSQL and rate-limit counters on the real Redis; the
/// other stores embedded. `None` (skipped) when the services are not available.
pub async fn postgres_app(extra: &[(&str, &str)]) -> Option<TestApp> {
    let postgres = TestPostgres::create().await?;
    let redis = TestRedis::create()?;
    Some(TestApp::build(extra, Some(postgres), None, None, Some(redis)).await)
}

/// Runs an async test body on the embedded default and on PostgreSQL + Redis.
macro_rules! on_both_backends {
    ($($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn embedded() {
                    super::$test(&movieverse_tests::TestApp::embedded().await).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(app) = crate::auth_support::postgres_app(&[]).await else {
                        return;
                    };
                    super::$test(&app).await;
                }
            }
        )*
    };
}
pub(crate) use on_both_backends;

/// Like `on_both_backends!`, with extra settings (`&[(key, value)]`) for both apps.
macro_rules! on_both_backends_with {
    ($settings:expr; $($test:ident),* $(,)?) => {
        $(
            mod $test {
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn embedded() {
                    let app = movieverse_tests::TestApp::build($settings, None, None, None, None).await;
                    super::$test(&app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn postgres() {
                    let Some(app) = crate::auth_support::postgres_app($settings).await else {
                        return;
                    };
                    super::$test(&app).await;
                }
            }
        )*
    };
}
pub(crate) use on_both_backends_with;

/// A registered account as the client holds it.
pub struct Registered {
    pub id: Uuid,
    pub access: String,
    pub refresh: String,
}

pub async fn register_response(app: &TestApp, username: &str, password: &str) -> TestResponse {
    let body = json!({
        "username": username,
        "email": format!("{}@example.org", username.to_lowercase()),
        "password": password,
    });
    app.post_from(&own_address(username), "/auth/register", body)
        .await
}

pub async fn register(app: &TestApp, username: &str) -> Registered {
    let response = register_response(app, username, PASSWORD).await;
    assert_eq!(
        response.status,
        StatusCode::CREATED,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.json();
    Registered {
        id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
        access: body["access_token"].as_str().unwrap().to_string(),
        refresh: body["refresh_token"].as_str().unwrap().to_string(),
    }
}

/// A login from the client IP `ip` (sent as `X-Forwarded-For`, as API Gateway does).
pub async fn login_from(app: &TestApp, ip: &str, login: &str, password: &str) -> TestResponse {
    post_json_from(
        app,
        ip,
        "/auth/login",
        json!({"login": login, "password": password}),
    )
    .await
}

pub async fn login(app: &TestApp, login: &str, password: &str) -> TestResponse {
    login_from(app, "203.0.113.7", login, password).await
}

pub async fn post_json_from(app: &TestApp, ip: &str, path: &str, body: Value) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, "application/json")
        .header("x-forwarded-for", format!("{ip}, 10.0.0.1"))
        .body(Body::from(body.to_string()))
        .unwrap();
    app.send(request).await
}

pub async fn refresh(app: &TestApp, token: &str) -> TestResponse {
    app.call(
        Method::POST,
        "/auth/refresh",
        Some(json!({"refresh_token": token})),
        None,
    )
    .await
}

pub async fn me(app: &TestApp, access: &str) -> TestResponse {
    app.call(Method::GET, "/auth/me", None, Some(access)).await
}

/// Log lines written while a test runs on this thread.
#[derive(Clone, Default)]
pub struct CapturedLogs(pub std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl CapturedLogs {
    /// Everything written so far.
    pub fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }
}

impl std::io::Write for CapturedLogs {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
