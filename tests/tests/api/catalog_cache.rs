//! The catalog's caching: cache-aside with X-Cache, invalidation on writes, versioned keys in
//! Redis, single-flight loads, a Redis outage, and HTTP validators (ETag / 304).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use movieverse_tests::services::TestMongo;
use movieverse_tests::TestApp;
use serde_json::json;
use shared::cache::{ttl, CacheStatus};
use shared::config::keys;
use shared::domain::RatingSummary;

use crate::catalog_fixtures::*;

async fn seeded(app: &TestApp) {
    load(app.state.catalog().expect("catalog"), &sample()).await;
}

#[tokio::test]
async fn reads_are_cached_in_redis_under_versioned_keys_and_a_review_drops_only_its_movie() {
    let Some(app) = production_catalog_app().await else {
        return;
    };
    seeded(&app).await;
    let first = app.get("/movies/1?append=rating").await;
    let second = app.get("/movies/1?append=rating").await;
    assert_eq!(
        (first.header("x-cache"), second.header("x-cache")),
        (Some("miss"), Some("hit"))
    );
    // A cached answer is byte-for-byte the uncached one.
    assert_eq!(first.body, second.body);
    let redis = app.redis.as_ref().unwrap();
    let keys = redis.keys().await;
    // The answer as sent, under its form's key (`rating` alone is form 4).
    let details_key = format!("{}v{}:details:1:4", redis.prefix, shared::cache::VERSION);
    assert!(keys.contains(&details_key), "{keys:?}");
    assert_eq!(
        redis.get(&details_key).await.as_deref(),
        Some(second.body.as_ref())
    );

    // What the reviews function does after a review write, in its own container: the movies
    // container may answer from its near tier until that expires, never longer.
    let rating = RatingSummary {
        average: 9.0,
        count: 4,
    };
    let top_rated = app.get("/movies/top-rated").await;
    let catalog = app.state.catalog().unwrap();
    catalog.set_movie_rating(movie_id(1), rating).await.unwrap();
    let reviews = app.function_state("reviews");
    reviews.cache().invalidate_movie_entries(movie_id(1)).await;
    tokio::time::sleep(shared::cache::NEAR_TTL).await;
    let fresh = app.get("/movies/1?append=rating").await;
    assert_eq!(fresh.header("x-cache"), Some("miss"));
    assert_eq!(fresh.json()["rating"], json!({"average": 9.0, "count": 4}));
    // List pages are kept: top rated is recomputed when its page expires, within a minute.
    let kept = app.get("/movies/top-rated").await;
    assert_eq!(kept.header("x-cache"), Some("hit"));
    assert_eq!(kept.body, top_rated.body);
    let list_keys: Vec<String> = redis
        .keys()
        .await
        .into_iter()
        .filter(|key| key.contains(":list:"))
        .collect();
    assert!(!list_keys.is_empty());
    for key in list_keys {
        let left = redis.ttl_ms(&key).await;
        assert!(
            0 < left && left <= 60_000,
            "{key} lives {left} ms more: a rating in a list could be older than a minute"
        );
    }
}

/// Every combination of the parts a movie's details embed from its own document.
const DETAILS_FORMS: [&str; 8] = [
    "",
    "?append=credits",
    "?append=keywords",
    "?append=rating",
    "?append=credits,keywords",
    "?append=rating,credits",
    "?append=keywords,rating",
    "?append=credits,keywords,rating",
];

#[tokio::test]
async fn every_rendered_form_of_a_movie_is_cached_and_dropped_when_the_movie_changes() {
    let app = TestApp::embedded().await;
    seeded(&app).await;
    let mut bodies = std::collections::HashSet::new();
    for form in DETAILS_FORMS {
        let path = format!("/movies/1{form}");
        let (first, second) = (app.get(&path).await, app.get(&path).await);
        assert_eq!(
            (first.header("x-cache"), second.header("x-cache")),
            (Some("miss"), Some("hit")),
            "{path}"
        );
        assert_eq!(first.body, second.body, "{path}");
        bodies.insert(second.body);
    }
    assert_eq!(
        bodies.len(),
        DETAILS_FORMS.len(),
        "each form is its own answer"
    );
    // The order of the parts does not make another entry.
    let reordered = app.get("/movies/1?append=keywords,credits").await;
    assert_eq!(reordered.header("x-cache"), Some("hit"));

    let rating = RatingSummary {
        average: 7.5,
        count: 2,
    };
    let catalog = app.state.catalog().unwrap();
    catalog.set_movie_rating(movie_id(1), rating).await.unwrap();
    app.state.cache().invalidate_movie(movie_id(1)).await;
    for form in DETAILS_FORMS {
        let path = format!("/movies/1{form}");
        let fresh = app.get(&path).await;
        assert_eq!(fresh.header("x-cache"), Some("miss"), "{path}");
        if form.contains("rating") {
            assert_eq!(
                fresh.json()["rating"],
                json!({"average": 7.5, "count": 2}),
                "{path}"
            );
        } else {
            assert!(fresh.json().get("rating").is_none(), "{path}");
        }
    }
}

