//! Similar movies, personal recommendations and trending, on the embedded default and on the
//! production stores. The fixture is small enough that every expected order is worked out by
//! hand below (weights: director 3, keyword 2, top-billed actor 1.5, genre 1).

use axum::http::{Method, StatusCode};
use movieverse_tests::services::TestRedis;
use movieverse_tests::TestApp;
use serde_json::{json, Value};
use shared::config::keys;
use shared::domain::Movie;

use super::catalog_fixtures::{
    cast, crew, keyword, load, movie, with_genres, ACTION, COMEDY, DRAMA, ROMANCE, SCIFI,
};
use super::reviews_api::register;

fn popular(mut movie: Movie, popularity: f64) -> Movie {
    movie.popularity = popularity;
    movie
}

/// Movie 1 is the seed; the comment on each other movie is its similarity to movie 1.
pub fn fixture() -> Vec<Movie> {
    let mut seed = popular(with_genres(movie(1, "Seed"), &[ACTION, SCIFI]), 10.0);
    seed.keywords = vec![keyword(1, "heist"), keyword(2, "dream")];
    seed.credits.crew = vec![crew(900, "Director One", "Director", "Directing")];
    seed.credits.cast = vec![
        cast(800, "Lead", "Hero", 0),
        cast(801, "Second", "Friend", 1),
    ];
    // 3.0: the same director.
    let mut same_director = popular(with_genres(movie(2, "Same Director"), &[DRAMA]), 5.0);
    same_director.credits.crew = vec![crew(900, "Director One", "Director", "Directing")];
    // 5.0: two keywords and a genre.
    let mut keyword_twin = popular(with_genres(movie(3, "Keyword Twin"), &[ACTION]), 6.0);
    keyword_twin.keywords = vec![keyword(1, "heist"), keyword(2, "dream")];
    // 1.5: the lead actor, top-billed.
    let mut lead = popular(with_genres(movie(4, "Lead Actor"), &[COMEDY]), 50.0);
    lead.credits.cast = vec![cast(800, "Lead", "Clown", 0)];
    // 2.0: both genres.
    let genre_twin = popular(with_genres(movie(5, "Genre Twin"), &[ACTION, SCIFI]), 80.0);
    // 0: nothing shared, the most popular.
    let unrelated = popular(with_genres(movie(6, "Unrelated"), &[ROMANCE]), 100.0);
    // 0: the second actor, but billed tenth here (not top-billed), and a genre not shared.
    let mut extra = popular(with_genres(movie(7, "Extra"), &[ROMANCE]), 90.0);
    extra.credits.cast = vec![cast(801, "Second", "Passer-by", 9)];
    // 0: the movie the user dislikes.
    let mut disliked = popular(with_genres(movie(8, "Disliked"), &[COMEDY]), 20.0);
    disliked.keywords = vec![keyword(3, "clown")];
    disliked.credits.crew = vec![crew(901, "Director Two", "Director", "Directing")];
    // 1.0 (a genre), but 6.0 like the disliked movie (director, keyword, genre).
    let mut like_disliked = popular(
        with_genres(movie(9, "Like Disliked"), &[ACTION, COMEDY]),
        15.0,
    );
    like_disliked.keywords = vec![keyword(3, "clown")];
    like_disliked.credits.crew = vec![crew(901, "Director Two", "Director", "Directing")];
    vec![
        seed,
        same_director,
        keyword_twin,
        lead,
        genre_twin,
        unrelated,
        extra,
        disliked,
        like_disliked,
    ]
}

async fn seeded(app: TestApp) -> TestApp {
    load(app.state.catalog().expect("catalog"), &fixture()).await;
    app
}

pub fn ids(body: &Value) -> Vec<i64> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|m| m["id"].as_i64().expect("id"))
        .collect()
}

/// Posts a review; answers its id.
async fn review(app: &TestApp, token: &str, movie: i64, rating: i64) -> i64 {
    let answer = app
        .call(
            Method::POST,
            &format!("/movies/{movie}/reviews"),
            Some(json!({"rating": rating, "body": "Seen it."})),
            Some(token),
        )
        .await;
    assert_eq!(answer.status, StatusCode::CREATED, "{answer:?}");
    answer.json()["id"].as_i64().expect("review id")
}

async fn recommendations(app: &TestApp, token: &str) -> (Value, Option<String>) {
    let answer = app
        .call(Method::GET, "/me/recommendations", None, Some(token))
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{answer:?}");
    assert_eq!(answer.header("cache-control"), Some("private, no-store"));
    (answer.json(), answer.header("x-cache").map(str::to_string))
}

