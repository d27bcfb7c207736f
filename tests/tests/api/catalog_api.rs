//! The movies routes through the whole API, on the embedded default and on MongoDB + Redis.

use axum::http::{Method, StatusCode};
use movieverse_tests::TestApp;
use serde_json::{json, Value};
use shared::auth::Role;

use crate::catalog_fixtures::*;

/// Runs `$name(&app)` on an embedded app and on MongoDB + Redis, as `$name::embedded` and
/// `$name::production`. The app comes loaded with the sample catalog.
macro_rules! api {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn embedded() {
                let app = TestApp::embedded().await;
                seeded(&app).await;
                super::$name(&app).await;
            }

            #[tokio::test]
            async fn production() {
                let Some(app) = production_catalog_app().await else { return };
                seeded(&app).await;
                super::$name(&app).await;
            }
        }
    )*};
}

async fn seeded(app: &TestApp) {
    load(app.state.catalog().expect("catalog"), &sample()).await;
}

async fn admin(app: &TestApp) -> String {
    app.account_token(Role::Admin).await.1
}

async fn user(app: &TestApp) -> String {
    app.account_token(Role::User).await.1
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_string())
        .collect()
}

api!(
    details_embed_exactly_the_parts_asked_for,
    details_refuse_bad_ids_and_parts,
    credits_and_similar,
    discover_filters_over_http,
    discover_ids_keep_the_order_asked,
    discover_lists_every_bad_parameter,
    operator_injection_never_reaches_the_store,
    search_over_http,
    lists_popular_top_rated_trending,
    genres_with_counts,
    config_is_public_and_admins_replace_it,
    admin_writes_need_the_admin_role,
    admin_create_edit_delete_and_the_cache_follows,
    admin_bodies_list_every_bad_field,
);

async fn details_embed_exactly_the_parts_asked_for(app: &TestApp) {
    let plain = app.get("/movies/1").await;
    assert_eq!(plain.status, StatusCode::OK);
    let body = plain.json();
    assert_eq!(body["title"], "The Matrix");
    assert_eq!(body["release_date"], "1999-03-31");
    assert_eq!(body["genres"][0], json!({"id": ACTION, "name": "Action"}));
    for part in ["credits", "keywords", "rating", "similar"] {
        assert!(body.get(part).is_none(), "{part} was not asked for");
    }

    let full = app
        .get("/movies/1?append=credits,keywords,rating,similar")
        .await
        .json();
    assert_eq!(full["credits"]["cast"][0]["name"], "Keanu Reeves");
    assert_eq!(full["credits"]["crew"][0]["job"], "Director");
    assert_eq!(full["keywords"][0]["name"], "simulation");
    assert_eq!(full["rating"], json!({"average": 0.0, "count": 0}));
    assert_eq!(json_ids(&full["similar"]), [2, 6, 4, 7]);

    let some = app.get("/movies/1?append=rating").await.json();
    assert!(some.get("rating").is_some() && some.get("credits").is_none());
}

async fn details_refuse_bad_ids_and_parts(app: &TestApp) {
    app.get("/movies/4040").await.problem(StatusCode::NOT_FOUND);
    for bad in ["abc", "0", "-1", "1.5", "99999999999999999999"] {
        app.get(&format!("/movies/{bad}"))
            .await
            .problem(StatusCode::BAD_REQUEST);
    }
    let problem = app
        .get("/movies/1?append=credits,trailers")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["append"]);
    let problem = app
        .get("/movies/1?expand=credits")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["expand"]);
}

