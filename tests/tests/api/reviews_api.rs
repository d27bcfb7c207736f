//! The reviews routes end to end: every route, its bad paths, aggregates and cached ratings kept
//! exact under concurrency, on the embedded default and on MariaDB (+ Redis).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use futures::future::join_all;
use movieverse_tests::services::{TestMySql, TestRedis};
use movieverse_tests::{ApiClient, TestApp, TestResponse};
use serde_json::{json, Value};
use shared::auth::Role;
use shared::domain::{Credits, Movie, MovieId, MovieSource, RatingSummary};
use uuid::Uuid;

use crate::reviews_store::UNICODE_BODY;

/// A movie in the app's catalog.
pub async fn add_movie(app: &TestApp, id: i64) {
    let movie = Movie {
        id: MovieId::new(id).unwrap(),
        title: format!("Movie {id}"),
        original_title: None,
        overview: Some("A test movie.".into()),
        tagline: None,
        release_date: None,
        runtime: Some(100),
        genres: Vec::new(),
        original_language: Some("en".into()),
        spoken_languages: Vec::new(),
        production_countries: Vec::new(),
        production_companies: Vec::new(),
        poster_path: None,
        backdrop_path: None,
        popularity: 1.0,
        vote_average: 7.0,
        vote_count: 10,
        imdb_id: None,
        wikidata_id: None,
        keywords: Vec::new(),
        credits: Credits::default(),
        source: MovieSource::Tmdb,
        updated_at: chrono::Utc::now(),
        rating: RatingSummary::default(),
        awards: Vec::new(),
    };
    app.state
        .catalog()
        .unwrap()
        .upsert_movie(&movie)
        .await
        .unwrap();
}

/// A registered account: its id and an access token.
pub async fn register(api: &impl ApiClient, name: &str) -> (Uuid, String) {
    // Each account from its own address, as real sign-ups come.
    let address = movieverse_tests::own_address(name);
    let response = api
        .request(
            Method::POST,
            "/auth/register",
            Some(
                json!({"username": name, "email": format!("{name}@example.com"),
                "password": "correct horse battery staple"}),
            ),
            &[("x-forwarded-for", &address)],
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{response:?}");
    let body = response.json();
    let id = body["user"]["id"].as_str().unwrap().parse().unwrap();
    (id, body["access_token"].as_str().unwrap().to_string())
}

/// A user with an account made directly in the store (no registration needed to review).
async fn anonymous_user(app: &TestApp) -> (Uuid, String) {
    app.account_token(Role::User).await
}

async fn post_review(app: &TestApp, movie: i64, token: &str, body: Value) -> TestResponse {
    app.call(
        Method::POST,
        &format!("/movies/{movie}/reviews"),
        Some(body),
        Some(token),
    )
    .await
}

async fn review(app: &TestApp, movie: i64, token: &str, rating: i64) -> Value {
    let response = post_review(
        app,
        movie,
        token,
        json!({"rating": rating, "body": format!("{rating} out of 10")}),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{response:?}");
    response.json()
}

/// A request with custom headers.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    headers: &[(&str, &str)],
    body: Option<String>,
) -> TestResponse {
    let mut request = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let body = match body {
        Some(text) => Body::from(text),
        None => Body::empty(),
    };
    app.send(request.body(body).unwrap()).await
}

async fn patch(
    app: &TestApp,
    id: i64,
    token: &str,
    if_match: Option<&str>,
    body: Value,
) -> TestResponse {
    let mut headers = vec![("content-type", "application/json")];
    if let Some(tag) = if_match {
        headers.push(("if-match", tag));
    }
    send(
        app,
        Method::PATCH,
        &format!("/reviews/{id}"),
        Some(token),
        &headers,
        Some(body.to_string()),
    )
    .await
}

async fn rating_of(app: &TestApp, movie: i64) -> Value {
    let response = app.get(&format!("/movies/{movie}/rating")).await;
    assert_eq!(response.status, StatusCode::OK, "{response:?}");
    response.json()
}

fn histogram(rating: &Value) -> Vec<u64> {
    (1..=10)
        .map(|r| rating["histogram"][r.to_string()].as_u64().unwrap())
        .collect()
}

/// The catalog's copy of the rating.
async fn catalog_rating(app: &TestApp, movie: i64) -> RatingSummary {
    let summaries = app
        .state
        .catalog()
        .unwrap()
        .movie_summaries(&[MovieId::new(movie).unwrap()])
        .await
        .unwrap();
    summaries[0].rating
}

/// MariaDB for reviews and Redis for the cache; the rest embedded.
async fn mariadb_app() -> Option<TestApp> {
    let mysql = TestMySql::create().await?;
    let redis = TestRedis::create()?;
    Some(TestApp::build(&[], None, Some(mysql), None, Some(redis)).await)
}

/// Runs a scenario on the embedded default, then on MariaDB + Redis.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {
        mod embedded {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    super::$name(&movieverse_tests::TestApp::embedded().await).await;
                }
            )*
        }
        mod mariadb {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let Some(app) = super::mariadb_app().await else { return };
                    super::$name(&app).await;
                }
            )*
        }
    };
}