/// Runs a scenario on the embedded default and, when its services exist, the production stores.
macro_rules! on_both {
    ($name:ident) => {
        mod $name {
            #[tokio::test]
            async fn embedded() {
                super::$name(super::seeded(movieverse_tests::TestApp::embedded().await).await)
                    .await;
            }

            #[tokio::test]
            async fn production() {
                if let Some(app) = movieverse_tests::TestApp::production().await {
                    super::$name(super::seeded(app).await).await;
                }
            }
        }
    };
}

on_both!(similar_ranks_director_keywords_cast_then_genres);
on_both!(ratings_pull_and_push_and_exclude_reviewed_and_watchlisted);
on_both!(a_new_user_gets_favorite_genres_then_popular);
on_both!(cached_per_user_until_a_review_or_a_watchlist_change);
on_both!(trending_follows_a_burst_of_reviews);
on_both!(recommendations_need_a_valid_token);
on_both!(a_burst_of_first_requests_agrees_and_is_cached_once);

async fn similar_ranks_director_keywords_cast_then_genres(app: TestApp) {
    let first = app.get("/movies/1/similar").await;
    assert_eq!(first.status, StatusCode::OK);
    // 3 (5.0), 2 (3.0), 5 (2.0), 4 (1.5), 9 (1.0); 6, 7 and 8 share nothing.
    assert_eq!(ids(&first.json()), [3, 2, 5, 4, 9]);
    assert_eq!(first.json()["total_results"], 5);
    let again = app.get("/movies/1/similar").await;
    assert_eq!(again.header("x-cache"), Some("hit"));
    assert_eq!(again.body, first.body);
    let second_page = app.get("/movies/1/similar?page=2&page_size=2").await.json();
    assert_eq!(ids(&second_page), [5, 4]);
    assert_eq!(second_page["total_pages"], 3);
    // Embedded in the details too.
    let details = app.get("/movies/1?append=similar").await.json();
    assert_eq!(ids(&details["similar"])[..2], [3, 2]);
    app.get("/movies/4040/similar")
        .await
        .problem(StatusCode::NOT_FOUND);
    // A review of a listed movie keeps the cached list (its rating catches up when the list
    // expires), so review traffic does not empty the cache.
    let (_, token) = register(&app, "critic").await;
    review(&app, &token, 3, 6).await;
    let kept = app.get("/movies/1/similar").await;
    assert_eq!(kept.header("x-cache"), Some("hit"));
    assert_eq!(kept.json()["results"][0]["rating"]["count"], 0);
    after_list_ttl(&app).await;
    let fresh = app.get("/movies/1/similar").await;
    assert_eq!(fresh.header("x-cache"), Some("miss"));
    assert_eq!(fresh.json()["results"][0]["rating"]["count"], 1);
    assert_eq!(ids(&fresh.json()), [3, 2, 5, 4, 9]);
}

async fn ratings_pull_and_push_and_exclude_reviewed_and_watchlisted(app: TestApp) {
    let (_, token) = register(&app, "cinephile").await;
    review(&app, &token, 1, 10).await;
    review(&app, &token, 8, 2).await;
    let put = app
        .call(Method::PUT, "/me/watchlist/5", None, Some(&token))
        .await;
    assert_eq!(put.status, StatusCode::NO_CONTENT);
    let (body, _) = recommendations(&app, &token).await;
    // Seed 1 (rated 10) pulls 3 (5.0), 2 (3.0), 4 (1.5); 9 is pulled 1.0 but pushed 6.0 × 0.75
    // by the disliked 8; 1 and 8 are reviewed, 5 watch-listed. Then popular: 6, 7.
    assert_eq!(ids(&body), [3, 2, 4, 6, 7]);
    let results = body["results"].as_array().unwrap();
    for item in &results[..3] {
        assert_eq!(
            item["reason"],
            json!({"kind": "similar_to", "movie_id": 1, "title": "Seed"})
        );
    }
    assert_eq!(results[3]["reason"], json!({"kind": "popular"}));
    assert_eq!(results[0]["title"], "Keyword Twin");
}