#[tokio::test]
async fn lists_and_search_are_cached_until_a_write() {
    let app = TestApp::embedded().await;
    seeded(&app).await;
    for path in [
        "/movies/popular",
        "/movies/top-rated",
        "/movies/trending?window=day",
        "/movies?genres=28",
        "/movies/search?q=matrix",
        "/movies/1/similar",
        "/genres",
        "/config",
    ] {
        assert_eq!(
            app.get(path).await.header("x-cache"),
            Some("miss"),
            "{path}"
        );
        assert_eq!(app.get(path).await.header("x-cache"), Some("hit"), "{path}");
    }
    let token = app.account_token(shared::auth::Role::Admin).await.1;
    let created = app
        .call(
            Method::POST,
            "/movies",
            Some(json!({"title": "The Matrix Resurrections", "genre_ids": [ACTION]})),
            Some(&token),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED);
    let search = app.get("/movies/search?q=matrix").await;
    assert_eq!(search.header("x-cache"), Some("miss"));
    assert_eq!(search.json()["total_results"], 3);
    let genres = app.get("/genres").await.json();
    assert_eq!(genres["genres"][0]["movie_count"], 5);
}

/// What a user paging through a filter sees: the filter is counted with its first page, and
/// its later pages (at any page size, native or TMDB-shaped) read only their movies and reuse
/// that count until the list entries expire. Here a movie matching the filter is written
/// straight to the store, past the cache: the pages read after it list it, while the count
/// stays as it was counted until the list generation moves (or the list TTL passes).
async fn a_filter_is_counted_once_for_all_its_pages(app: &TestApp) {
    let action = discover_query(&[("genres", "28")]);
    let cache = app.state.cache();
    let counted = cache.discover_count_key(&action).await;
    assert_eq!(cache.get_raw(&counted).await, None);

    // Action, by popularity: 1 (90), 2 (60), 4 (30), 6 (2).
    let first = app.get("/movies?genres=28&page_size=2").await;
    assert_eq!(first.header("x-cache"), Some("miss"));
    let body = first.json();
    assert_eq!(
        (json_ids(&body), &body["total_results"]),
        (vec![1, 2], &json!(4))
    );
    assert_eq!(cache.get_raw(&counted).await.as_deref(), Some(&b"4"[..]));
    if let Some(redis) = &app.redis {
        let left = redis.ttl_ms(&counted).await;
        assert!(0 < left && left <= 60_000, "the count lives {left} ms more");
    }

    let mut fresh = with_genres(movie(50, "Fresh Action"), &[ACTION]);
    fresh.popularity = 95.0;
    app.state
        .catalog()
        .unwrap()
        .upsert_movie(&fresh)
        .await
        .unwrap();
    for (path, ids) in [
        ("/movies?genres=28&page_size=2&page=2", vec![2, 4]),
        ("/movies?genres=28&page_size=3", vec![50, 1, 2]),
    ] {
        let page = app.get(path).await;
        assert_eq!(page.header("x-cache"), Some("miss"), "{path}");
        let body = page.json();
        assert_eq!(json_ids(&body), ids, "{path}: the page is read now");
        assert_eq!(
            body["total_results"], 4,
            "{path}: the count is the cached one"
        );
    }
    let tmdb = app.get("/3/discover/movie?with_genres=28&page=2").await;
    assert_eq!(tmdb.status, StatusCode::OK);
    assert_eq!(tmdb.json()["total_results"], 4);

    // What a catalog write does, and what the TTL does to a count nobody drops.
    cache.invalidate_lists().await;
    if app.redis.is_some() {
        tokio::time::sleep(shared::cache::NEAR_TTL).await;
    }
    let recounted = app.get("/movies?genres=28&page_size=2&page=2").await.json();
    assert_eq!(
        (json_ids(&recounted), &recounted["total_results"]),
        (vec![2, 4], &json!(5))
    );
    let counted = cache.discover_count_key(&action).await;
    assert_eq!(cache.get_raw(&counted).await.as_deref(), Some(&b"5"[..]));
}

#[tokio::test]
async fn a_filter_is_counted_once_for_all_its_pages_embedded() {
    let app = TestApp::embedded().await;
    seeded(&app).await;
    a_filter_is_counted_once_for_all_its_pages(&app).await;
}

#[tokio::test]
async fn a_filter_is_counted_once_for_all_its_pages_on_mongodb_and_redis() {
    let Some(app) = production_catalog_app().await else {
        return;
    };
    seeded(&app).await;
    a_filter_is_counted_once_for_all_its_pages(&app).await;
}

