//! Load benchmark of the two hot review routes against MariaDB: the first page of a movie's
//! reviews, and creating a review (transaction + aggregate + catalog copy + cache follow-up).
//!
//! Needs the MariaDB test server: `MV_TEST_MYSQL_URL=mysql://root@127.0.0.1:3306/mysql
//! cargo bench -p reviews`. A fresh database is created and dropped around the run; the catalog
//! and the cache are embedded/in-process so the figures are those of the reviews path.

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use criterion::{criterion_group, criterion_main, Criterion};
use shared::auth::credentials::{Email, Username};
use shared::auth::password::PasswordHash;
use shared::auth::refresh::RefreshToken;
use shared::auth::Role;
use shared::config::{keys, RawSettings};
use shared::domain::{Credits, Movie, MovieId, MovieSource, RatingSummary, UserId};
use shared::secrets::SecretSource;
use shared::stores::accounts::{NewAccount, NewRefreshToken};
use shared::AppState;
use tower::ServiceExt;
use uuid::Uuid;

const MOVIE: i64 = 550;
/// Reviews already on the movie when the read benchmark runs.
const SEEDED: usize = 1_000;

fn movie() -> Movie {
    Movie {
        id: MovieId::new(MOVIE).expect("positive"),
        title: "Bench".into(),
        original_title: None,
        overview: None,
        tagline: None,
        release_date: None,
        runtime: None,
        genres: Vec::new(),
        original_language: None,
        spoken_languages: Vec::new(),
        production_countries: Vec::new(),
        production_companies: Vec::new(),
        poster_path: None,
        backdrop_path: None,
        popularity: 1.0,
        vote_average: 0.0,
        vote_count: 0,
        imdb_id: None,
        wikidata_id: None,
        keywords: Vec::new(),
        credits: Credits::default(),
        source: MovieSource::Tmdb,
        updated_at: chrono::Utc::now(),
        rating: RatingSummary::default(),
        awards: Vec::new(),
    }
}

fn request(method: Method, path: &str, token: Option<&str>, body: Option<String>) -> Request<Body> {
    let mut builder = Request::builder().method(method).uri(path);
    if let Some(token) = token {
        builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    match body {
        Some(json) => builder
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(json)),
        None => builder.body(Body::empty()),
    }
    .expect("request")
}

struct Setup {
    state: AppState,
    router: axum::Router,
    admin_url: String,
    database: String,
    _data_dir: tempfile::TempDir,
}

