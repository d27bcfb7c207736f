//! Races a client can cause: many registrations of one username at once, and one refresh token
//! presented several times at once.

use axum::http::StatusCode;
use movieverse_tests::TestApp;
use serde_json::json;

use crate::auth_support::{me, on_both_backends, refresh, register, PASSWORD};

on_both_backends!(
    twenty_simultaneous_registrations_of_one_username_create_one_account,
    simultaneous_refreshes_with_one_token_succeed_once,
);

async fn twenty_simultaneous_registrations_of_one_username_create_one_account(app: &TestApp) {
    let attempts = (0..20).map(|i| {
        let body = json!({
            "username": if i % 2 == 0 { "Racer" } else { "racer" },
            "email": format!("racer{i}@example.org"),
            "password": PASSWORD,
        });
        // Twenty clients, each from its own address.
        let address = format!("2001:db8:20::{i}");
        async move { app.post_from(&address, "/auth/register", body).await }
    });
    let responses = futures::future::join_all(attempts).await;
    let created: Vec<_> = responses
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .collect();
    let conflicts = responses
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
        .count();
    assert_eq!(
        (created.len(), conflicts),
        (1, 19),
        "{:?}",
        responses.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    for conflict in responses
        .iter()
        .filter(|r| r.status == StatusCode::CONFLICT)
    {
        let problem = conflict.problem(StatusCode::CONFLICT);
        assert_eq!(
            problem["detail"],
            "the username or the email is already taken"
        );
    }
    // The winner's account works.
    let access = created[0].json()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    assert_eq!(me(app, &access).await.json()["username"], "racer");
}

async fn simultaneous_refreshes_with_one_token_succeed_once(app: &TestApp) {
    let user = register(app, "twice").await;
    let attempts = (0..10).map(|_| refresh(app, &user.refresh));
    let responses = futures::future::join_all(attempts).await;
    let statuses: Vec<StatusCode> = responses.iter().map(|r| r.status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::UNAUTHORIZED),
        "{statuses:?}"
    );
}
