//! Odd input at the edges of the API: request ids, avatar addresses and body shapes are cleaned
//! up or refused, never stored, logged or echoed as they came.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use movieverse_tests::TestApp;
use serde_json::json;
use shared::auth::Role;

#[tokio::test]
async fn a_huge_or_odd_request_id_is_replaced_and_a_plain_one_kept() {
    let app = TestApp::embedded().await;
    let with_id = |id: String| {
        Request::builder()
            .uri("/health")
            .header("x-request-id", id)
            .body(Body::empty())
            .unwrap()
    };
    for odd in [
        "x".repeat(5000),
        "a b \"c\"".to_string(),
        "<id>".to_string(),
    ] {
        let response = app.send(with_id(odd.clone())).await;
        let echoed = response.header("x-request-id").unwrap();
        assert_ne!(echoed, odd);
        assert!(uuid::Uuid::parse_str(echoed).is_ok(), "{echoed}");
    }
    let response = app.send(with_id("client-trace-42".into())).await;
    assert_eq!(response.header("x-request-id"), Some("client-trace-42"));
}

#[tokio::test]
async fn an_avatar_url_is_stored_in_its_normalised_form() {
    let app = TestApp::embedded().await;
    let (id, token) = app.account_token(Role::User).await;
    let response = app
        .call(
            Method::PATCH,
            "/profiles/me",
            Some(json!({"avatar_url": "https://IMG.example.org/me and \"you\" <3.png"})),
            Some(&token),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{response:?}");
    let expected = "https://img.example.org/me%20and%20%22you%22%20%3C3.png";
    assert_eq!(response.json()["avatar_url"], expected);
    let stored = app.get(&format!("/profiles/{id}")).await.json();
    assert_eq!(stored["avatar_url"], expected);
}

#[tokio::test]
async fn a_body_that_is_a_json_array_is_422() {
    let app = TestApp::embedded().await;
    let (_, token) = app.account_token(Role::User).await;
    for body in ["[null, null]", "[]", " [\"name\", \"bio\"]"] {
        let request = Request::builder()
            .method(Method::PATCH)
            .uri("/profiles/me")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .body(Body::from(body))
            .unwrap();
        let problem = app
            .send(request)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problem["errors"][0]["message"],
            "the body must be a JSON object"
        );
    }
    // The same for a route that needs no token.
    app.post_from(
        "2001:db8:9::1",
        "/auth/login",
        json!(["someone", "a password"]),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
}