async fn setup() -> Option<Setup> {
    let admin_url = std::env::var("MV_TEST_MYSQL_URL").ok()?;
    let database = format!("mvb_{}", Uuid::new_v4().simple());
    let admin = sqlx::MySqlPool::connect(&admin_url).await.ok()?;
    sqlx::query(&format!(
        "CREATE DATABASE {database} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
    ))
    .execute(&admin)
    .await
    .ok()?;
    let mut url = url::Url::parse(&admin_url).ok()?;
    url.set_path(&format!("/{database}"));
    let data_dir = tempfile::tempdir().ok()?;
    let env = [
        (
            keys::MOVIEVERSE_DATA_DIR,
            data_dir.path().to_string_lossy().to_string(),
        ),
        (keys::MOVIEVERSE_RUN_MIGRATIONS, "true".to_string()),
        (keys::MYSQL_URL, url.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect();
    let settings = RawSettings::merge(&env, SecretSource::None).into_settings();
    let state = AppState::from_settings(settings).await;
    state.catalog().ok()?.upsert_movie(&movie()).await.ok()?;
    let router = reviews::router(state.clone());
    Some(Setup {
        state,
        router,
        admin_url,
        database,
        _data_dir: data_dir,
    })
}

/// An access token of a new account (made in the store, as registration would; access tokens
/// are only accepted for existing accounts), made outside the timed part.
async fn author(setup: &Setup) -> String {
    let id = Uuid::now_v7();
    let name = format!("b{}", &id.simple().to_string()[20..]);
    let account = NewAccount {
        id: UserId(id),
        username: Username::parse(&name).expect("username"),
        email: Email::parse(&format!("{name}@bench.example.com")).expect("email"),
        password_hash: PasswordHash::from_stored("$argon2id$never-logs-in".into()),
        role: Role::User,
    };
    setup
        .state
        .accounts()
        .expect("accounts")
        .create(
            &account,
            &NewRefreshToken::first(RefreshToken::generate().hash()),
        )
        .await
        .expect("account");
    setup
        .state
        .jwt()
        .expect("keys")
        .issue(id, Role::User)
        .expect("token")
        .0
}

async fn create(setup: &Setup, token: &str, rating: usize) -> StatusCode {
    let body = format!(
        r#"{{"rating": {}, "body": "A benchmark review with some text."}}"#,
        rating % 10 + 1
    );
    setup
        .router
        .clone()
        .oneshot(request(
            Method::POST,
            &format!("/movies/{MOVIE}/reviews"),
            Some(token),
            Some(body),
        ))
        .await
        .map(|r| r.status())
        .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
}

/// The body of a GET that must answer 200.
async fn get(setup: &Setup, path: &str) -> axum::body::Bytes {
    let response = setup
        .router
        .clone()
        .oneshot(request(Method::GET, path, None, None))
        .await
        .expect("answer");
    assert_eq!(response.status(), StatusCode::OK);
    axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .expect("body")
}

fn benches(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    let Some(setup) = runtime.block_on(setup()) else {
        eprintln!("SKIPPED: MV_TEST_MYSQL_URL is not set or MariaDB is unreachable");
        return;
    };
    runtime.block_on(async {
        for i in 0..SEEDED {
            let token = author(&setup).await;
            assert_eq!(create(&setup, &token, i).await, StatusCode::CREATED);
        }
    });

    // The last page of 20, by number (an offset past 980 reviews) and by the cursor of the page
    // before it (a range of the index starting there).
    let last_page = format!("/movies/{MOVIE}/reviews?page={}", SEEDED / 20);
    let before_last = format!("/movies/{MOVIE}/reviews?page={}", SEEDED / 20 - 1);
    let cursor = runtime.block_on(async {
        let page = get(&setup, &before_last).await;
        let page: serde_json::Value = serde_json::from_slice(&page).expect("json");
        page["next_cursor"]
            .as_str()
            .expect("a next page")
            .to_string()
    });
    let by_cursor = format!("/movies/{MOVIE}/reviews?cursor={cursor}");

    let mut group = c.benchmark_group("reviews_mariadb");
    group.measurement_time(Duration::from_secs(10));
    for (name, path) in [
        (
            "GET /movies/{id}/reviews first page",
            format!("/movies/{MOVIE}/reviews"),
        ),
        ("GET /movies/{id}/reviews last page by number", last_page),
        ("GET /movies/{id}/reviews last page by cursor", by_cursor),
    ] {
        group.bench_function(name, |b| {
            b.to_async(&runtime).iter(|| get(&setup, &path));
        });
    }
    group.bench_function("POST /movies/{id}/reviews", |b| {
        b.to_async(&runtime).iter_custom(|iterations| {
            let setup = &setup;
            async move {
                let mut tokens = Vec::new();
                for _ in 0..iterations {
                    tokens.push(author(setup).await);
                }
                let start = Instant::now();
                for (i, token) in tokens.iter().enumerate() {
                    let status = create(setup, token, i).await;
                    assert_eq!(status, StatusCode::CREATED);
                }
                start.elapsed()
            }
        });
    });
    group.finish();

    runtime.block_on(async {
        if let Ok(admin) = sqlx::MySqlPool::connect(&setup.admin_url).await {
            let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {}", setup.database))
                .execute(&admin)
                .await;
        }
    });
}

criterion_group!(reviews_benches, benches);
criterion_main!(reviews_benches);
