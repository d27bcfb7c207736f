//! One way to drive the API, whether it runs in process ([`TestApp`]) or as the real function
//! processes ([`DeployedApi`]): a flow written against [`ApiClient`] runs in both shapes.

use axum::body::Body;
use axum::http::{header, Method, Request};
use serde_json::Value;

use crate::deployed::{DeployedApi, Outcome};
use crate::{TestApp, TestResponse};

// The flows run on one test's runtime and never need these futures to be `Send`.
#[allow(async_fn_in_trait)]
pub trait ApiClient {
    /// A request with an optional JSON body and extra headers.
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse;

    /// Runs the seed function with `event` (a `SeedRequest`) and answers its report.
    async fn seed(&self, event: &Value) -> Value;

    async fn get(&self, path: &str) -> TestResponse {
        self.request(Method::GET, path, None, &[]).await
    }

    /// A request with an optional JSON body and bearer token.
    async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> TestResponse {
        let bearer = token.map(|token| format!("Bearer {token}"));
        let headers: Vec<(&str, &str)> = bearer
            .as_deref()
            .map(|value| ("authorization", value))
            .into_iter()
            .collect();
        self.request(method, path, body, &headers).await
    }
}

impl ApiClient for TestApp {
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut request = Request::builder().method(method).uri(path);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some(json) => {
                request = request.header(header::CONTENT_TYPE, "application/json");
                Body::from(json.to_string())
            }
            None => Body::empty(),
        };
        self.send(request.body(body).expect("request")).await
    }

    async fn seed(&self, event: &Value) -> Value {
        let request: seed::SeedRequest =
            serde_json::from_value(event.clone()).expect("a seed request");
        let report = seed::handle(self.function_state("seed"), request, None)
            .await
            .expect("the seed run is recorded");
        serde_json::to_value(report).expect("report")
    }
}

impl ApiClient for DeployedApi {
    async fn request(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let mut headers = headers.to_vec();
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        let body = body.map(|json| json.to_string().into_bytes());
        self.call_from(None, method, path, body, &headers).await
    }

    async fn seed(&self, event: &Value) -> Value {
        match self.invoke("seed", event).await {
            Outcome::Response(report) => serde_json::from_slice(&report).expect("report"),
            Outcome::Error(error) => panic!(
                "the seed function failed: {}\n{}",
                String::from_utf8_lossy(&error),
                self.log_of("seed")
            ),
        }
    }
}
