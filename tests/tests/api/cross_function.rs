//! Flows that cross functions, in the deployed shape: each function has its own container
//! (cache tier, pools), so a write made through one function must reach what another serves.
//! On the embedded default they share one cache table, so the next read sees a write; over
//! Redis another function's near tier may lag by up to `NEAR_TTL`, never more. A user's own
//! entries (recommendations) are never served stale to that user, on either backend.

use std::time::{Duration, Instant};

use axum::http::{Method, StatusCode};
use movieverse_tests::services::{TestMongo, TestMySql, TestPostgres, TestRedis};
use movieverse_tests::{ApiClient, TestApp, TestResponse};
use serde_json::{json, Value};
use shared::cache::NEAR_TTL;
use shared::config::keys;
use wiremock::MockServer;

use super::catalog_fixtures::load;
use super::recommend::{fixture, ids};
use super::reviews_api::register;

#[derive(Clone, Copy)]
pub enum On {
    Embedded,
    Production,
}

/// An app over `on`'s stores, whose seed imports from `tmdb`; `None` when a service is missing.
async fn app(on: On, tmdb: &MockServer) -> Option<TestApp> {
    let uri = tmdb.uri();
    let extra = [
        (keys::TMDB_API_TOKEN, "test-v4-read-token"),
        (keys::TMDB_BASE_URL, uri.as_str()),
    ];
    Some(match on {
        On::Embedded => TestApp::build(&extra, None, None, None, None).await,
        On::Production => {
            TestApp::build(
                &extra,
                Some(TestPostgres::create().await?),
                Some(TestMySql::create().await?),
                Some(TestMongo::create()?),
                Some(TestRedis::create()?),
            )
            .await
        }
    })
}

/// Runs a flow on both backends, through the in-process harness (each function its own
/// state) and through the real function binaries as separate processes.
macro_rules! in_every_shape {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::On;

            async fn run(on: On, processes: bool) {
                let tmdb = crate::seed::tmdb().await;
                let Some(app) = super::app(on, &tmdb).await else {
                    return;
                };
                super::arrange(&app).await;
                if processes {
                    let deployed = app.deploy().await;
                    super::$name(&app, &deployed).await;
                } else {
                    super::$name(&app, &app).await;
                }
            }

            #[tokio::test]
            async fn embedded() {
                run(On::Embedded, false).await;
            }

            #[tokio::test]
            async fn production() {
                run(On::Production, false).await;
            }

            #[tokio::test]
            async fn embedded_processes() {
                run(On::Embedded, true).await;
            }

            #[tokio::test]
            async fn production_processes() {
                run(On::Production, true).await;
            }
        }
    )*};
}

in_every_shape!(
    a_review_reaches_the_movie_details_and_their_etag,
    reviews_and_watchlist_changes_reach_recommendations_at_once,
    a_seed_reaches_the_cached_lists,
    account_deletion_reaches_reviews_profile_and_tokens,
);

/// The catalog every flow starts from, written before any function starts (a first start of
/// the embedded default then finds a catalog and loads no sample).
async fn arrange(app: &TestApp) {
    load(app.state.catalog().expect("catalog"), &fixture()).await;
}

/// How late another function's write may show: never on the embedded default (one shared
/// cache table), up to the near tier's TTL over Redis.
fn staleness_bound(app: &TestApp) -> Duration {
    if app.redis.is_some() {
        NEAR_TTL
    } else {
        Duration::ZERO
    }
}

