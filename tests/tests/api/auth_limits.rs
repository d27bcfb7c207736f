//! Login and registration throttling as an attacker and a user meet it: a guesser waits, with
//! growing delays, per (account, address) and per address; the owner elsewhere and the
//! neighbours at the same address still get in; parallel guesses get no more checks than the
//! limit; registrations are limited per address; and none of it switches off when Redis fails or
//! is an older version.

use std::time::{Duration, Instant};

use axum::http::StatusCode;
use movieverse_tests::services::{TestPostgres, TestRedis};
use movieverse_tests::{TestApp, TestResponse};
use serde_json::json;
use shared::config::keys;

use crate::auth_support::{
    login_from, on_both_backends, on_both_backends_with, register, CapturedLogs, PASSWORD,
};

on_both_backends!(
    failures_make_one_address_wait_on_one_account_while_the_owner_elsewhere_gets_in,
    an_address_failing_on_other_accounts_does_not_lock_out_its_neighbours,
);

on_both_backends_with!(
    &[
        (shared::config::keys::LOGIN_FAILURES_PER_ADDRESS, "3"),
        (shared::config::keys::LOGIN_DELAY_SECS, "1"),
    ];
    an_address_spraying_many_accounts_waits_longer_each_time,
);

on_both_backends_with!(
    &[(shared::config::keys::LOGIN_FAILURES_PER_ADDRESS, "4")];
    parallel_guesses_from_one_address_get_no_more_checks_than_the_limit,
);

on_both_backends_with!(
    &[(shared::config::keys::REGISTRATIONS_PER_ADDRESS, "2")];
    registrations_are_limited_per_address_with_rate_limit_headers,
);

const WRONG: &str = "not the password at all";

async fn failures_make_one_address_wait_on_one_account_while_the_owner_elsewhere_gets_in(
    app: &TestApp,
) {
    register(app, "fred").await;
    // One wrong guess from each of five addresses: nobody is slowed down yet.
    for i in 0..5 {
        login_from(app, &format!("192.0.2.{}", 10 + i), "fred", WRONG)
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(app, "192.0.2.20", "fred", PASSWORD).await.status,
        StatusCode::OK
    );

    // Five wrong guesses from one address: that address now waits on this account, even with
    // the right password.
    for _ in 0..5 {
        login_from(app, "192.0.2.1", "fred", WRONG)
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    let refused = login_from(app, "192.0.2.1", "FRED", PASSWORD).await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=30).contains(&retry_after), "{retry_after}");
    assert_eq!(refused.header("ratelimit-limit"), Some("5"));
    assert_eq!(refused.header("ratelimit-remaining"), Some("0"));
    assert!(refused.header("ratelimit-reset").is_some());

    // The owner, from their own address, is not refused because of the guesser.
    assert_eq!(
        login_from(app, "192.0.2.2", "fred", PASSWORD).await.status,
        StatusCode::OK
    );
}

async fn an_address_failing_on_other_accounts_does_not_lock_out_its_neighbours(app: &TestApp) {
    register(app, "hank").await;
    // A colleague behind the same NAT mistypes their login five times.
    for attempt in 0..5 {
        login_from(app, "198.18.0.1", &format!("guess_{attempt}"), WRONG)
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(app, "198.18.0.1", "hank", PASSWORD).await.status,
        StatusCode::OK
    );
}