async fn credits_and_similar(app: &TestApp) {
    let credits = app.get("/movies/1/credits").await.json();
    let cast: Vec<&str> = credits["cast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["character"].as_str().unwrap())
        .collect();
    assert_eq!(cast, ["Neo", "Trinity"]);
    app.get("/movies/4040/credits")
        .await
        .problem(StatusCode::NOT_FOUND);

    let similar = app.get("/movies/1/similar?page_size=2").await.json();
    assert_eq!(json_ids(&similar), [2, 6]);
    assert_eq!(
        (
            similar["total_results"].as_u64(),
            similar["total_pages"].as_u64()
        ),
        (Some(4), Some(2))
    );
    app.get("/movies/4040/similar")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/movies/1/similar?page=0")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
}

async fn discover_filters_over_http(app: &TestApp) {
    let all_of = app.get("/movies?genres=28,12").await.json();
    assert_eq!(
        (json_ids(&all_of), all_of["total_results"].as_u64()),
        (vec![2, 4], Some(2))
    );
    let any_of = app.get("/movies?genres=35%7C12").await.json();
    assert_eq!(json_ids(&any_of), [2, 3, 4]);
    let combined = app
        .get("/movies?genres=28&year=1999&min_rating=8&min_votes=100&language=en&with_people=101&sort=title.asc")
        .await
        .json();
    assert_eq!(json_ids(&combined), [1]);
    let paged = app.get("/movies?page=2&page_size=3").await.json();
    assert_eq!(json_ids(&paged), [4, 5, 8]);
    assert_eq!(
        (
            paged["page"].as_u64(),
            paged["total_pages"].as_u64(),
            paged["total_results"].as_u64()
        ),
        (Some(2), Some(3), Some(8))
    );
}

async fn discover_ids_keep_the_order_asked(app: &TestApp) {
    let body = app.get("/movies?ids=8,3,4040,1").await.json();
    assert_eq!(json_ids(&body), [8, 3, 1]);
    assert_eq!(body["total_results"], 3);
    // Each movie once, and every ordering or repetition of one set of ids shares one cache
    // entry (permutations cannot fill the cache).
    let first = app.get("/movies?ids=3,1,3").await;
    assert_eq!(first.header("x-cache"), Some("miss"));
    assert_eq!(json_ids(&first.json()), [3, 1]);
    assert_eq!(first.json()["total_results"], 2);
    let again = app.get("/movies?ids=1,3,1,1").await;
    assert_eq!(again.header("x-cache"), Some("hit"));
    assert_eq!(json_ids(&again.json()), [1, 3]);
    let many: Vec<String> = (1..=101).map(|i| i.to_string()).collect();
    let problem = app
        .get(&format!("/movies?ids={}", many.join(",")))
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["ids"]);
    // The ids are the whole question: filters, sort and paging do not narrow or reorder them.
    let with_filters = app
        .get("/movies?ids=8,1&genres=28&sort=title.asc&page=2")
        .await;
    assert_eq!(with_filters.status, StatusCode::OK);
    assert_eq!(json_ids(&with_filters.json()), [8, 1]);
}

async fn discover_lists_every_bad_parameter(app: &TestApp) {
    let problem = app
        .get("/movies?genres=action&year=19x9&release_date_gte=2001-02-30&min_rating=11&min_votes=-1&language=English&with_people=0&sort=best&page=0&page_size=1000")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let mut listed = fields(&problem);
    listed.sort();
    assert_eq!(
        listed,
        [
            "genres",
            "language",
            "min_rating",
            "min_votes",
            "page",
            "page_size",
            "release_date_gte",
            "sort",
            "with_people",
            "year",
        ]
    );
    let problem = app
        .get("/movies?page=two")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["page"]);
}