async fn a_new_user_gets_favorite_genres_then_popular(app: TestApp) {
    let (_, token) = register(&app, "newcomer").await;
    let (body, _) = recommendations(&app, &token).await;
    // Nothing known: popular overall.
    assert_eq!(ids(&body), [6, 7, 5, 4, 8, 9, 1, 3, 2]);
    assert!(body["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|item| item["reason"] == json!({"kind": "popular"})));
    let patched = app
        .call(
            Method::PATCH,
            "/profiles/me",
            Some(json!({"favorite_genres": [COMEDY]})),
            Some(&token),
        )
        .await;
    assert_eq!(patched.status, StatusCode::OK, "{patched:?}");
    // A profile change is not a rating: the cached list stays until a review or watchlist
    // change, so drop it the way a watchlist change does.
    app.call(Method::PUT, "/me/watchlist/2", None, Some(&token))
        .await;
    let (body, status) = recommendations(&app, &token).await;
    assert_eq!(status.as_deref(), Some("miss"));
    // Comedies by popularity (4, 8, 9), then the rest by popularity; 2 is watch-listed.
    assert_eq!(ids(&body), [4, 8, 9, 6, 7, 5, 1, 3]);
    assert_eq!(
        body["results"][0]["reason"],
        json!({"kind": "genre", "genre_id": COMEDY, "name": "Comedy"})
    );
    assert_eq!(body["results"][3]["reason"], json!({"kind": "popular"}));
}

async fn cached_per_user_until_a_review_or_a_watchlist_change(app: TestApp) {
    let (_, token) = register(&app, "regular").await;
    let (_, other) = register(&app, "someone").await;
    let (before, first) = recommendations(&app, &token).await;
    let (again, second) = recommendations(&app, &token).await;
    assert_eq!(
        (first.as_deref(), second.as_deref()),
        (Some("miss"), Some("hit"))
    );
    assert_eq!(before, again);
    // Another user's review changes nothing of ours.
    review(&app, &other, 1, 9).await;
    assert_eq!(
        recommendations(&app, &token).await.1.as_deref(),
        Some("hit")
    );
    // Our review: recomputed, and similar movies come first.
    review(&app, &token, 1, 9).await;
    let (after, status) = recommendations(&app, &token).await;
    assert_eq!(status.as_deref(), Some("miss"));
    assert_eq!(ids(&after)[..4], [3, 2, 5, 4]);
    // A watchlist change: recomputed without the movie.
    app.call(Method::PUT, "/me/watchlist/3", None, Some(&token))
        .await;
    let (after, status) = recommendations(&app, &token).await;
    assert_eq!(status.as_deref(), Some("miss"));
    assert_eq!(ids(&after)[..3], [2, 5, 4]);
    app.call(Method::DELETE, "/me/watchlist/3", None, Some(&token))
        .await;
    assert_eq!(ids(&recommendations(&app, &token).await.0)[0], 3);
}

async fn trending_follows_a_burst_of_reviews(app: TestApp) {
    // No activity: popularity.
    let quiet = app.get("/movies/trending?window=day").await.json();
    assert_eq!(ids(&quiet)[..3], [6, 7, 5]);
    // A burst on the least popular movie.
    for name in ["fan_one", "fan_two", "fan_three"] {
        let (_, token) = register(&app, name).await;
        review(&app, &token, 2, 8).await;
    }
    let mut late_reviews = Vec::new();
    for name in ["fan_four", "fan_five"] {
        let (_, token) = register(&app, name).await;
        late_reviews.push((review(&app, &token, 3, 8).await, token));
    }
    after_list_ttl(&app).await;
    for window in ["day", "week"] {
        let busy = app
            .get(&format!("/movies/trending?window={window}"))
            .await
            .json();
        // 2: 0.7 × 3/3 + 0.3 × 5/100 = 0.715; 3: 0.7 × 2/3 + 0.3 × 6/100 = 0.485;
        // 6: 0.3 × 100/100 = 0.3; 7: 0.3 × 90/100 = 0.27.
        assert_eq!(ids(&busy)[..4], [2, 3, 6, 7], "{window}");
    }
    // Deleted reviews leave the windows: 3 falls back to its popularity (0.018).
    for (id, token) in &late_reviews {
        let deleted = app
            .call(Method::DELETE, &format!("/reviews/{id}"), None, Some(token))
            .await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    }
    after_list_ttl(&app).await;
    let after = app.get("/movies/trending?window=day").await.json();
    assert_eq!(ids(&after)[..4], [2, 6, 7, 5]);
    if let Some(redis) = &app.redis {
        // Flushed, cached pages and all: the activity lives in the reviews store, so the page
        // computed afresh still puts the reviewed (least popular) movie first.
        flush(redis).await;
        tokio::time::sleep(shared::cache::NEAR_TTL).await;
        let recomputed = app.get("/movies/trending?window=day").await;
        assert_eq!(recomputed.header("x-cache"), Some("miss"));
        assert_eq!(ids(&recomputed.json())[..4], [2, 6, 7, 5]);
    }
}

/// What a minute does to the cached list pages (`ttl::LIST`): a review shows in lists, similar
/// and trending once they expire. Moving the list generation expires them now; over Redis the
/// movies function's near tier may hold the old generation for `NEAR_TTL` more.
async fn after_list_ttl(app: &TestApp) {
    app.state.cache().invalidate_lists().await;
    if app.redis.is_some() {
        tokio::time::sleep(shared::cache::NEAR_TTL).await;
    }
}

async fn flush(redis: &TestRedis) {
    let keys = redis.keys().await;
    if keys.is_empty() {
        return;
    }
    let mut conn = redis.connection().await;
    redis::cmd("DEL")
        .arg(keys)
        .query_async::<()>(&mut conn)
        .await
        .expect("DEL");
}

async fn recommendations_need_a_valid_token(app: TestApp) {
    app.get("/me/recommendations")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    app.call(
        Method::GET,
        "/me/recommendations",
        None,
        Some("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.forged"),
    )
    .await
    .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn redis_down_still_answers_computed_not_cached() {
    // Nothing listens on port 1: every cache call fails.
    let app = seeded(
        TestApp::build(
            &[(keys::REDIS_URL, "redis://127.0.0.1:1")],
            None,
            None,
            None,
            None,
        )
        .await,
    )
    .await;
    let (_, token) = register(&app, "offline").await;
    review(&app, &token, 1, 10).await;
    let (first, one) = recommendations(&app, &token).await;
    let (second, two) = recommendations(&app, &token).await;
    assert_eq!(
        (one.as_deref(), two.as_deref()),
        (Some("miss"), Some("miss"))
    );
    assert_eq!(first, second);
    assert_eq!(ids(&first)[..3], [3, 2, 5]);
    let trending = app.get("/movies/trending?window=week").await;
    assert_eq!(trending.status, StatusCode::OK);
    assert_eq!(ids(&trending.json())[0], 1);
    let similar = app.get("/movies/1/similar").await;
    assert_eq!(ids(&similar.json()), [3, 2, 5, 4, 9]);
}

async fn a_burst_of_first_requests_agrees_and_is_cached_once(app: TestApp) {
    let (_, token) = register(&app, "eager").await;
    review(&app, &token, 1, 10).await;
    let answers = futures::future::join_all((0..20).map(|_| recommendations(&app, &token))).await;
    let first = &answers[0].0;
    assert!(answers.iter().all(|(body, _)| body == first));
    assert_eq!(ids(first)[..3], [3, 2, 5]);
    assert_eq!(
        recommendations(&app, &token).await.1.as_deref(),
        Some("hit")
    );
    if let Some(redis) = &app.redis {
        let keys = redis.keys().await;
        assert_eq!(
            keys.iter().filter(|k| k.contains(":recs:")).count(),
            1,
            "{keys:?}"
        );
    }
}

#[tokio::test]
async fn openapi_documents_recommendations_and_their_reasons() {
    let document = TestApp::embedded().await.get("/openapi.json").await.json();
    let route = &document["paths"]["/me/recommendations"]["get"];
    assert!(route["responses"]["200"].is_object(), "{route}");
    let schemas = document["components"]["schemas"]
        .as_object()
        .expect("schemas");
    assert!(schemas.contains_key("RecommendationList"));
    assert!(schemas.contains_key("Reason"));
}

#[tokio::test]
async fn bad_input_is_refused_never_a_500() {
    let app = seeded(TestApp::embedded().await).await;
    for path in [
        "/movies/trending?window=%7B%22%24gt%22%3A%22%22%7D",
        "/movies/trending?window[$gt]=",
        "/movies/trending?window=day'%20OR%201=1--",
        "/movies/trending?page=0",
        "/movies/1/similar?page_size=1000",
    ] {
        let answer = app.get(path).await;
        assert_eq!(answer.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    }
    for path in [
        "/movies/1%20OR%201=1/similar",
        "/movies/-1/similar",
        "/movies/abc/similar",
    ] {
        let answer = app.get(path).await;
        assert!(answer.status.is_client_error(), "{path}: {}", answer.status);
    }
    let huge = "a".repeat(20_000);
    let answer = app
        .call(Method::GET, "/me/recommendations", None, Some(&huge))
        .await;
    answer.problem(StatusCode::UNAUTHORIZED);
}
