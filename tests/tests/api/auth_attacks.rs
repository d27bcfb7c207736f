//! Hostile and broken input to the auth routes: every one is refused with the right status,
//! never a 500, and never with a driver message.

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use movieverse_tests::{TestApp, TestResponse};
use serde_json::json;
use shared::auth::Role;

use crate::auth_support::{login, login_from, me, on_both_backends, refresh, register, PASSWORD};

on_both_backends!(
    sql_injection_strings_are_plain_data,
    refresh_tokens_that_are_not_ours_are_401,
);

async fn raw(app: &TestApp, path: &str, content_type: &str, body: Vec<u8>) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(request).await
}

#[tokio::test]
async fn malformed_bodies_are_400_413_415_or_422_naming_the_field() {
    let app = TestApp::embedded().await;
    for path in ["/auth/register", "/auth/login", "/auth/refresh"] {
        raw(&app, path, "application/json", b"{]".to_vec())
            .await
            .problem(StatusCode::BAD_REQUEST);
        raw(&app, path, "text/plain", b"{}".to_vec())
            .await
            .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
        let huge = format!("{{\"login\": \"{}\"}}", "a".repeat(70 * 1024));
        raw(&app, path, "application/json", huge.into_bytes())
            .await
            .problem(StatusCode::PAYLOAD_TOO_LARGE);
    }
    let cases = [
        (
            "/auth/register",
            json!({"username": "ok_name", "email": "a@b.co", "password": PASSWORD, "role": "admin"}),
            "role",
        ),
        (
            "/auth/register",
            json!({"username": 5, "email": "a@b.co", "password": PASSWORD}),
            "username",
        ),
        (
            "/auth/register",
            json!({"username": "ok_name", "password": PASSWORD}),
            "",
        ),
        (
            "/auth/login",
            json!({"login": {"$gt": ""}, "password": PASSWORD}),
            "login",
        ),
        (
            "/auth/login",
            json!({"login": "ok_name", "password": ["x"]}),
            "password",
        ),
        (
            "/auth/login",
            json!({"login": "ok_name", "password": PASSWORD, "$where": "1"}),
            "$where",
        ),
        (
            "/auth/refresh",
            json!({"refresh_token": null}),
            "refresh_token",
        ),
        (
            "/auth/refresh",
            json!({"refresh_token": {"$ne": null}}),
            "refresh_token",
        ),
    ];
    for (path, body, field) in cases {
        let problem = app
            .call(Method::POST, path, Some(body.clone()), None)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        if !field.is_empty() {
            assert_eq!(problem["errors"][0]["field"], field, "{path} {body}");
        }
    }
    // A role smuggled into registration did not create an admin (nor any account).
    assert_eq!(
        login(&app, "ok_name", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    for body in [
        json!({"login": "", "password": "x"}),
        json!({"login": "x", "password": ""}),
    ] {
        app.call(Method::POST, "/auth/login", Some(body), None)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
}

async fn sql_injection_strings_are_plain_data(app: &TestApp) {
    let victim = register(app, "victim").await;
    let injections = [
        "' OR '1'='1",
        "victim' --",
        "victim'; DROP TABLE users; --",
        "\" OR \"\"=\"",
        "victim' OR 1=1 LIMIT 1 --",
        "%",
        "victim\0",
    ];
    for (i, text) in injections.into_iter().enumerate() {
        let problem = app
            .call(
                Method::POST,
                "/auth/register",
                Some(json!({"username": text, "email": "x@example.org", "password": PASSWORD})),
                None,
            )
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "username");
        // Each from its own address, so the per-IP failure limit stays out of the way.
        let response = login_from(app, &format!("192.0.2.{i}"), text, PASSWORD).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{text}");
        let body = String::from_utf8_lossy(&response.body).to_lowercase();
        assert!(!body.contains("sql") && !body.contains("syntax"), "{body}");
    }
    // LIKE wildcards in a well-formed name match nothing either.
    login_from(app, "192.0.2.200", "v_ctim", PASSWORD)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    // The table and the account are intact.
    assert_eq!(me(app, &victim.access).await.status, StatusCode::OK);
    assert_eq!(login(app, "victim", PASSWORD).await.status, StatusCode::OK);
}

async fn refresh_tokens_that_are_not_ours_are_401(app: &TestApp) {
    let owner = register(app, "owner").await;
    let forged = URL_SAFE_NO_PAD.encode([7u8; 32]);
    for token in [
        "",
        "abc",
        "' OR '1'='1",
        &owner.access[..],
        &forged[..],
        &format!("{}x", owner.refresh)[..],
    ] {
        let problem = refresh(app, token).await.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(
            problem["detail"],
            "the refresh token is invalid, expired or revoked"
        );
    }
    // The real one still works: none of the above touched it.
    assert_eq!(refresh(app, &owner.refresh).await.status, StatusCode::OK);
}

/// Signs `claims` with this app's key (read from its data dir) and `algorithm`.
fn sign_with_app_key(app: &TestApp, algorithm: Algorithm, claims: &serde_json::Value) -> String {
    let key = std::fs::read(app.data_dir.path().join("jwt.key")).unwrap();
    jsonwebtoken::encode(
        &Header::new(algorithm),
        claims,
        &EncodingKey::from_secret(&key),
    )
    .unwrap()
}

#[tokio::test]
async fn tampered_expired_and_foreign_access_tokens_are_401() {
    let app = TestApp::embedded().await;
    let user = register(&app, "tokenuser").await;
    let now = chrono::Utc::now().timestamp();
    let claims = |exp: i64| json!({"sub": user.id, "role": "admin", "iss": "movieverse", "aud": "movieverse-api", "exp": exp, "iat": now - 10, "jti": uuid::Uuid::new_v4()});

    let expired = sign_with_app_key(&app, Algorithm::HS256, &claims(now - 120));
    let problem = me(&app, &expired).await.problem(StatusCode::UNAUTHORIZED);
    assert!(problem["detail"].as_str().unwrap().contains("expired"));

    // The right key with another algorithm.
    let other_alg = sign_with_app_key(&app, Algorithm::HS512, &claims(now + 600));
    me(&app, &other_alg).await.problem(StatusCode::UNAUTHORIZED);

    // alg: none, no signature.
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(now + 600).to_string())
    );
    me(&app, &unsigned).await.problem(StatusCode::UNAUTHORIZED);

    // Another key.
    let foreign = jsonwebtoken::encode(
        &Header::new(Algorithm::HS256),
        &claims(now + 600),
        &EncodingKey::from_secret(&[9u8; 64]),
    )
    .unwrap();
    me(&app, &foreign).await.problem(StatusCode::UNAUTHORIZED);

    // A real token whose payload was edited to claim the admin role.
    let mut parts: Vec<String> = user.access.split('.').map(str::to_string).collect();
    parts[1] = URL_SAFE_NO_PAD.encode(claims(now + 600).to_string());
    me(&app, &parts.join("."))
        .await
        .problem(StatusCode::UNAUTHORIZED);

    for header_value in [
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Bearer not.a.jwt",
        &user.access[..],
    ] {
        let request = Request::builder()
            .uri("/auth/me")
            .header(header::AUTHORIZATION, header_value)
            .body(Body::empty())
            .unwrap();
        let response = app.send(request).await;
        response.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    }
    // And the genuine token works.
    assert_eq!(me(&app, &user.access).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_token_for_an_account_of_no_store_is_401_on_me_not_500() {
    let app = TestApp::embedded().await;
    let token = app.token(uuid::Uuid::now_v7(), Role::User);
    me(&app, &token).await.problem(StatusCode::UNAUTHORIZED);
}