async fn an_address_spraying_many_accounts_waits_longer_each_time(app: &TestApp) {
    let sprayer = "198.18.1.1";
    for attempt in 0..3 {
        login_from(app, sprayer, &format!("victim_{attempt}"), WRONG)
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    let retry_after = |response: &TestResponse| -> u64 {
        response.problem(StatusCode::TOO_MANY_REQUESTS);
        response.header("retry-after").unwrap().parse().unwrap()
    };
    assert_eq!(
        retry_after(&login_from(app, sprayer, "victim_3", WRONG).await),
        1
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    // After the wait, one more guess is checked; failing doubles the wait.
    login_from(app, sprayer, "victim_4", WRONG)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert_eq!(
        retry_after(&login_from(app, sprayer, "victim_5", WRONG).await),
        2
    );
}

async fn parallel_guesses_from_one_address_get_no_more_checks_than_the_limit(app: &TestApp) {
    let logins: Vec<String> = (0..12).map(|i| format!("target_{i}")).collect();
    let guesses = logins
        .iter()
        .map(|login| login_from(app, "198.18.2.1", login, WRONG));
    let statuses: Vec<StatusCode> = futures::future::join_all(guesses)
        .await
        .iter()
        .map(|response| response.status)
        .collect();
    let checked = statuses
        .iter()
        .filter(|s| **s == StatusCode::UNAUTHORIZED)
        .count();
    let refused = statuses
        .iter()
        .filter(|s| **s == StatusCode::TOO_MANY_REQUESTS)
        .count();
    assert!(checked <= 4, "{statuses:?}");
    assert_eq!(checked + refused, 12, "{statuses:?}");
}

async fn registrations_are_limited_per_address_with_rate_limit_headers(app: &TestApp) {
    let register_from = |address: &'static str, name: &'static str| {
        app.post_from(
            address,
            "/auth/register",
            json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD}),
        )
    };
    for (name, remaining) in [("sign_up_1", "1"), ("sign_up_2", "0")] {
        let response = register_from("203.0.113.50", name).await;
        assert_eq!(response.status, StatusCode::CREATED, "{response:?}");
        assert_eq!(response.header("ratelimit-limit"), Some("2"));
        assert_eq!(response.header("ratelimit-remaining"), Some(remaining));
        assert!(response.header("ratelimit-reset").is_some());
    }
    let refused = register_from("203.0.113.50", "sign_up_3").await;
    refused.problem(StatusCode::TOO_MANY_REQUESTS);
    let retry_after: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3600).contains(&retry_after), "{retry_after}");
    // Nothing was created; another address may still sign up.
    login_from(app, "203.0.113.60", "sign_up_3", PASSWORD)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert_eq!(
        register_from("203.0.113.51", "sign_up_3").await.status,
        StatusCode::CREATED
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_taken_name_is_answered_without_hashing_a_password() {
    let app = TestApp::embedded().await;
    let median = |mut times: Vec<Duration>| {
        times.sort();
        times[1]
    };
    let mut created = Vec::new();
    let mut taken = Vec::new();
    for round in 0..3 {
        let name = format!("timed_{round}");
        let body =
            json!({"username": name, "email": format!("{name}@example.org"), "password": PASSWORD});
        let started = Instant::now();
        let response = app
            .post_from(
                &format!("2001:db8:7::{round}"),
                "/auth/register",
                body.clone(),
            )
            .await;
        created.push(started.elapsed());
        assert_eq!(response.status, StatusCode::CREATED);
        let started = Instant::now();
        let response = app
            .post_from(&format!("2001:db8:8::{round}"), "/auth/register", body)
            .await;
        taken.push(started.elapsed());
        response.problem(StatusCode::CONFLICT);
    }
    let (created, taken) = (median(created), median(taken));
    assert!(
        taken * 4 < created,
        "a taken name took {taken:?}, a registration {created:?}"
    );
}

/// Twelve wrong passwords for one account from one address, and the statuses they got.
async fn twelve_wrong_logins(app: &TestApp, login: &str) -> Vec<StatusCode> {
    let mut statuses = Vec::new();
    for _ in 0..12 {
        statuses.push(login_from(app, "198.18.3.1", login, WRONG).await.status);
    }
    statuses
}

fn throttled(statuses: &[StatusCode]) -> bool {
    statuses[..5].iter().all(|s| *s == StatusCode::UNAUTHORIZED)
        && statuses[5..]
            .iter()
            .all(|s| *s == StatusCode::TOO_MANY_REQUESTS)
}

/// One thread, so that the captured subscriber sees every line the handlers write.
#[tokio::test(flavor = "current_thread")]
async fn with_redis_unreachable_limits_count_in_the_container_and_keys_are_not_logged() {
    let Some(postgres) = TestPostgres::create().await else {
        return;
    };
    let logs = CapturedLogs::default();
    let writer = logs.clone();
    let subscriber = shared::logging::subscriber(Some("debug"), move || writer.clone());
    let _guard = tracing::subscriber::set_default(subscriber);
    // Nothing listens on port 1: every Redis command fails.
    let app = TestApp::build(
        &[(keys::REDIS_URL, "redis://127.0.0.1:1")],
        Some(postgres),
        None,
        None,
        None,
    )
    .await;
    register(&app, "cut_off").await;
    let statuses = twelve_wrong_logins(&app, "cut_off@example.org").await;
    assert!(throttled(&statuses), "{statuses:?}");
    // A login with an address that has no account keys its count by that text.
    login_from(&app, "198.18.3.2", "nobody@example.org", WRONG)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let text = logs.text();
    assert!(text.contains("counting in this container"), "{text}");
    for email in ["cut_off@example.org", "nobody@example.org"] {
        assert!(!text.contains(email), "an email was logged");
    }
    assert!(!text.contains("198.18.3.1"), "an address was logged");
}

/// A Redis server of our own that does not know `PEXPIRE` (renamed away), standing in for a
/// Redis older than 7, which has no `PEXPIRE … NX`.
struct RedisWithoutPexpire {
    child: std::process::Child,
    url: String,
}

impl RedisWithoutPexpire {
    async fn start() -> Option<Self> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let child = std::process::Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .args(["--rename-command", "PEXPIRE", ""])
            .stdout(std::process::Stdio::null())
            .spawn();
        let Ok(child) = child else {
            assert!(
                std::env::var("CI").as_deref() != Ok("true"),
                "redis-server is not installed"
            );
            eprintln!("SKIPPED: redis-server is not installed");
            return None;
        };
        let server = Self {
            child,
            url: format!("redis://127.0.0.1:{port}"),
        };
        for _ in 0..50 {
            if let Ok(client) = redis::Client::open(server.url.as_str()) {
                if let Ok(mut conn) = client.get_multiplexed_async_connection().await {
                    if redis::cmd("PING")
                        .query_async::<String>(&mut conn)
                        .await
                        .is_ok()
                    {
                        return Some(server);
                    }
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("redis-server did not start");
    }
}

impl Drop for RedisWithoutPexpire {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn limits_work_on_a_redis_without_pexpire_nx() {
    // Only where the suite has Redis at all.
    if TestRedis::create().is_none() {
        return;
    }
    let Some(redis) = RedisWithoutPexpire::start().await else {
        return;
    };
    let app = TestApp::build(&[(keys::REDIS_URL, &redis.url)], None, None, None, None).await;
    register(&app, "old_redis").await;
    let statuses = twelve_wrong_logins(&app, "old_redis").await;
    assert!(throttled(&statuses), "{statuses:?}");
}
