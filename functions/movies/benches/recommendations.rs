//! `GET /me/recommendations` through the movies router in process, for a user with 200
//! ratings over an embedded catalog of 2000 movies: from the cache (hit) and computed (miss:
//! reviews, watchlist, profile, seed features, candidates and the fills read from the stores,
//! then scored).

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use shared::auth::credentials::{Email, Username};
use shared::auth::password::PasswordHash;
use shared::auth::refresh::RefreshToken;
use shared::auth::Role;
use shared::config::{keys, RawSettings};
use shared::domain::{Movie, MovieId, UserId};
use shared::secrets::SecretSource;
use shared::stores::accounts::{NewAccount, NewRefreshToken};
use shared::stores::reviews::{NewReview, Rating, ReviewBody};
use shared::AppState;
use tower::ServiceExt;

const MOVIES: i64 = 2000;
const RATINGS: i64 = 200;
const GENRES: [i64; 6] = [28, 12, 35, 18, 878, 10749];

fn movie(id: i64) -> Movie {
    let genres: Vec<_> = GENRES
        .iter()
        .enumerate()
        .filter(|(i, _)| (id as usize + i).is_multiple_of(3))
        .map(|(_, g)| json!({"id": g, "name": format!("Genre {g}")}))
        .collect();
    let cast: Vec<_> = (0..10)
        .map(|order| {
            json!({"person_id": 1 + (id * 7 + order) % 500, "name": format!("Actor {order}"),
                   "character": "Someone", "order": order, "profile_path": null})
        })
        .collect();
    let keywords: Vec<_> = (0..5)
        .map(|k| json!({"id": (id * 11 + k * 17) % 300, "name": "kw"}))
        .collect();
    serde_json::from_value(json!({
        "id": id, "title": format!("Benchmark Movie {id}"), "original_title": null,
        "overview": "A film used to measure the API.", "tagline": null,
        "release_date": format!("{}-06-01", 1950 + id % 75), "runtime": 100 + id % 60,
        "genres": genres, "original_language": "en", "spoken_languages": ["en"],
        "production_countries": ["US"], "production_companies": ["Bench Pictures"],
        "poster_path": format!("/p{id}.jpg"), "backdrop_path": null,
        "popularity": (id * 37 % 1000) as f64 / 10.0, "vote_average": (id % 100) as f64 / 10.0,
        "vote_count": id * 13 % 5000, "imdb_id": null,
        "keywords": keywords,
        "credits": {"cast": cast, "crew": [{"person_id": 1000 + id % 120, "name": "Director",
            "job": "Director", "department": "Directing", "profile_path": null}]},
        "source": "tmdb",
        "updated_at": "2026-01-01T00:00:00Z", "rating": {"average": 0.0, "count": 0}
    }))
    .expect("bench movie")
}

async fn setup(data_dir: &std::path::Path) -> (AppState, Router, UserId, String) {
    let env: HashMap<String, String> = [(
        keys::MOVIEVERSE_DATA_DIR.to_string(),
        data_dir.to_string_lossy().to_string(),
    )]
    .into();
    let settings = RawSettings::merge(&env, SecretSource::None).into_settings();
    let state = AppState::from_settings(settings).await;
    let catalog = state.catalog().expect("catalog");
    for id in 1..=MOVIES {
        catalog.upsert_movie(&movie(id)).await.expect("upsert");
    }
    let user = UserId(uuid::Uuid::now_v7());
    // Access tokens are only accepted for existing accounts.
    let account = NewAccount {
        id: user,
        username: Username::parse("bench_reader").expect("username"),
        email: Email::parse("reader@bench.example.com").expect("email"),
        password_hash: PasswordHash::from_stored("$argon2id$never-logs-in".into()),
        role: Role::User,
    };
    state
        .accounts()
        .expect("accounts")
        .create(
            &account,
            &NewRefreshToken::first(RefreshToken::generate().hash()),
        )
        .await
        .expect("account");
    let reviews = state.reviews().expect("reviews");
    for n in 0..RATINGS {
        // Every tenth movie, ratings 1–10 in turn: 80 liked, 80 disliked, 40 in between.
        let review = NewReview {
            movie_id: MovieId::new(1 + n * 10).expect("id"),
            user_id: user,
            rating: Rating::new(1 + n % 10).expect("rating"),
            title: None,
            body: ReviewBody::parse("Measured.".into()).expect("body"),
            contains_spoilers: false,
        };
        reviews.create_review(&review).await.expect("review");
    }
    let token = state
        .jwt()
        .expect("signing key")
        .issue(user.0, Role::User)
        .expect("token")
        .0;
    let router = movies::router(state.clone());
    (state, router, user, token)
}

async fn get(router: &Router, token: &str) -> usize {
    let request = Request::builder()
        .uri("/me/recommendations")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
        .len()
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let dir = tempfile::tempdir().expect("temp dir");
    let (state, router, user, token) = runtime.block_on(setup(dir.path()));

    let mut group = c.benchmark_group("recommendations_200_ratings");
    group.bench_function("cache_hit", |b| {
        b.to_async(&runtime).iter(|| get(&router, &token));
    });
    group.bench_function("cache_miss", |b| {
        b.to_async(&runtime).iter(|| async {
            state.cache().invalidate_recommendations(user).await;
            get(&router, &token).await
        });
    });
    group.finish();
}

criterion_group!(recommendations, benches);
criterion_main!(recommendations);