/// A burst of misses for one key reads the store once, on both cache backends.
async fn single_flight(app: &TestApp) {
    let loads = Arc::new(AtomicUsize::new(0));
    let cache = app.state.cache();
    let key = cache.movie_key(movie_id(77));
    let burst = (0..20).map(|_| {
        let loads = Arc::clone(&loads);
        let key = key.clone();
        async move {
            cache
                .get_or_load_json(&key, ttl::DETAILS, || async move {
                    loads.fetch_add(1, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(150)).await;
                    Ok(json!({"id": 77}))
                })
                .await
                .unwrap()
        }
    });
    let answers = futures::future::join_all(burst).await;
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    assert!(answers
        .iter()
        .all(|(bytes, _)| bytes.as_ref() == b"{\"id\":77}"));
    assert_eq!(
        answers
            .iter()
            .filter(|(_, status)| *status == CacheStatus::Miss)
            .count(),
        20,
        "all of the burst waited for the one load"
    );
    let (_, again) = cache
        .get_or_load_json(&key, ttl::DETAILS, || async {
            Ok::<_, shared::stores::StoreError>(json!({"id": 0}))
        })
        .await
        .unwrap();
    assert_eq!(again, CacheStatus::Hit);
}

#[tokio::test]
async fn a_burst_of_misses_loads_once_in_process() {
    single_flight(&TestApp::embedded().await).await;
}

#[tokio::test]
async fn a_burst_of_misses_loads_once_with_redis() {
    let Some(app) = production_catalog_app().await else {
        return;
    };
    single_flight(&app).await;
}

#[tokio::test]
async fn redis_down_makes_reads_slower_never_broken() {
    // Nothing listens on port 1: every cache call fails, and reads go to the store.
    let mongo = TestMongo::create();
    let app = TestApp::build(
        &[(keys::REDIS_URL, "redis://127.0.0.1:1")],
        None,
        None,
        mongo,
        None,
    )
    .await;
    seeded(&app).await;
    let started = std::time::Instant::now();
    for path in [
        "/movies/1?append=credits,similar",
        "/movies/1",
        "/movies/popular",
        "/movies?genres=28,12",
        "/movies/search?q=amelie",
        "/genres",
        "/config",
        "/movies/1/credits",
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status, StatusCode::OK, "{path}");
        assert_eq!(answer.header("x-cache"), Some("miss"), "{path}");
    }
    assert_eq!(
        app.get("/movies/search?q=amelie").await.json()["results"][0]["title"],
        "Amélie"
    );
    // Writes still work; their invalidation is logged and the entries expire by TTL.
    let token = app.account_token(shared::auth::Role::Admin).await.1;
    let edited = app
        .call(
            Method::PATCH,
            "/movies/3",
            Some(json!({"title": "Amélie (2001)"})),
            Some(&token),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK);
    assert_eq!(app.get("/movies/3").await.json()["title"], "Amélie (2001)");
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "a dead cache must fail fast: {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn public_gets_carry_validators_and_answer_304() {
    let app = TestApp::embedded().await;
    seeded(&app).await;
    for path in [
        "/movies/1",
        "/movies/popular",
        "/movies/search?q=matrix",
        "/genres",
        "/config",
    ] {
        let first = app.get(path).await;
        let etag = first.header("etag").expect("etag").to_string();
        assert!(first
            .header("cache-control")
            .is_some_and(|v| v.starts_with("public")));
        let request = Request::builder()
            .uri(path)
            .header(header::IF_NONE_MATCH, &etag)
            .body(Body::empty())
            .unwrap();
        let revalidated = app.send(request).await;
        assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(revalidated.body.is_empty());
        assert_eq!(revalidated.header("etag"), Some(etag.as_str()));
    }
    // After an edit the old validator no longer matches.
    let old = app
        .get("/movies/1")
        .await
        .header("etag")
        .unwrap()
        .to_string();
    let token = app.account_token(shared::auth::Role::Admin).await.1;
    app.call(
        Method::PATCH,
        "/movies/1",
        Some(json!({"runtime": 136})),
        Some(&token),
    )
    .await;
    let request = Request::builder()
        .uri("/movies/1")
        .header(header::IF_NONE_MATCH, &old)
        .body(Body::empty())
        .unwrap();
    let changed = app.send(request).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), Some(old.as_str()));
    assert_eq!(changed.json()["runtime"], 136);
    // Admin answers are never stored by shared caches.
    let write = app
        .call(
            Method::PATCH,
            "/movies/1",
            Some(json!({"runtime": 137})),
            Some(&token),
        )
        .await;
    assert_eq!(write.header("cache-control"), Some("private, no-store"));
}