async fn operator_injection_never_reaches_the_store(app: &TestApp) {
    // Bracketed names are unknown parameters, never nested operators.
    for query in [
        "min_rating[$gt]=",
        "genres[$ne]=1",
        "year[$gte]=0",
        "$where=1",
        "sort[$natural]=1",
    ] {
        app.get(&format!("/movies?{query}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Operator-looking values are refused by their type.
    for query in [
        "genres=%7B%22%24gt%22%3A%22%22%7D",
        "min_rating=%7B%22%24gt%22%3A0%7D",
        "language=%24ne",
    ] {
        app.get(&format!("/movies?{query}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    // Search text is only ever words.
    let found = app
        .get("/movies/search?q=%7B%22%24where%22%3A%22sleep(100)%22%7D")
        .await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.json()["total_results"], 0);
    let found = app.get("/movies/search?q=matrix%22%20OR%20%221").await;
    assert_eq!(found.status, StatusCode::OK);

    // Bodies: operators as fields or values are 422 and nothing is written.
    let token = admin(app).await;
    for body in [
        json!({"title": {"$gt": ""}}),
        json!({"title": "Ok", "$where": "this.popularity > 0"}),
        json!({"title": "Ok", "genre_ids": {"$in": [28]}}),
        json!({"title": "Ok", "runtime": {"$gt": 0}}),
    ] {
        app.call(Method::POST, "/movies", Some(body), Some(&token))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        app.call(
            Method::PATCH,
            "/movies/1",
            Some(json!({"title": {"$set": "x"}})),
            Some(&token),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    let all = app.get("/movies").await.json();
    assert_eq!(all["total_results"], 8);
    assert_eq!(app.get("/movies/1").await.json()["title"], "The Matrix");
}

async fn search_over_http(app: &TestApp) {
    let found = app.get("/movies/search?q=amelie").await.json();
    assert_eq!(json_ids(&found), [3]);
    let found = app.get("/movies/search?q=AM%C3%89LIE").await.json();
    assert_eq!(json_ids(&found), [3]);
    let found = app.get("/movies/search?q=matrix").await.json();
    assert_eq!(json_ids(&found), [1, 2]);
    let found = app.get("/movies/search?q=matrix&year=2003").await.json();
    assert_eq!(json_ids(&found), [2]);
    for bad in ["", "q=", "q=%20%20", &format!("q={}", "a".repeat(201))] {
        let problem = app
            .get(&format!("/movies/search?{bad}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&problem), ["q"], "{bad}");
    }
    let ok = app
        .get(&format!("/movies/search?q={}", "a".repeat(200)))
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let problem = app
        .get("/movies/search?q=x&year=abc&page=0")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["year", "page"]);
}

async fn lists_popular_top_rated_trending(app: &TestApp) {
    assert_eq!(
        json_ids(&app.get("/movies/popular?page_size=3").await.json()),
        [1, 2, 3]
    );
    assert_eq!(
        json_ids(&app.get("/movies/top-rated").await.json()),
        [1, 3, 4, 2, 8, 6]
    );
    for path in [
        "/movies/trending",
        "/movies/trending?window=day",
        "/movies/trending?window=week",
    ] {
        let body = app.get(path).await.json();
        assert_eq!(json_ids(&body)[..3], [1, 2, 3], "{path}");
    }
    app.get("/movies/trending?window=month")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    app.get("/movies/popular?page_size=101")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
}

async fn genres_with_counts(app: &TestApp) {
    let body = app.get("/genres").await.json();
    let genres = body["genres"].as_array().unwrap();
    assert_eq!(genres.len(), 6);
    assert_eq!(
        genres[0],
        json!({"id": ACTION, "name": "Action", "movie_count": 4})
    );
}

async fn config_is_public_and_admins_replace_it(app: &TestApp) {
    let initial = app.get("/config").await;
    assert_eq!(initial.status, StatusCode::OK);
    assert_eq!(initial.json()["languages"], json!(["en"]));

    let settings = json!({
        "image_base_url": "https://images.example/t/p/",
        "languages": ["en", "fr"],
        "feature_flags": {"recommendations": true},
        "version": "2.0.0",
    });
    app.call(Method::PUT, "/config", Some(settings.clone()), None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    app.call(
        Method::PUT,
        "/config",
        Some(settings.clone()),
        Some(&user(app).await),
    )
    .await
    .problem(StatusCode::FORBIDDEN);
    let put = app
        .call(
            Method::PUT,
            "/config",
            Some(settings.clone()),
            Some(&admin(app).await),
        )
        .await;
    assert_eq!(put.status, StatusCode::OK);
    assert_eq!(put.json(), settings);
    assert_eq!(app.get("/config").await.json(), settings);

    let problem = app
        .call(
            Method::PUT,
            "/config",
            Some(json!({
                "image_base_url": "http://insecure.example/",
                "languages": ["EN"],
                "feature_flags": {"$where": true, "ok": "yes"},
                "colour": "blue",
            })),
            Some(&admin(app).await),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let mut listed = fields(&problem);
    listed.sort();
    assert_eq!(
        listed,
        [
            "colour",
            "feature_flags.$where",
            "feature_flags.ok",
            "image_base_url",
            "languages",
            "version"
        ]
    );
    assert_eq!(app.get("/config").await.json(), settings);
}

async fn admin_writes_need_the_admin_role(app: &TestApp) {
    let body = json!({"title": "Nope"});
    for (method, path) in [
        (Method::POST, "/movies"),
        (Method::PATCH, "/movies/1"),
        (Method::DELETE, "/movies/1"),
    ] {
        let with_body = (method != Method::DELETE).then(|| body.clone());
        app.call(method.clone(), path, with_body.clone(), None)
            .await
            .problem(StatusCode::UNAUTHORIZED);
        app.call(method.clone(), path, with_body.clone(), Some("not.a.token"))
            .await
            .problem(StatusCode::UNAUTHORIZED);
        app.call(method.clone(), path, with_body, Some(&user(app).await))
            .await
            .problem(StatusCode::FORBIDDEN);
    }
    // A token signed with another key is refused even when it claims the admin role.
    let forged = shared::auth::JwtKeys::from_secret(&[9u8; 32])
        .unwrap()
        .issue(uuid::Uuid::now_v7(), Role::Admin)
        .unwrap()
        .0;
    app.call(Method::DELETE, "/movies/1", None, Some(&forged))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/movies/1").await.status, StatusCode::OK);
}

async fn admin_create_edit_delete_and_the_cache_follows(app: &TestApp) {
    let token = admin(app).await;
    // Warm the caches the writes must drop.
    assert_eq!(app.get("/movies/1").await.header("x-cache"), Some("miss"));
    assert_eq!(app.get("/movies/1").await.header("x-cache"), Some("hit"));
    app.get("/movies/popular").await;
    assert_eq!(
        app.get("/movies/popular").await.header("x-cache"),
        Some("hit")
    );

    let created = app
        .call(
            Method::POST,
            "/movies",
            Some(json!({
                "title": "Made Here",
                "release_date": "2026-02-01",
                "genre_ids": [COMEDY, DRAMA],
                "runtime": 95,
                "original_language": "en",
                "poster_path": "/made-here.jpg",
            })),
            Some(&token),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.json());
    let movie = created.json();
    let id = movie["id"].as_i64().unwrap();
    assert_eq!(
        created.header("location"),
        Some(format!("/movies/{id}").as_str())
    );
    assert_eq!(movie["source"], "user");
    assert_eq!(movie["genres"][0], json!({"id": DRAMA, "name": "Drama"}));
    assert_eq!(
        app.get("/movies/popular").await.header("x-cache"),
        Some("miss")
    );
    assert_eq!(
        app.get(&format!("/movies/{id}")).await.json()["title"],
        "Made Here"
    );

    let edited = app
        .call(
            Method::PATCH,
            "/movies/1",
            Some(json!({"title": "The Matrix (1999)", "tagline": null})),
            Some(&token),
        )
        .await;
    assert_eq!(edited.status, StatusCode::OK);
    let fresh = app.get("/movies/1").await;
    assert_eq!(fresh.header("x-cache"), Some("miss"));
    assert_eq!(fresh.json()["title"], "The Matrix (1999)");
    assert_eq!(fresh.json()["source"], "user");
    // The edit sticks through a re-import.
    let catalog = app.state.catalog().unwrap();
    catalog.upsert_movie(&sample()[0]).await.unwrap();
    assert_eq!(
        catalog.movie(movie_id(1)).await.unwrap().unwrap().title,
        "The Matrix (1999)"
    );

    app.call(
        Method::PATCH,
        "/movies/4040",
        Some(json!({"title": "x"})),
        Some(&token),
    )
    .await
    .problem(StatusCode::NOT_FOUND);

    let deleted = app
        .call(Method::DELETE, &format!("/movies/{id}"), None, Some(&token))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    app.get(&format!("/movies/{id}"))
        .await
        .problem(StatusCode::NOT_FOUND);
    app.call(Method::DELETE, &format!("/movies/{id}"), None, Some(&token))
        .await
        .problem(StatusCode::NOT_FOUND);
    assert_eq!(app.get("/movies").await.json()["total_results"], 8);
}

async fn admin_bodies_list_every_bad_field(app: &TestApp) {
    let token = admin(app).await;
    let problem = app
        .call(
            Method::POST,
            "/movies",
            Some(json!({
                "original_title": "",
                "release_date": "2026-13-01",
                "runtime": 0,
                "genre_ids": [COMEDY, 4242],
                "original_language": "english",
                "production_countries": ["us"],
                "poster_path": "https://elsewhere/x.jpg",
                "imdb_id": "nm123",
                "overview": "x".repeat(5001),
                "colour": "red",
            })),
            Some(&token),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    let mut listed = fields(&problem);
    listed.sort();
    assert_eq!(
        listed,
        [
            "colour",
            "genre_ids",
            "imdb_id",
            "original_language",
            "original_title",
            "overview",
            "poster_path",
            "production_countries[0]",
            "release_date",
            "runtime",
            "title",
        ]
    );
    // Malformed JSON, the wrong media type and an oversized body.
    use axum::body::Body;
    use axum::http::{header, Request};
    let raw = |content_type: &str, body: Vec<u8>| {
        Request::builder()
            .method(Method::POST)
            .uri("/movies")
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    app.send(raw("application/json", b"{\"title\":".to_vec()))
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.send(raw("text/plain", b"{\"title\":\"x\"}".to_vec()))
        .await
        .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!("{{\"title\":\"{}\"}}", "x".repeat(70 * 1024));
    app.send(raw("application/json", huge.into_bytes()))
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE);
    app.call(
        Method::POST,
        "/movies",
        Some(json!(["not", "an", "object"])),
        Some(&token),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.get("/movies").await.json()["total_results"], 8);
}
