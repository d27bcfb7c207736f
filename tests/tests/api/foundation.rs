//! The HTTP foundation every function shares: health, unknown paths, wrong methods, routes not
//! yet implemented, and stores that are down or misconfigured.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use movieverse_tests::TestApp;
use shared::config::keys;

#[tokio::test]
async fn health_reports_every_embedded_store_up() {
    let app = TestApp::embedded().await;
    let response = app.get("/health").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!(body["status"], "ok");
    for store in ["catalog", "accounts", "reviews", "profiles", "cache"] {
        assert_eq!(body["stores"][store]["status"], "up", "{store}: {body}");
        assert_eq!(body["stores"][store]["backend"], "embedded", "{store}");
    }
    assert_eq!(response.header("cache-control"), Some("private, no-store"));
}

#[tokio::test]
async fn unknown_paths_are_404_problems() {
    let app = TestApp::embedded().await;
    for path in ["/nope", "/movies/550/nope", "/auth"] {
        let problem = app.get(path).await.problem(StatusCode::NOT_FOUND);
        assert!(problem["detail"].is_string(), "{path}");
    }
}

#[tokio::test]
async fn wrong_methods_are_405_problems_with_allow() {
    let app = TestApp::embedded().await;
    let response = app.call(Method::DELETE, "/genres", None, None).await;
    response.problem(StatusCode::METHOD_NOT_ALLOWED);
    let allow = response.header("allow").expect("Allow header");
    assert!(allow.contains("GET"), "{allow}");
}

#[tokio::test]
async fn every_answer_carries_a_request_id_and_keeps_the_callers() {
    let app = TestApp::embedded().await;
    let generated = app.get("/health").await;
    assert!(generated
        .header("x-request-id")
        .is_some_and(|id| id.len() >= 32));

    let request = axum::http::Request::get("/health")
        .header("x-request-id", "trace-me-123")
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(
        app.send(request).await.header("x-request-id"),
        Some("trace-me-123")
    );
}

#[tokio::test]
async fn a_store_on_a_closed_port_is_a_503_within_the_acquire_timeout() {
    // Port 1 on loopback refuses connections at once; a real outage is bounded by the timeouts.
    let app = TestApp::build(
        &[
            (keys::POSTGRES_URL, "postgres://nobody@127.0.0.1:1/none"),
            (keys::MOVIEVERSE_RUN_MIGRATIONS, "false"),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let started = Instant::now();
    let response = app.get("/health").await;
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = response.json();
    assert_eq!(body["status"], "down");
    assert_eq!(body["stores"]["accounts"]["status"], "down");
    assert_eq!(body["stores"]["accounts"]["backend"], "production");
    assert_eq!(body["stores"]["catalog"]["status"], "up");
}

#[tokio::test]
async fn a_malformed_setting_starts_anyway_and_health_names_the_store() {
    let app = TestApp::build(
        &[(keys::MYSQL_URL, "not a url at all")],
        None,
        None,
        None,
        None,
    )
    .await;
    let response = app.get("/health").await;
    assert_eq!(response.status, StatusCode::SERVICE_UNAVAILABLE);
    let body = response.json();
    assert_eq!(body["stores"]["reviews"]["status"], "down");
    assert!(!response.body.windows(10).any(|w| w == b"not a url "));
}

#[tokio::test]
async fn redis_down_is_degraded_not_down() {
    let app = TestApp::build(
        &[(keys::REDIS_URL, "redis://127.0.0.1:1")],
        None,
        None,
        None,
        None,
    )
    .await;
    let response = app.get("/health").await;
    assert_eq!(response.status, StatusCode::OK);
    let body = response.json();
    assert_eq!(body["status"], "degraded");
    assert_eq!(body["stores"]["cache"]["status"], "down");
}

#[tokio::test]
async fn the_openapi_document_is_served_as_json() {
    let app = TestApp::embedded().await;
    let response = app.get("/openapi.json").await;
    assert_eq!(response.status, StatusCode::OK);
    let doc = response.json();
    assert!(
        doc["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3.1")),
        "{}",
        doc["openapi"]
    );
    assert!(doc["paths"]["/health"]["get"].is_object());
    assert!(response.header("etag").is_some());
}

#[tokio::test]
async fn public_gets_answer_304_to_a_matching_if_none_match() {
    let app = TestApp::embedded().await;
    let first = app.get("/openapi.json").await;
    let etag = first.header("etag").expect("ETag").to_string();
    assert!(first
        .header("cache-control")
        .is_some_and(|v| v.starts_with("public")));
    let request = axum::http::Request::get("/openapi.json")
        .header("if-none-match", &etag)
        .body(axum::body::Body::empty())
        .unwrap();
    let second = app.send(request).await;
    assert_eq!(second.status, StatusCode::NOT_MODIFIED);
    assert!(second.body.is_empty());
    assert_eq!(second.header("etag"), Some(etag.as_str()));
}
