//! `GET /movies/{id}` through the movies router in process, from the cache and from the store,
//! and discover with two filters, over an embedded catalog of 2000 movies.

use std::collections::HashMap;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use criterion::{criterion_group, criterion_main, Criterion};
use serde_json::json;
use shared::config::{keys, RawSettings};
use shared::domain::{Movie, MovieId};
use shared::secrets::SecretSource;
use shared::AppState;
use tower::ServiceExt;

const MOVIES: i64 = 2000;
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
    serde_json::from_value(json!({
        "id": id, "title": format!("Benchmark Movie {id}"), "original_title": null,
        "overview": "A film used to measure the API.", "tagline": null,
        "release_date": format!("{}-06-01", 1950 + id % 75), "runtime": 100 + id % 60,
        "genres": genres, "original_language": "en", "spoken_languages": ["en"],
        "production_countries": ["US"], "production_companies": ["Bench Pictures"],
        "poster_path": format!("/p{id}.jpg"), "backdrop_path": null,
        "popularity": (id * 37 % 1000) as f64 / 10.0, "vote_average": (id % 100) as f64 / 10.0,
        "vote_count": id * 13 % 5000, "imdb_id": null,
        "keywords": [{"id": id % 50, "name": "kw"}],
        "credits": {"cast": cast, "crew": []}, "source": "tmdb",
        "updated_at": "2026-01-01T00:00:00Z", "rating": {"average": 0.0, "count": 0}
    }))
    .expect("bench movie")
}

async fn setup(data_dir: &std::path::Path) -> (AppState, Router) {
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
    let router = movies::router(state.clone());
    (state, router)
}

async fn get(router: &Router, path: &str) -> usize {
    let request = Request::builder()
        .uri(path)
        .body(Body::empty())
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK, "{path}");
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
    let (state, router) = runtime.block_on(setup(dir.path()));
    let id = MovieId::new(1234).expect("id");
    let path = "/movies/1234?append=credits,keywords,rating";

    let mut group = c.benchmark_group("get_movie");
    group.bench_function("cache_hit", |b| {
        b.to_async(&runtime).iter(|| get(&router, path));
    });
    group.bench_function("cache_miss", |b| {
        b.to_async(&runtime).iter(|| async {
            state
                .cache()
                .invalidate(&[state.cache().movie_key(id)])
                .await;
            get(&router, path).await
        });
    });
    group.finish();

    let discover = "/movies?genres=28%7C35&min_rating=5&page_size=20";
    let mut group = c.benchmark_group("discover_two_filters");
    group.bench_function("cache_hit", |b| {
        b.to_async(&runtime).iter(|| get(&router, discover));
    });
    group.bench_function("cache_miss", |b| {
        b.to_async(&runtime).iter(|| async {
            state.cache().invalidate_lists().await;
            get(&router, discover).await
        });
    });
    group.finish();
}

criterion_group!(catalog, benches);
criterion_main!(catalog);