/// Reads until `fresh` holds, failing if it does not within `bound` (checked once when the
/// bound is zero: the very next read must see the write).
async fn within<F>(
    bound: Duration,
    what: &str,
    mut read: impl AsyncFnMut() -> TestResponse,
    fresh: F,
) -> TestResponse
where
    F: Fn(&TestResponse) -> bool,
{
    // Scheduling slack on a loaded machine, not part of the bound being checked.
    let deadline = Instant::now() + bound + Duration::from_millis(300);
    loop {
        let answer = read().await;
        if fresh(&answer) {
            return answer;
        }
        assert!(
            !bound.is_zero() && Instant::now() < deadline,
            "{what}: still stale after {bound:?}: {answer:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

async fn get_with_etag(api: &impl ApiClient, path: &str, etag: &str) -> TestResponse {
    api.request(Method::GET, path, None, &[("if-none-match", etag)])
        .await
}

async fn a_review_reaches_the_movie_details_and_their_etag(app: &TestApp, api: &impl ApiClient) {
    let (_, token) = register(api, "critic").await;
    let path = "/movies/2?append=rating";
    let before = api.get(path).await;
    assert_eq!(before.status, StatusCode::OK);
    assert_eq!(before.json()["rating"], json!({"average": 0.0, "count": 0}));
    let old_etag = before.header("etag").expect("etag").to_string();
    // Cached in the movies function, and the ETag holds while nothing changes.
    assert_eq!(api.get(path).await.header("x-cache"), Some("hit"));
    assert_eq!(
        get_with_etag(api, path, &old_etag).await.status,
        StatusCode::NOT_MODIFIED
    );
    let popular = api.get("/movies/popular").await;
    assert_eq!(popular.status, StatusCode::OK);

    let posted = api
        .call(
            Method::POST,
            "/movies/2/reviews",
            Some(json!({"rating": 8, "body": "Sharp."})),
            Some(&token),
        )
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{posted:?}");

    let bound = staleness_bound(app);
    let after = within(
        bound,
        "the rating in the details",
        async || api.get(path).await,
        |answer| answer.json()["rating"] == json!({"average": 8.0, "count": 1}),
    )
    .await;
    assert_ne!(after.header("etag"), Some(old_etag.as_str()));
    // The old ETag no longer matches: a client revalidating gets the new body.
    let revalidated = within(
        bound,
        "the old ETag",
        async || get_with_etag(api, path, &old_etag).await,
        |answer| answer.status == StatusCode::OK,
    )
    .await;
    assert_eq!(revalidated.json()["rating"]["count"], 1);
    // The rating route (reviews function) agrees with the details (movies function).
    assert_eq!(
        api.get("/movies/2/rating").await.json()["average"],
        json!(8.0)
    );
    // A review write drops only its movie's entries: the list page cached before it is still
    // served from the cache (its rating catches up within the list TTL).
    let popular_after = api.get("/movies/popular").await;
    assert_eq!(popular_after.header("x-cache"), Some("hit"));
    assert_eq!(popular_after.body, popular.body);
}

async fn recommendations(api: &impl ApiClient, token: &str) -> Value {
    let answer = api
        .call(Method::GET, "/me/recommendations", None, Some(token))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    answer.json()
}

async fn reviews_and_watchlist_changes_reach_recommendations_at_once(
    _: &TestApp,
    api: &impl ApiClient,
) {
    let (_, token) = register(api, "viewer").await;
    // A new user: the cold-start list, every reason `popular`, now cached by movies.
    let cold = recommendations(api, &token).await;
    assert!(cold["results"]
        .as_array()
        .expect("results")
        .iter()
        .all(|item| item["reason"] == json!({"kind": "popular"})));
    let rated = [1, 6, 7];
    for movie in rated {
        assert!(ids(&cold).contains(&movie));
        let posted = api
            .call(
                Method::POST,
                &format!("/movies/{movie}/reviews"),
                Some(json!({"rating": 10, "body": "Loved it."})),
                Some(&token),
            )
            .await;
        assert_eq!(posted.status, StatusCode::CREATED, "{posted:?}");
    }

    // The reviews function wrote; the movies function answers from the user's new taste at
    // once, never from a copy older than the user's own write.
    let warm = recommendations(api, &token).await;
    let warm_ids = ids(&warm);
    assert!(
        rated.iter().all(|movie| !warm_ids.contains(movie)),
        "rated movies are not recommended: {warm_ids:?}"
    );
    assert_eq!(warm["results"][0]["reason"]["kind"], "similar_to", "{warm}");

    // A watchlist change (profiles function) removes the movie at once too.
    let top = warm_ids[0];
    let put = api
        .call(
            Method::PUT,
            &format!("/me/watchlist/{top}"),
            None,
            Some(&token),
        )
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT, "{put:?}");
    let after = ids(&recommendations(api, &token).await);
    assert!(
        !after.contains(&top),
        "{top} is on the watchlist: {after:?}"
    );
}

async fn a_seed_reaches_the_cached_lists(app: &TestApp, api: &impl ApiClient) {
    let before = api.get("/movies/popular").await.json()["total_results"]
        .as_u64()
        .expect("total");
    assert_eq!(
        api.get("/movies/popular").await.header("x-cache"),
        Some("hit")
    );

    // The scheduled seed runs in its own container: four movies new to the catalog.
    let report = api.seed(&json!({"source": "tmdb", "pages": 1})).await;
    assert_eq!(report["status"], "completed", "{report}");
    assert_eq!(report["movies"], 4, "{report}");

    let after = within(
        staleness_bound(app),
        "the popular list",
        async || api.get("/movies/popular").await,
        |answer| answer.json()["total_results"] == json!(before + 4),
    )
    .await;
    assert_eq!(after.status, StatusCode::OK);
    let imported = api.get("/movies/9100101").await;
    assert_eq!(imported.json()["title"], "The Salt Cartographer");
}

async fn account_deletion_reaches_reviews_profile_and_tokens(_: &TestApp, api: &impl ApiClient) {
    let (id, token) = register(api, "leaving").await;
    let patched = api
        .call(
            Method::PATCH,
            "/profiles/me",
            Some(json!({"display_name": "Leaving Soon"})),
            Some(&token),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{patched:?}");
    let posted = api
        .call(
            Method::POST,
            "/movies/3/reviews",
            Some(json!({"rating": 6, "body": "Fine."})),
            Some(&token),
        )
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{posted:?}");
    let review = posted.json()["id"].as_i64().expect("review id");
    assert_eq!(
        api.get(&format!("/reviews/{review}")).await.json()["author_deleted"],
        false
    );

    let deleted = api
        .call(
            Method::DELETE,
            "/auth/me",
            Some(json!({"password": "correct horse battery staple"})),
            Some(&token),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted:?}");

    // The review stays, anonymised, and the movie's rating still counts it.
    let kept = api.get(&format!("/reviews/{review}")).await;
    assert_eq!(kept.status, StatusCode::OK);
    assert_eq!(kept.json()["author_deleted"], true, "{kept:?}");
    assert_eq!(api.get("/movies/3/rating").await.json()["count"], 1);
    // The profile is gone, and the token opens nothing in any function.
    api.get(&format!("/profiles/{id}"))
        .await
        .problem(StatusCode::NOT_FOUND);
    for (method, path, body) in [
        (Method::GET, "/auth/me", None),
        (Method::GET, "/me/recommendations", None),
        (Method::GET, "/me/watchlist", None),
        (
            Method::POST,
            "/movies/4/reviews",
            Some(json!({"rating": 5, "body": "Again."})),
        ),
    ] {
        api.call(method.clone(), path, body, Some(&token))
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
}
