//! The auth routes as a client uses them, on the embedded default and on PostgreSQL + Redis:
//! register, login, refresh, logout, me, password change, deletion, and the first admin.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use movieverse_tests::services::TestPostgres;
use movieverse_tests::TestApp;
use serde_json::json;
use shared::config::keys;
use shared::domain::UserId;

use crate::auth_support::{
    login, login_from, me, on_both_backends, refresh, register, register_response, CapturedLogs,
    PASSWORD,
};

on_both_backends!(
    registration_answers_the_account_and_working_tokens,
    registration_reports_every_invalid_field,
    a_taken_username_or_email_is_409_without_saying_which,
    login_works_with_username_or_email_in_any_case,
    unknown_users_and_wrong_passwords_get_the_same_401,
    refresh_rotates_and_a_replayed_token_revokes_the_family,
    logout_revokes_only_the_callers_sessions,
    logout_with_a_spent_token_ends_the_copy_that_was_rotated,
    a_password_change_revokes_every_refresh_token,
    deleting_the_account_removes_it_everywhere,
);

async fn registration_answers_the_account_and_working_tokens(app: &TestApp) {
    let response = register_response(app, "Alice_1", PASSWORD).await;
    assert_eq!(response.status, StatusCode::CREATED);
    assert_eq!(response.header("cache-control"), Some("private, no-store"));
    let body = response.json();
    assert_eq!(
        body["user"]["username"], "alice_1",
        "usernames are lower case"
    );
    assert_eq!(body["user"]["email"], "alice_1@example.org");
    assert_eq!(body["user"]["role"], "user");
    assert!(body["user"]["created_at"].as_str().unwrap().contains('T'));
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 900);
    let id = body["user"]["id"].as_str().unwrap();
    assert_eq!(uuid::Uuid::parse_str(id).unwrap().get_version_num(), 7);
    let text = String::from_utf8_lossy(&response.body);
    assert!(
        !text.contains(PASSWORD) && !text.contains("argon2"),
        "{text}"
    );

    let access = body["access_token"].as_str().unwrap();
    let mine = me(app, access).await;
    assert_eq!(mine.status, StatusCode::OK);
    assert_eq!(mine.header("cache-control"), Some("private, no-store"));
    let account = mine.json();
    assert_eq!(account["id"], id);
    assert_eq!(account["username"], "alice_1");
    assert_eq!(account["email"], "alice_1@example.org");
    assert!(account.get("password_hash").is_none());

    // Other stores see the name through the store trait.
    let names = app
        .state
        .accounts()
        .unwrap()
        .usernames(&[UserId(id.parse().unwrap())])
        .await
        .unwrap();
    assert_eq!(names.values().next().map(String::as_str), Some("alice_1"));
}

