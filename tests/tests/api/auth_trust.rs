//! What an access token is worth: only an operator makes admins, a token's account must exist
//! and be active, the role is the account's current one, and tokens carry this API's issuer and
//! audience, signed with a key that is not an example or a guessable phrase.

use axum::http::{Method, StatusCode};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use movieverse_tests::TestApp;
use serde_json::json;
use shared::auth::Role;
use shared::config::keys;
use shared::operator::Command;

use crate::auth_support::{me, on_both_backends, on_both_backends_with, register};

on_both_backends!(
    a_token_whose_account_never_existed_is_refused_everywhere,
    a_token_re_signed_with_the_admin_role_gets_no_admin_rights,
    a_demotion_takes_effect_on_the_next_request,
);

// The setting that used to make admins by name must do nothing now.
on_both_backends_with!(
    &[("MOVIEVERSE_ADMIN_USERS", "boss,boss@example.org")];
    registration_never_makes_an_admin_and_the_operator_command_does,
);

async fn add_movie(app: &TestApp, token: &str) -> StatusCode {
    app.call(
        Method::POST,
        "/movies",
        Some(json!({"title": "An operator's pick"})),
        Some(token),
    )
    .await
    .status
}

fn args(verb: &str, id: uuid::Uuid) -> Vec<String> {
    vec![verb.to_string(), id.to_string()]
}

async fn registration_never_makes_an_admin_and_the_operator_command_does(app: &TestApp) {
    let boss = register(app, "boss").await;
    assert_eq!(me(app, &boss.access).await.json()["role"], "user");
    assert_eq!(add_movie(app, &boss.access).await, StatusCode::FORBIDDEN);

    // The operator's step, by account id.
    Command::parse(&args("promote", boss.id))
        .unwrap()
        .run(&app.state)
        .await
        .unwrap();
    assert_eq!(me(app, &boss.access).await.json()["role"], "admin");
    // The same access token: the role is read from the account.
    assert_eq!(add_movie(app, &boss.access).await, StatusCode::CREATED);

    // A name is not an id, and an unknown id changes nothing.
    assert!(Command::parse(&["promote".into(), "boss".into()]).is_err());
    assert!(Command::parse(&args("promote", uuid::Uuid::now_v7()))
        .unwrap()
        .run(&app.state)
        .await
        .is_err());
}

async fn a_token_whose_account_never_existed_is_refused_everywhere(app: &TestApp) {
    let ghost = app.token(uuid::Uuid::now_v7(), Role::User);
    me(app, &ghost).await.problem(StatusCode::UNAUTHORIZED);
    app.call(
        Method::PATCH,
        "/profiles/me",
        Some(json!({"bio": "boo"})),
        Some(&ghost),
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    app.call(
        Method::POST,
        "/movies/1/reviews",
        Some(json!({"rating": 7, "body": "written by nobody"})),
        Some(&ghost),
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    let ghost_admin = app.token(uuid::Uuid::now_v7(), Role::Admin);
    assert_eq!(add_movie(app, &ghost_admin).await, StatusCode::UNAUTHORIZED);
}

async fn a_token_re_signed_with_the_admin_role_gets_no_admin_rights(app: &TestApp) {
    let user = register(app, "pretender").await;
    // A token with the right key, for a real account, claiming a role the account lacks.
    let claims_admin = app.token(user.id, Role::Admin);
    assert_eq!(add_movie(app, &claims_admin).await, StatusCode::FORBIDDEN);
    assert_eq!(me(app, &claims_admin).await.json()["role"], "user");
}

async fn a_demotion_takes_effect_on_the_next_request(app: &TestApp) {
    let (id, token) = app.account_token(Role::Admin).await;
    assert_eq!(add_movie(app, &token).await, StatusCode::CREATED);
    Command::parse(&args("demote", id))
        .unwrap()
        .run(&app.state)
        .await
        .unwrap();
    assert_eq!(add_movie(app, &token).await, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn tokens_without_this_apis_issuer_and_audience_are_refused() {
    let app = TestApp::embedded().await;
    let user = register(&app, "audience").await;
    let key = std::fs::read(app.data_dir.path().join("jwt.key")).unwrap();
    let now = chrono::Utc::now().timestamp();
    let sign = |claims: serde_json::Value| {
        jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &EncodingKey::from_secret(&key),
        )
        .unwrap()
    };
    let base = json!({"sub": user.id, "role": "user", "exp": now + 600, "iat": now, "jti": uuid::Uuid::new_v4()});
    let with = |iss: Option<&str>, aud: Option<&str>| {
        let mut claims = base.clone();
        if let Some(iss) = iss {
            claims["iss"] = iss.into();
        }
        if let Some(aud) = aud {
            claims["aud"] = aud.into();
        }
        sign(claims)
    };
    assert_eq!(
        me(&app, &with(Some("movieverse"), Some("movieverse-api")))
            .await
            .status,
        StatusCode::OK
    );
    for token in [
        with(None, None),
        with(Some("movieverse"), None),
        with(None, Some("movieverse-api")),
        with(Some("someone-else"), Some("movieverse-api")),
        with(Some("movieverse"), Some("another-api")),
    ] {
        me(&app, &token).await.problem(StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_copied_or_guessable_jwt_secret_keeps_token_signing_off() {
    let register_with = |secret: String| async move {
        let app = TestApp::build(&[(keys::JWT_SECRET, &secret)], None, None, None, None).await;
        app.post_from(
            "2001:db8::5",
            "/auth/register",
            json!({"username": "keyed", "email": "keyed@example.org", "password": crate::auth_support::PASSWORD}),
        )
        .await
    };
    for weak in [
        "change-me-to-at-least-32-random-bytes-please".to_string(),
        "a".repeat(64),
        "secretsecretsecretsecretsecretsecret".to_string(),
    ] {
        register_with(weak)
            .await
            .problem(StatusCode::SERVICE_UNAVAILABLE);
    }
    let random = hex_of_random_bytes();
    assert_eq!(register_with(random).await.status, StatusCode::CREATED);
}

fn hex_of_random_bytes() -> String {
    uuid::Uuid::new_v4().simple().to_string() + &uuid::Uuid::new_v4().simple().to_string()
}