on_both!(
    a_review_round_trips_with_its_author_and_aggregates,
    a_second_review_is_409_with_a_link,
    unknown_movies_are_404,
    bad_fields_are_all_listed,
    malformed_and_hostile_requests_never_500,
    lists_sort_and_page,
    edits_need_the_author_and_a_fresh_version,
    deletes_by_author_or_admin,
    tokens_are_checked,
    deleted_accounts_keep_their_reviews,
    cached_ratings_follow_every_write,
    fifty_users_review_one_movie_at_once,
    concurrent_edits_with_one_if_match,
    a_mixed_burst_leaves_the_aggregate_exact,
);

async fn a_review_round_trips_with_its_author_and_aggregates(app: &TestApp) {
    add_movie(app, 550).await;
    let (user, token) = register(app, "critic").await;
    let response = post_review(
        app,
        550,
        &token,
        json!({"rating": 9, "title": "¡Qué película! 🎥", "body": UNICODE_BODY,
            "contains_spoilers": true}),
    )
    .await;
    assert_eq!(response.status, StatusCode::CREATED, "{response:?}");
    let created = response.json();
    let id = created["id"].as_i64().unwrap();
    assert_eq!(
        response.header("location"),
        Some(format!("/reviews/{id}").as_str())
    );
    assert_eq!(response.header("etag"), Some("\"1\""));
    assert_eq!(response.header("ratelimit-limit"), Some("30"));
    assert_eq!(response.header("ratelimit-remaining"), Some("29"));
    assert_eq!(created["author"], json!({"id": user, "username": "critic"}));
    assert_eq!(created["author_deleted"], false);
    assert_eq!(created["body"], UNICODE_BODY);
    assert_eq!(created["contains_spoilers"], true);
    assert_eq!(created["version"], 1);

    let fetched = app.get(&format!("/reviews/{id}")).await;
    assert_eq!(fetched.status, StatusCode::OK);
    assert_eq!(
        fetched.json(),
        created,
        "what POST answers is what GET answers"
    );
    assert_eq!(fetched.header("etag"), Some("\"1\""));
    assert!(fetched
        .header("cache-control")
        .unwrap()
        .contains("no-cache"));
    // The text comes back byte for byte.
    let raw: Value = serde_json::from_slice(&fetched.body).unwrap();
    assert_eq!(
        raw["body"].as_str().unwrap().as_bytes(),
        UNICODE_BODY.as_bytes()
    );
    let not_modified = send(
        app,
        Method::GET,
        &format!("/reviews/{id}"),
        None,
        &[("if-none-match", "\"1\"")],
        None,
    )
    .await;
    assert_eq!(not_modified.status, StatusCode::NOT_MODIFIED);

    let rating = rating_of(app, 550).await;
    assert_eq!(rating["movie_id"], 550);
    assert_eq!(rating["count"], 1);
    assert_eq!(rating["average"], 9.0);
    assert_eq!(histogram(&rating), [0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    let keys: Vec<&String> = rating["histogram"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), 10);
    assert_eq!(
        catalog_rating(app, 550).await,
        RatingSummary {
            average: 9.0,
            count: 1
        }
    );

    let list = app.get("/movies/550/reviews").await;
    assert_eq!(list.status, StatusCode::OK);
    let list = list.json();
    assert_eq!(
        (list["total_results"].as_u64(), list["page"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(list["results"][0], created);
    let mine = app.get(&format!("/users/{user}/reviews")).await.json();
    assert_eq!(mine["results"][0]["id"], id);
    assert_eq!(
        app.get(&format!("/users/{}/reviews", Uuid::now_v7()))
            .await
            .json()["total_results"],
        0
    );

    app.get("/reviews/999999")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/reviews/abc")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get("/reviews/-1")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get("/users/not-a-uuid/reviews")
        .await
        .problem(StatusCode::BAD_REQUEST);
}

async fn a_second_review_is_409_with_a_link(app: &TestApp) {
    add_movie(app, 600).await;
    let (_, token) = anonymous_user(app).await;
    let first = review(app, 600, &token, 6).await;
    let again = post_review(app, 600, &token, json!({"rating": 2, "body": "again"})).await;
    let problem = again.problem(StatusCode::CONFLICT);
    assert_eq!(
        problem["existing_review"],
        format!("/reviews/{}", first["id"])
    );
    assert_eq!(problem["existing_review_id"], first["id"]);
    assert_eq!(rating_of(app, 600).await["count"], 1);
}

async fn unknown_movies_are_404(app: &TestApp) {
    let (_, token) = anonymous_user(app).await;
    post_review(app, 424_242, &token, json!({"rating": 5, "body": "?"}))
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/movies/424242/reviews")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/movies/424242/rating")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/movies/0/rating")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get("/movies/abc/reviews")
        .await
        .problem(StatusCode::BAD_REQUEST);
    // A movie nobody reviewed yet has an empty rating and list.
    add_movie(app, 610).await;
    let rating = rating_of(app, 610).await;
    assert_eq!(
        (rating["count"].as_u64(), rating["average"].as_f64()),
        (Some(0), Some(0.0))
    );
    assert_eq!(histogram(&rating), [0; 10]);
    assert_eq!(
        app.get("/movies/610/reviews").await.json()["total_results"],
        0
    );
}

async fn bad_fields_are_all_listed(app: &TestApp) {
    add_movie(app, 700).await;
    let (_, token) = anonymous_user(app).await;
    let fields = |problem: Value| -> Vec<String> {
        problem["errors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap().to_string())
            .collect()
    };
    let problem = post_review(
        app,
        700,
        &token,
        json!({"rating": 11, "body": "",
        "title": "t".repeat(201)}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(problem), ["rating", "body", "title"]);
    for rating in [
        json!(0),
        json!(7.5),
        json!("7"),
        json!(null),
        json!(-1),
        json!(true),
    ] {
        let problem = post_review(app, 700, &token, json!({"rating": rating, "body": "ok"}))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(problem), ["rating"], "{rating}");
    }
    let problem = post_review(app, 700, &token, json!({}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(problem), ["rating", "body"]);
    // 10 000 characters is the limit, counted as characters: 10 000 emoji (40 000 bytes) pass.
    post_review(
        app,
        700,
        &token,
        json!({"rating": 5, "body": "a".repeat(10_001)}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    post_review(app, 700, &token, json!({"rating": 5, "body": "   \n"}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let long = post_review(
        app,
        700,
        &token,
        json!({"rating": 5, "body": "😀".repeat(10_000)}),
    )
    .await;
    assert_eq!(long.status, StatusCode::CREATED, "{long:?}");
    assert_eq!(
        long.json()["body"].as_str().unwrap().chars().count(),
        10_000
    );
    // Nothing above was counted in the aggregate but the one valid review.
    assert_eq!(rating_of(app, 700).await["count"], 1);
}

async fn malformed_and_hostile_requests_never_500(app: &TestApp) {
    add_movie(app, 800).await;
    let (_, token) = anonymous_user(app).await;
    let post = |body: String, content_type: &'static str| {
        let token = token.clone();
        async move {
            send(
                app,
                Method::POST,
                "/movies/800/reviews",
                Some(&token),
                &[("content-type", content_type)],
                Some(body),
            )
            .await
        }
    };
    post("{\"rating\": 5, \"body\": ".into(), "application/json")
        .await
        .problem(StatusCode::BAD_REQUEST);
    post("rating=5".into(), "application/x-www-form-urlencoded")
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    post(
        json!({"rating": 5, "body": "x".repeat(70_000)}).to_string(),
        "application/json",
    )
    .await
    .problem(StatusCode::PAYLOAD_TOO_LARGE);
    let problem = post(
        json!({"rating": 5, "body": "x", "stars": 5}).to_string(),
        "application/json",
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0]["field"], "stars");
    post(
        json!({"rating": {"$gt": 0}, "body": {"$ne": ""}}).to_string(),
        "application/json",
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    post("[1,2,3]".into(), "application/json")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);

    // SQL in the text is just text.
    let injection = "'); DROP TABLE reviews; -- \" OR 1=1; SELECT * FROM movie_ratings #";
    let created = post(
        json!({"rating": 4, "title": "' OR '1'='1", "body": injection}).to_string(),
        "application/json",
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{created:?}");
    let id = created.json()["id"].as_i64().unwrap();
    assert_eq!(
        app.get(&format!("/reviews/{id}")).await.json()["body"],
        injection
    );
    for query in [
        "sort=rating.desc;DROP%20TABLE%20reviews",
        "sort=id%20DESC%20--",
        "sort=(SELECT%201)",
        "sort=",
        "page=0",
        "page_size=101",
        "page=abc",
        "page=1%20OR%201=1",
        "min_rating[$gt]=",
        "unknown=1",
    ] {
        app.get(&format!("/movies/800/reviews?{query}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let problem = app
        .get("/movies/800/reviews?sort=best&page=0")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"].as_array().unwrap().len(), 2, "{problem}");
    app.get(&format!("/users/{}/reviews?page_size=0", Uuid::now_v7()))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("/movies/800/reviews").await.json()["total_results"],
        1,
        "still there"
    );
    // Methods the paths do not have.
    app.call(Method::PUT, "/movies/800/rating", None, Some(&token))
        .await
        .problem(StatusCode::METHOD_NOT_ALLOWED);
    app.call(Method::PUT, &format!("/reviews/{id}"), None, Some(&token))
        .await
        .problem(StatusCode::METHOD_NOT_ALLOWED);
}

async fn lists_sort_and_page(app: &TestApp) {
    add_movie(app, 900).await;
    let mut ids = Vec::new();
    for rating in [5, 9, 1, 9, 3] {
        let (_, token) = anonymous_user(app).await;
        ids.push(
            review(app, 900, &token, rating).await["id"]
                .as_i64()
                .unwrap(),
        );
    }
    let order = |path: String| async move {
        let page = app.get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{page:?}");
        page.json()["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect::<Vec<_>>()
    };
    let newest: Vec<i64> = ids.iter().rev().copied().collect();
    assert_eq!(order("/movies/900/reviews".into()).await, newest);
    assert_eq!(
        order("/movies/900/reviews?sort=newest".into()).await,
        newest
    );
    assert_eq!(order("/movies/900/reviews?sort=oldest".into()).await, ids);
    assert_eq!(
        order("/movies/900/reviews?sort=rating.desc".into()).await,
        [ids[3], ids[1], ids[0], ids[4], ids[2]]
    );
    assert_eq!(
        order("/movies/900/reviews?sort=rating.asc".into()).await,
        [ids[2], ids[4], ids[0], ids[1], ids[3]]
    );
    assert_eq!(
        order("/movies/900/reviews?page=2&page_size=2".into()).await,
        [ids[2], ids[1]]
    );
    let page = app
        .get("/movies/900/reviews?page=3&page_size=2")
        .await
        .json();
    assert_eq!(
        (
            page["page"].as_u64(),
            page["page_size"].as_u64(),
            page["total_pages"].as_u64(),
            page["total_results"].as_u64()
        ),
        (Some(3), Some(2), Some(3), Some(5))
    );
    assert_eq!(
        app.get("/movies/900/reviews?page=9").await.json()["results"],
        json!([])
    );

    // Keyset pages: each page names the next one's cursor, which carries the order.
    let first = app
        .get("/movies/900/reviews?sort=rating.desc&page_size=2")
        .await
        .json();
    let mut walked: Vec<i64> = first["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    let mut cursor = first["next_cursor"].as_str().unwrap().to_string();
    loop {
        // `sort` and `page` are not read with a cursor.
        let next = app
            .get(&format!(
                "/movies/900/reviews?cursor={cursor}&page_size=2&sort=oldest&page=7"
            ))
            .await;
        assert_eq!(next.status, StatusCode::OK, "{next:?}");
        let next = next.json();
        assert_eq!(
            (next["page"].clone(), next["total_results"].as_u64()),
            (json!(null), Some(5))
        );
        walked.extend(
            next["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_i64().unwrap()),
        );
        match next["next_cursor"].as_str() {
            Some(more) => cursor = more.to_string(),
            None => break,
        }
    }
    assert_eq!(walked, [ids[3], ids[1], ids[0], ids[4], ids[2]]);
    let last = app
        .get("/movies/900/reviews?page=3&page_size=2")
        .await
        .json();
    assert_eq!(last["next_cursor"], json!(null));
    for bad in [
        "newest",
        "newest.0",
        "rating.desc.11.5",
        "top.5",
        "newest.5%00",
    ] {
        let answer = app
            .get(&format!("/movies/900/reviews?cursor={bad}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(answer["errors"][0]["field"], "cursor", "{bad}: {answer}");
    }
}

async fn edits_need_the_author_and_a_fresh_version(app: &TestApp) {
    add_movie(app, 1000).await;
    let (_, token) = register(app, "editor").await;
    let (_, other) = anonymous_user(app).await;
    let id = review(app, 1000, &token, 4).await["id"].as_i64().unwrap();
    let change = json!({"rating": 8, "title": "Second thoughts"});

    patch(app, id, &token, None, change.clone())
        .await
        .problem(StatusCode::PRECONDITION_REQUIRED);
    patch(app, id, &token, Some("\"7\""), change.clone())
        .await
        .problem(StatusCode::PRECONDITION_FAILED);
    patch(app, id, &token, Some("W/\"1\""), change.clone())
        .await
        .problem(StatusCode::PRECONDITION_FAILED);
    patch(app, id, &other, Some("\"1\""), change.clone())
        .await
        .problem(StatusCode::FORBIDDEN);
    patch(app, 999_999, &token, Some("\"1\""), change.clone())
        .await
        .problem(StatusCode::NOT_FOUND);
    patch(
        app,
        id,
        &token,
        Some("\"1\""),
        json!({"rating": 0, "body": ""}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    patch(app, id, &token, Some("\"1\""), json!({}))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let unauthenticated = send(
        app,
        Method::PATCH,
        &format!("/reviews/{id}"),
        None,
        &[("content-type", "application/json"), ("if-match", "\"1\"")],
        Some(change.to_string()),
    )
    .await;
    unauthenticated.problem(StatusCode::UNAUTHORIZED);
    assert_eq!(
        rating_of(app, 1000).await["average"],
        4.0,
        "nothing changed yet"
    );

    let updated = patch(app, id, &token, Some("\"1\""), change.clone()).await;
    assert_eq!(updated.status, StatusCode::OK, "{updated:?}");
    assert_eq!(updated.header("etag"), Some("\"2\""));
    let body = updated.json();
    assert_eq!(
        (body["rating"].as_i64(), body["version"].as_i64()),
        (Some(8), Some(2))
    );
    assert_eq!(body["body"], "4 out of 10");
    assert_eq!(body["author"]["username"], "editor");
    let rating = rating_of(app, 1000).await;
    assert_eq!(rating["average"], 8.0);
    assert_eq!(histogram(&rating), [0, 0, 0, 0, 0, 0, 0, 1, 0, 0]);
    assert_eq!(catalog_rating(app, 1000).await.average, 8.0);

    // The old tag is stale now; the new one (or `*`) works, and null removes the title.
    patch(app, id, &token, Some("\"1\""), change)
        .await
        .problem(StatusCode::PRECONDITION_FAILED);
    let cleared = patch(app, id, &token, Some("\"2\""), json!({"title": null})).await;
    assert_eq!(cleared.status, StatusCode::OK);
    assert_eq!(cleared.json()["title"], Value::Null);
    let any = patch(
        app,
        id,
        &token,
        Some("*"),
        json!({"contains_spoilers": true}),
    )
    .await;
    assert_eq!(any.json()["version"], 4);
    assert_eq!(
        app.get(&format!("/reviews/{id}")).await.header("etag"),
        Some("\"4\"")
    );
}

async fn deletes_by_author_or_admin(app: &TestApp) {
    add_movie(app, 1100).await;
    let (_, alice) = anonymous_user(app).await;
    let (_, bob) = anonymous_user(app).await;
    let (_, admin) = app.account_token(Role::Admin).await;
    let first = review(app, 1100, &alice, 10).await["id"].as_i64().unwrap();
    let second = review(app, 1100, &bob, 2).await["id"].as_i64().unwrap();

    app.call(
        Method::DELETE,
        &format!("/reviews/{first}"),
        None,
        Some(&bob),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    app.call(Method::DELETE, &format!("/reviews/{first}"), None, None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    let deleted = app
        .call(
            Method::DELETE,
            &format!("/reviews/{first}"),
            None,
            Some(&alice),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted:?}");
    assert!(deleted.header("ratelimit-remaining").is_some());
    app.get(&format!("/reviews/{first}"))
        .await
        .problem(StatusCode::NOT_FOUND);
    assert_eq!(rating_of(app, 1100).await["average"], 2.0);

    let by_admin = app
        .call(
            Method::DELETE,
            &format!("/reviews/{second}"),
            None,
            Some(&admin),
        )
        .await;
    assert_eq!(by_admin.status, StatusCode::NO_CONTENT);
    app.call(
        Method::DELETE,
        &format!("/reviews/{second}"),
        None,
        Some(&admin),
    )
    .await
    .problem(StatusCode::NOT_FOUND);
    let rating = rating_of(app, 1100).await;
    assert_eq!(
        (rating["count"].as_u64(), rating["average"].as_f64()),
        (Some(0), Some(0.0))
    );
    assert_eq!(
        catalog_rating(app, 1100).await,
        RatingSummary {
            average: 0.0,
            count: 0
        }
    );
    // Alice may review again.
    review(app, 1100, &alice, 7).await;
}

async fn tokens_are_checked(app: &TestApp) {
    add_movie(app, 1200).await;
    let body = json!({"rating": 5, "body": "x"});
    let forged = shared::auth::JwtKeys::from_secret(&[9u8; 32])
        .unwrap()
        .issue(Uuid::now_v7(), Role::Admin)
        .unwrap()
        .0;
    let expired = expired_token(app);
    for token in [forged.as_str(), expired.as_str(), "not.a.jwt", ""] {
        let response = post_review(app, 1200, token, body.clone()).await;
        response.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    }
    app.call(Method::POST, "/movies/1200/reviews", Some(body), None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert_eq!(rating_of(app, 1200).await["count"], 0);
}

/// A token signed with the app's own key (the embedded key file) that expired ten minutes ago.
fn expired_token(app: &TestApp) -> String {
    let secret = std::fs::read(app.data_dir.path().join("jwt.key")).unwrap();
    let now = chrono::Utc::now().timestamp();
    let claims = shared::auth::Claims {
        sub: Uuid::now_v7(),
        role: Role::User,
        iss: shared::auth::ISSUER.into(),
        aud: shared::auth::AUDIENCE.into(),
        iat: now - 3600,
        exp: now - 600,
        jti: Uuid::new_v4(),
    };
    jsonwebtoken::encode(
        &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256),
        &claims,
        &jsonwebtoken::EncodingKey::from_secret(&secret),
    )
    .unwrap()
}

async fn deleted_accounts_keep_their_reviews(app: &TestApp) {
    add_movie(app, 1300).await;
    let (_, token) = register(app, "leaver").await;
    let id = review(app, 1300, &token, 3).await["id"].as_i64().unwrap();
    let (_, other) = anonymous_user(app).await;
    review(app, 1300, &other, 9).await;
    let before = rating_of(app, 1300).await;

    let deleted = app
        .call(
            Method::DELETE,
            "/auth/me",
            Some(json!({"password": "correct horse battery staple"})),
            Some(&token),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{deleted:?}");

    let kept = app.get(&format!("/reviews/{id}")).await;
    assert_eq!(kept.status, StatusCode::OK);
    let kept_body = kept.json();
    assert_eq!(kept_body["author"], Value::Null);
    assert_eq!(kept_body["author_deleted"], true);
    assert_eq!(kept_body["body"], "3 out of 10");
    assert_ne!(
        kept.header("etag"),
        Some("\"1\""),
        "the ETag moved with the author"
    );
    assert_eq!(rating_of(app, 1300).await, before, "aggregates unchanged");
    let list = app.get("/movies/1300/reviews?sort=oldest").await.json();
    assert_eq!(list["results"][0]["author_deleted"], true);
    // The other reviewer still has an account: only the deleted author is anonymised.
    assert_eq!(list["results"][1]["author_deleted"], false);
    assert!(list["results"][1]["author"]["username"].is_string());
}

async fn cached_ratings_follow_every_write(app: &TestApp) {
    add_movie(app, 1400).await;
    let (_, token) = anonymous_user(app).await;
    // Fill the cache, twice, then write: the next read shows the write.
    assert_eq!(rating_of(app, 1400).await["count"], 0);
    let again = app.get("/movies/1400/rating").await;
    assert_eq!(again.header("x-cache"), Some("hit"));
    let id = review(app, 1400, &token, 6).await["id"].as_i64().unwrap();
    assert_eq!(rating_of(app, 1400).await["count"], 1);
    let etag = app
        .get("/movies/1400/rating")
        .await
        .header("etag")
        .unwrap()
        .to_string();
    patch(app, id, &token, Some("\"1\""), json!({"rating": 2})).await;
    let after_edit = app.get("/movies/1400/rating").await;
    assert_eq!(after_edit.json()["average"], 2.0);
    assert_ne!(after_edit.header("etag"), Some(etag.as_str()));
    // A stale entry planted in the cache (a read that raced a write) is not served.
    let key = app
        .state
        .cache()
        .movie_rating_key(MovieId::new(1400).unwrap());
    app.state
        .cache()
        .set_raw(
            &key,
            bytes::Bytes::from(
                json!({"revision": 0, "rating": {"movie_id": 1400, "average": 10.0, "count": 99,
                    "histogram": {"10": 99}}})
                .to_string(),
            ),
            std::time::Duration::from_secs(60),
        )
        .await;
    assert_eq!(rating_of(app, 1400).await["average"], 2.0);
    app.call(
        Method::DELETE,
        &format!("/reviews/{id}"),
        None,
        Some(&token),
    )
    .await;
    assert_eq!(rating_of(app, 1400).await["count"], 0);
}

/// 50 users review one movie at once: count 50 and the exact average, everywhere it is shown.
async fn fifty_users_review_one_movie_at_once(app: &TestApp) {
    add_movie(app, 1500).await;
    let ratings: Vec<i64> = (0..50).map(|i| (i * 7) % 10 + 1).collect();
    let mut users = Vec::new();
    for _ in &ratings {
        users.push(anonymous_user(app).await.1);
    }
    let posts = ratings.iter().zip(&users).map(|(rating, token)| {
        post_review(
            app,
            1500,
            token,
            json!({"rating": rating, "body": "at once"}),
        )
    });
    for response in join_all(posts).await {
        assert_eq!(response.status, StatusCode::CREATED, "{response:?}");
    }
    let sum: i64 = ratings.iter().sum();
    let expected = sum as f64 / 50.0;
    let rating = rating_of(app, 1500).await;
    assert_eq!(rating["count"], 50);
    assert_eq!(rating["average"].as_f64(), Some(expected));
    assert_eq!(histogram(&rating), [5; 10]);
    assert_eq!(
        catalog_rating(app, 1500).await,
        RatingSummary {
            average: expected,
            count: 50
        }
    );
    let list = app.get("/movies/1500/reviews?page_size=100").await.json();
    assert_eq!(list["results"].as_array().unwrap().len(), 50);
}

/// Two edits sent with the same `If-Match`: one 200, one 412, and the stored review is the
/// winner's.
async fn concurrent_edits_with_one_if_match(app: &TestApp) {
    add_movie(app, 1600).await;
    let (_, token) = anonymous_user(app).await;
    let id = review(app, 1600, &token, 5).await["id"].as_i64().unwrap();
    let (a, b) = tokio::join!(
        patch(
            app,
            id,
            &token,
            Some("\"1\""),
            json!({"rating": 2, "body": "first"})
        ),
        patch(
            app,
            id,
            &token,
            Some("\"1\""),
            json!({"rating": 9, "body": "second"})
        ),
    );
    let mut statuses = [a.status, b.status];
    statuses.sort();
    assert_eq!(
        statuses,
        [StatusCode::OK, StatusCode::PRECONDITION_FAILED],
        "{a:?} {b:?}"
    );
    let winner = if a.status == StatusCode::OK {
        a.json()
    } else {
        b.json()
    };
    let stored = app.get(&format!("/reviews/{id}")).await.json();
    assert_eq!(stored, winner);
    assert_eq!(stored["version"], 2);
    assert_eq!(
        rating_of(app, 1600).await["average"],
        winner["rating"].as_f64().unwrap()
    );
}

/// Creates, edits and deletes at once; afterwards the aggregate equals what the rows say.
async fn a_mixed_burst_leaves_the_aggregate_exact(app: &TestApp) {
    add_movie(app, 1700).await;
    let mut existing = Vec::new();
    for i in 0..10 {
        let (_, token) = anonymous_user(app).await;
        let id = review(app, 1700, &token, i % 10 + 1).await["id"]
            .as_i64()
            .unwrap();
        existing.push((id, token));
    }
    let mut newcomers = Vec::new();
    for _ in 0..10 {
        newcomers.push(anonymous_user(app).await.1);
    }
    let mut work = Vec::new();
    for (i, (id, token)) in existing.iter().enumerate() {
        work.push(Box::pin(async move {
            if i % 2 == 0 {
                app.call(Method::DELETE, &format!("/reviews/{id}"), None, Some(token))
                    .await
                    .status
            } else {
                patch(
                    app,
                    *id,
                    token,
                    Some("*"),
                    json!({"rating": (i as i64 * 3) % 10 + 1}),
                )
                .await
                .status
            }
        })
            as std::pin::Pin<
                Box<dyn std::future::Future<Output = StatusCode> + Send + '_>,
            >);
    }
    for (i, token) in newcomers.iter().enumerate() {
        work.push(Box::pin(async move {
            post_review(
                app,
                1700,
                token,
                json!({"rating": (i as i64 * 5) % 10 + 1, "body": "new"}),
            )
            .await
            .status
        }));
    }
    for status in join_all(work).await {
        assert!(status.is_success(), "{status}");
    }
    let rows = app.get("/movies/1700/reviews?page_size=100").await.json();
    let rows = rows["results"].as_array().unwrap();
    let mut buckets = [0u64; 10];
    for row in rows {
        buckets[row["rating"].as_u64().unwrap() as usize - 1] += 1;
    }
    let sum: u64 = rows.iter().map(|r| r["rating"].as_u64().unwrap()).sum();
    let rating = rating_of(app, 1700).await;
    assert_eq!(rows.len(), 15);
    assert_eq!(rating["count"].as_u64(), Some(rows.len() as u64));
    assert_eq!(histogram(&rating), buckets);
    assert_eq!(
        rating["average"].as_f64(),
        Some(sum as f64 / rows.len() as f64)
    );
    assert_eq!(catalog_rating(app, 1700).await.count, 15);
}

/// Two containers (two states over the same MariaDB, Redis and catalog) taking writes for one
/// movie at once: both show the exact rating afterwards, and so does the catalog.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_containers_agree_on_the_rating() {
    let Some(first) = mariadb_app().await else {
        return;
    };
    let (mysql, redis) = (first.mysql.as_ref().unwrap(), first.redis.as_ref().unwrap());
    let data_dir = first.data_dir.path().to_string_lossy().to_string();
    let second = TestApp::build(
        &[
            ("MYSQL_URL", mysql.url.as_str()),
            ("REDIS_URL", redis.url.as_str()),
            ("REDIS_KEY_PREFIX", redis.prefix.as_str()),
            ("MOVIEVERSE_DATA_DIR", data_dir.as_str()),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    add_movie(&first, 2000).await;
    // Both containers have cached the empty rating.
    assert_eq!(rating_of(&first, 2000).await["count"], 0);
    assert_eq!(rating_of(&second, 2000).await["count"], 0);

    let ratings: Vec<i64> = (0..30).map(|i| (i * 3) % 10 + 1).collect();
    let mut tokens = Vec::new();
    for _ in &ratings {
        tokens.push(anonymous_user(&first).await.1);
    }
    let posts = ratings
        .iter()
        .zip(&tokens)
        .enumerate()
        .map(|(i, (rating, token))| {
            let app = if i % 2 == 0 { &first } else { &second };
            post_review(
                app,
                2000,
                token,
                json!({"rating": rating, "body": "two containers"}),
            )
        });
    for response in join_all(posts).await {
        assert_eq!(response.status, StatusCode::CREATED, "{response:?}");
    }
    let expected = ratings.iter().sum::<i64>() as f64 / 30.0;
    for app in [&first, &second] {
        let rating = rating_of(app, 2000).await;
        assert_eq!(rating["count"], 30);
        assert_eq!(rating["average"].as_f64(), Some(expected));
    }
    assert_eq!(
        catalog_rating(&first, 2000).await,
        RatingSummary {
            average: expected,
            count: 30
        }
    );
    // A write through one container is seen at once through the other.
    let (_, token) = anonymous_user(&first).await;
    review(&first, 2000, &token, 10).await;
    assert_eq!(rating_of(&second, 2000).await["count"], 31);
}

/// The 31st review write in an hour is refused with the RateLimit headers and `Retry-After`.
#[tokio::test]
async fn review_writes_are_rate_limited() {
    let app = TestApp::embedded().await;
    let (_, token) = anonymous_user(&app).await;
    for _ in 0..30 {
        let response = app
            .call(Method::DELETE, "/reviews/999999", None, Some(&token))
            .await;
        response.problem(StatusCode::NOT_FOUND);
    }
    add_movie(&app, 1800).await;
    let limited = post_review(&app, 1800, &token, json!({"rating": 5, "body": "one more"})).await;
    limited.problem(StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(limited.header("ratelimit-limit"), Some("30"));
    assert_eq!(limited.header("ratelimit-remaining"), Some("0"));
    assert!(limited.header("retry-after").is_some());
    assert_eq!(rating_of(&app, 1800).await["count"], 0);
    // Other users are not affected.
    let (_, fresh) = anonymous_user(&app).await;
    review(&app, 1800, &fresh, 5).await;
}

/// A reviews database that cannot be reached is a 503 with `Retry-After`, never a 500.
#[tokio::test]
async fn an_unreachable_reviews_database_is_503() {
    let app = TestApp::build(
        &[("MYSQL_URL", "mysql://root@127.0.0.1:9/nowhere")],
        None,
        None,
        None,
        None,
    )
    .await;
    add_movie(&app, 1900).await;
    let (_, token) = anonymous_user(&app).await;
    for response in [
        app.get("/movies/1900/reviews").await,
        app.get("/movies/1900/rating").await,
        app.get("/reviews/1").await,
        post_review(&app, 1900, &token, json!({"rating": 5, "body": "x"})).await,
    ] {
        response.problem(StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.header("retry-after").is_some());
    }
}

/// With the accounts store down, reviews are still served, with author ids but no names (and
/// not marked deleted); writes, which must check the caller's account, are 503.
#[tokio::test]
async fn reviews_are_served_while_the_accounts_store_is_down() {
    let healthy = TestApp::embedded().await;
    add_movie(&healthy, 2100).await;
    let (user, token) = register(&healthy, "named").await;
    review(&healthy, 2100, &token, 7).await;

    let data_dir = healthy.data_dir.path().to_string_lossy().to_string();
    let degraded = TestApp::build(
        &[
            ("MOVIEVERSE_DATA_DIR", data_dir.as_str()),
            ("POSTGRES_URL", "postgres://nobody@127.0.0.1:9/nowhere"),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let list = degraded.get("/movies/2100/reviews").await;
    assert_eq!(list.status, StatusCode::OK, "{list:?}");
    let first = &list.json()["results"][0];
    assert_eq!(first["author"], json!({"id": user, "username": null}));
    assert_eq!(first["author_deleted"], false);
    let write = post_review(
        &degraded,
        2100,
        // The accounts store is down: any token is answered 503 before the review is looked at.
        &degraded.token(Uuid::now_v7(), Role::User),
        json!({"rating": 1, "body": "x"}),
    )
    .await;
    write.problem(StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(rating_of(&degraded, 2100).await["count"], 1);
}

/// The whole production stack (MongoDB catalog, PostgreSQL accounts, MariaDB reviews, Redis).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn reviews_work_on_the_production_stack() {
    let Some(app) = TestApp::production().await else {
        return;
    };
    a_review_round_trips_with_its_author_and_aggregates(&app).await;
    edits_need_the_author_and_a_fresh_version(&app).await;
    deleted_accounts_keep_their_reviews(&app).await;
}

/// `/openapi.json` documents every reviews route with its statuses and shapes.
#[tokio::test]
async fn the_openapi_document_describes_the_reviews_routes() {
    let app = TestApp::embedded().await;
    let doc = app.get("/openapi.json").await.json();
    for (path, method, statuses) in [
        ("/movies/{id}/reviews", "get", &["200", "404", "422"][..]),
        (
            "/movies/{id}/reviews",
            "post",
            &["201", "401", "404", "409", "422", "429"][..],
        ),
        ("/movies/{id}/rating", "get", &["200", "404"][..]),
        ("/reviews/{id}", "get", &["200", "304", "404"][..]),
        (
            "/reviews/{id}",
            "patch",
            &["200", "403", "412", "422", "428"][..],
        ),
        ("/reviews/{id}", "delete", &["204", "403", "404"][..]),
        ("/users/{user_id}/reviews", "get", &["200", "400"][..]),
    ] {
        let operation = &doc["paths"][path][method];
        assert!(operation.is_object(), "{method} {path} is not documented");
        for status in statuses {
            assert!(
                operation["responses"][status].is_object(),
                "{method} {path} does not document {status}"
            );
        }
    }
    for schema in [
        "ReviewView",
        "MovieRatingView",
        "CreateReviewRequest",
        "UpdateReviewRequest",
    ] {
        assert!(
            doc["components"]["schemas"][schema].is_object(),
            "{schema} is missing"
        );
    }
}

/// A review write without a token is 401 whatever else is wrong with it: the caller learns to
/// authenticate first, not which ids or versions exist.
#[tokio::test]
async fn review_writes_without_a_token_are_401_before_anything_else() {
    let app = TestApp::embedded().await;
    for (method, path, body) in [
        (
            Method::POST,
            "/movies/abc/reviews",
            Some(json!({"rating": 0})),
        ),
        (Method::POST, "/movies/424242/reviews", None),
        (Method::PATCH, "/reviews/-1", Some(json!({"title": ""}))),
        (Method::PATCH, "/reviews/999999", Some(json!({"rating": 5}))),
        (Method::DELETE, "/reviews/abc", None),
    ] {
        let response = app.call(method.clone(), path, body, None).await;
        response.problem(StatusCode::UNAUTHORIZED);
        assert_eq!(
            response.header("www-authenticate"),
            Some("Bearer"),
            "{method} {path}"
        );
    }
}