async fn registration_reports_every_invalid_field(app: &TestApp) {
    let response = app
        .call(
            Method::POST,
            "/auth/register",
            Some(json!({"username": "a b", "email": "not-an-email", "password": "short"})),
            None,
        )
        .await;
    let problem = response.problem(StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["username", "email", "password"]);

    for (password, why) in [
        ("password123", "common"),
        ("Qwerty123", "common, any case"),
        ("1234567", "too short"),
        (&"x".repeat(129)[..], "too long"),
    ] {
        let problem = register_response(app, "bob", password)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "password", "{why}");
    }
    for username in ["ab", &"a".repeat(31)[..], "bob!", "bøb", "bob smith"] {
        let problem = register_response(app, username, PASSWORD)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(problem["errors"][0]["field"], "username", "{username}");
    }
    // Nothing was created by the refused attempts.
    assert_eq!(
        login(app, "bob", PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}

async fn a_taken_username_or_email_is_409_without_saying_which(app: &TestApp) {
    register(app, "carol").await;
    let mut problems = Vec::new();
    for (username, email) in [("CAROL", "new@example.org"), ("carla", "Carol@Example.org")] {
        let response = app
            .post_from(
                &movieverse_tests::own_address(username),
                "/auth/register",
                json!({"username": username, "email": email, "password": PASSWORD}),
            )
            .await;
        let problem = response.problem(StatusCode::CONFLICT);
        assert!(problem.get("field").is_none(), "{problem}");
        let text = String::from_utf8_lossy(&response.body);
        assert!(
            !text.contains("carol@example.org") && !text.contains("\"carol\""),
            "{text}"
        );
        problems.push(problem);
    }
    // A taken name and a taken address get the very same answer.
    assert_eq!(problems[0], problems[1]);
    // Nothing was created by either attempt.
    login(app, "carla", PASSWORD)
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

async fn login_works_with_username_or_email_in_any_case(app: &TestApp) {
    let dan = register(app, "dan").await;
    for name in ["dan", "DAN", "dan@example.org", "Dan@EXAMPLE.org"] {
        let response = login(app, name, PASSWORD).await;
        assert_eq!(response.status, StatusCode::OK, "{name}");
        assert_eq!(response.header("cache-control"), Some("private, no-store"));
        let body = response.json();
        assert_eq!(body["user"]["id"], dan.id.to_string());
        assert_eq!(
            me(app, body["access_token"].as_str().unwrap()).await.status,
            StatusCode::OK
        );
        assert_eq!(
            refresh(app, body["refresh_token"].as_str().unwrap())
                .await
                .status,
            StatusCode::OK
        );
    }
}

async fn unknown_users_and_wrong_passwords_get_the_same_401(app: &TestApp) {
    register(app, "erin").await;
    // Warm the dummy hash so the first unknown-user attempt is not an outlier.
    login_from(app, "198.51.100.1", "warm_up", PASSWORD).await;

    let mut timings = (Vec::new(), Vec::new());
    let mut bodies = Vec::new();
    for round in 0..3 {
        let ip = format!("198.51.100.{}", 10 + round);
        let started = Instant::now();
        let wrong = login_from(app, &ip, "erin", "not the password at all").await;
        timings.0.push(started.elapsed());
        let started = Instant::now();
        let unknown = login_from(app, &ip, "nobody_here", "not the password at all").await;
        timings.1.push(started.elapsed());
        for response in [&wrong, &unknown] {
            let problem = response.problem(StatusCode::UNAUTHORIZED);
            assert_eq!(response.header("www-authenticate"), Some("Bearer"));
            bodies.push(problem);
        }
    }
    assert!(
        bodies.windows(2).all(|pair| pair[0] == pair[1]),
        "{bodies:?}"
    );
    // Both paths verify an argon2id hash: their times are of the same order.
    let median = |mut v: Vec<Duration>| {
        v.sort();
        v[1]
    };
    let (wrong, unknown) = (median(timings.0), median(timings.1));
    assert!(
        unknown * 3 > wrong && wrong * 3 > unknown,
        "wrong password {wrong:?} vs unknown user {unknown:?}"
    );
}

async fn refresh_rotates_and_a_replayed_token_revokes_the_family(app: &TestApp) {
    let ivy = register(app, "ivy").await;
    let response = refresh(app, &ivy.refresh).await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(response.header("cache-control"), Some("private, no-store"));
    let pair = response.json();
    let second = pair["refresh_token"].as_str().unwrap().to_string();
    assert_ne!(second, ivy.refresh);
    assert_eq!(pair["expires_in"], 900);
    assert_eq!(
        me(app, pair["access_token"].as_str().unwrap()).await.status,
        StatusCode::OK
    );

    // The first token is spent: presenting it again is refused and burns the whole family.
    refresh(app, &ivy.refresh)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    refresh(app, &second)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    // A session from another login is untouched.
    let other = login(app, "ivy", PASSWORD).await.json();
    assert_eq!(
        refresh(app, other["refresh_token"].as_str().unwrap())
            .await
            .status,
        StatusCode::OK
    );
}

async fn logout_revokes_only_the_callers_sessions(app: &TestApp) {
    let jack = register(app, "jack").await;
    let kate = register(app, "kate").await;

    // Jack "logs out" with Kate's refresh token: nothing happens to Kate's session.
    let response = app
        .call(
            Method::POST,
            "/auth/logout",
            Some(json!({"refresh_token": kate.refresh})),
            Some(&jack.access),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    let kate_next = refresh(app, &kate.refresh).await;
    assert_eq!(kate_next.status, StatusCode::OK);

    let response = app
        .call(
            Method::POST,
            "/auth/logout",
            Some(json!({"refresh_token": jack.refresh})),
            Some(&jack.access),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    refresh(app, &jack.refresh)
        .await
        .problem(StatusCode::UNAUTHORIZED);

    // Logout needs an access token.
    app.call(
        Method::POST,
        "/auth/logout",
        Some(json!({"refresh_token": jack.refresh})),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
}

async fn logout_with_a_spent_token_ends_the_copy_that_was_rotated(app: &TestApp) {
    let lou = register(app, "lou").await;
    // Someone who copied the refresh token rotates it first: their copy is the live one.
    let stolen = refresh(app, &lou.refresh).await.json();
    let thief_token = stolen["refresh_token"].as_str().unwrap().to_string();
    // The owner logs out with the token they hold, which is now spent.
    let response = app
        .call(
            Method::POST,
            "/auth/logout",
            Some(json!({"refresh_token": lou.refresh})),
            Some(&lou.access),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    // The whole session is over, the thief's copy included.
    refresh(app, &thief_token)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    // Another login of the owner is a session of its own and keeps working.
    let again = login(app, "lou", PASSWORD).await.json();
    assert_eq!(
        refresh(app, again["refresh_token"].as_str().unwrap())
            .await
            .status,
        StatusCode::OK
    );
}

async fn a_password_change_revokes_every_refresh_token(app: &TestApp) {
    let leo = register(app, "leo").await;
    let second_session = login(app, "leo", PASSWORD).await.json();
    let new_password = "a brand new passphrase";
    let change =
        |current: &str, new: &str| json!({"current_password": current, "new_password": new});

    app.call(
        Method::POST,
        "/auth/password",
        Some(change("not my password", new_password)),
        Some(&leo.access),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let problem = app
        .call(
            Method::POST,
            "/auth/password",
            Some(change(PASSWORD, "password1")),
            Some(&leo.access),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "new_password");

    let response = app
        .call(
            Method::POST,
            "/auth/password",
            Some(change(PASSWORD, new_password)),
            Some(&leo.access),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    refresh(app, &leo.refresh)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    refresh(app, second_session["refresh_token"].as_str().unwrap())
        .await
        .problem(StatusCode::UNAUTHORIZED);
    login(app, "leo", PASSWORD)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert_eq!(login(app, "leo", new_password).await.status, StatusCode::OK);
    app.call(
        Method::POST,
        "/auth/password",
        Some(change(PASSWORD, new_password)),
        None,
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
}

async fn deleting_the_account_removes_it_everywhere(app: &TestApp) {
    let mia = register(app, "mia").await;
    let profile_path = format!("/profiles/{}", mia.id);
    let response = app
        .call(
            Method::PATCH,
            "/profiles/me",
            Some(json!({"bio": "soon gone"})),
            Some(&mia.access),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{:?}", response);
    assert_eq!(app.get(&profile_path).await.status, StatusCode::OK);
    app.call(
        Method::DELETE,
        "/auth/me",
        Some(json!({"password": "not my password"})),
        Some(&mia.access),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    assert_eq!(me(app, &mia.access).await.status, StatusCode::OK);

    let response = app
        .call(
            Method::DELETE,
            "/auth/me",
            Some(json!({"password": PASSWORD})),
            Some(&mia.access),
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::NO_CONTENT,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    // The still-unexpired access token is refused everywhere, the refresh token too.
    me(app, &mia.access).await.problem(StatusCode::UNAUTHORIZED);
    app.call(Method::GET, "/me/watchlist", None, Some(&mia.access))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    app.call(
        Method::POST,
        "/auth/logout",
        Some(json!({"refresh_token": mia.refresh})),
        Some(&mia.access),
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    refresh(app, &mia.refresh)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    login(app, "mia", PASSWORD)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let names = app
        .state
        .accounts()
        .unwrap()
        .usernames(&[UserId(mia.id)])
        .await
        .unwrap();
    assert!(names.is_empty());
    // The profile went with the account.
    app.get(&profile_path).await.problem(StatusCode::NOT_FOUND);
    // Deleting again with the old token: the account is gone.
    app.call(
        Method::DELETE,
        "/auth/me",
        Some(json!({"password": PASSWORD})),
        Some(&mia.access),
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
    // The name can be registered again, as a new account.
    let again = register(app, "mia").await;
    assert_ne!(again.id, mia.id);
}

#[tokio::test]
async fn a_failed_deletion_is_503_leaves_the_account_unusable_and_a_retry_finishes_it() {
    let Some(postgres) = TestPostgres::create().await else {
        return;
    };
    let url = postgres.url.clone();
    // The profiles store of this container is misconfigured: the deletion cannot complete.
    let broken = TestApp::build(
        &[(keys::FIREBASE_DATABASE_URL, "not a url")],
        Some(postgres),
        None,
        None,
        None,
    )
    .await;
    let nia = register(&broken, "nia").await;
    let response = broken
        .call(
            Method::DELETE,
            "/auth/me",
            Some(json!({"password": PASSWORD})),
            Some(&nia.access),
        )
        .await;
    response.problem(StatusCode::SERVICE_UNAVAILABLE);
    assert!(response.header("retry-after").is_some());
    // Half-way, the account is already invisible and unusable.
    me(&broken, &nia.access)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    refresh(&broken, &nia.refresh)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert!(broken
        .state
        .accounts()
        .unwrap()
        .usernames(&[UserId(nia.id)])
        .await
        .unwrap()
        .is_empty());
    // Logging in with the right password tries to finish, and still fails here.
    login(&broken, "nia", PASSWORD)
        .await
        .problem(StatusCode::SERVICE_UNAVAILABLE);

    // Another container with every store working (same accounts database, same signing key):
    // the same request is retried and finishes the job.
    let key_dir = broken.data_dir.path().to_string_lossy().to_string();
    let healthy = TestApp::build(
        &[
            (keys::POSTGRES_URL, &url),
            (keys::MOVIEVERSE_DATA_DIR, &key_dir),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let response = healthy
        .call(
            Method::DELETE,
            "/auth/me",
            Some(json!({"password": PASSWORD})),
            Some(&nia.access),
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::NO_CONTENT,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    me(&healthy, &nia.access)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert!(healthy
        .state
        .accounts()
        .unwrap()
        .find(UserId(nia.id))
        .await
        .unwrap()
        .is_none());
}

#[tokio::test]
async fn the_openapi_document_describes_every_auth_route() {
    let app = TestApp::embedded().await;
    let doc = app.get("/openapi.json").await.json();
    for (path, method) in [
        ("/auth/register", "post"),
        ("/auth/login", "post"),
        ("/auth/refresh", "post"),
        ("/auth/logout", "post"),
        ("/auth/me", "get"),
        ("/auth/me", "delete"),
        ("/auth/password", "post"),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path}");
        assert!(
            operation["responses"].get("501").is_none(),
            "{method} {path}"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Session"].is_object());
}

#[tokio::test]
async fn token_reuse_is_logged_as_a_security_event_and_secrets_never_are() {
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    // The functions' own subscriber, at every level, so a secret in any line would be caught.
    let subscriber = shared::logging::subscriber(Some("trace"), move || writer.clone());
    // The test runs on one thread: every handler logs to this subscriber.
    let _guard = tracing::subscriber::set_default(subscriber);

    let app = TestApp::embedded().await;
    let user = register(&app, "watched").await;
    let next = refresh(&app, &user.refresh).await.json();
    refresh(&app, &user.refresh)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    login(&app, "watched", "a wrong guess 1234")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    app.call(
        Method::POST,
        "/auth/password",
        Some(json!({"current_password": PASSWORD, "new_password": "another fine passphrase"})),
        Some(&user.access),
    )
    .await;

    let text = String::from_utf8(logs.0.lock().unwrap().clone()).unwrap();
    let event = text
        .lines()
        .find(|line| line.contains("refresh_token_reuse"))
        .unwrap_or_else(|| panic!("no security event in:\n{text}"));
    let event: serde_json::Value = serde_json::from_str(event).unwrap();
    assert_eq!(event["level"], "WARN");
    assert_eq!(event["fields"]["security_event"], "refresh_token_reuse");
    assert_eq!(event["fields"]["user_id"], user.id.to_string());
    for secret in [
        PASSWORD,
        "a wrong guess 1234",
        "another fine passphrase",
        &user.refresh[..],
        next["refresh_token"].as_str().unwrap(),
    ] {
        assert!(!text.contains(secret), "a secret was logged");
    }
}
