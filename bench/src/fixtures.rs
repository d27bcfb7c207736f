//! The application under test: the production stores of this run, seeded with one movie (the
//! bundled sample's 550, with its people) and a page of reviews by real accounts, served by the
//! movies and the reviews routers on loopback, each on its own port as each function is alone
//! in its Lambda.

use std::collections::HashMap;

use shared::auth::credentials::{Email, Username};
use shared::auth::password::{self, Password};
use shared::auth::refresh::RefreshToken;
use shared::auth::Role;
use shared::config::{keys, RawSettings};
use shared::domain::{MovieId, UserId};
use shared::import::{CatalogSource, SampleSource};
use shared::secrets::SecretSource;
use shared::stores::accounts::{NewAccount, NewRefreshToken};
use shared::stores::reviews::{CreateOutcome, NewReview, Rating, ReviewBody, ReviewTitle};
use shared::AppState;

use crate::config::BenchConfig;
use crate::resources::Resources;
use crate::server::Served;
use crate::Fallible;

/// The movie every measurement reads.
pub const MOVIE: i64 = 550;
/// Reviews on it: more than one page (20), so the first page is a full page and `total` counts.
const REVIEWS: usize = 25;
/// The password of every seeded account (`bench_reader_0` …), for the login invocations.
pub const PASSWORD: &str = "bench-only password 42";
/// The first seeded account's username.
pub const FIRST_READER: &str = "bench_reader_0";
/// A signing key for the bench's own state and the production cold starts (never a real one).
pub const JWT_SECRET: &str = "movieverse-bench-signing-key-not-a-secret-0123456789";

pub struct App {
    pub state: AppState,
    pub movies: Served,
    pub reviews: Served,
    pub movie: MovieId,
    /// A person and a user who exist, for the cold-start invocations.
    pub person_id: i64,
    pub user_id: UserId,
    _data_dir: tempfile::TempDir,
}

impl App {
    pub async fn start(_config: &BenchConfig, resources: &Resources) -> Fallible<Self> {
        let data_dir = tempfile::tempdir()?;
        let state = AppState::from_settings(production_settings(resources, &data_dir, true)).await;
        let movie = MovieId::new(MOVIE).ok_or("bad movie id")?;
        let person_id = seed_catalog(&state, movie).await?;
        let authors = seed_accounts(&state).await?;
        seed_reviews(&state, movie, &authors).await?;
        let movies = crate::server::serve(movies::router(state.clone())).await?;
        let reviews = crate::server::serve(reviews::router(state.clone())).await?;
        let user_id = *authors.first().ok_or("no account was seeded")?;
        Ok(Self {
            state,
            movies,
            reviews,
            movie,
            person_id,
            user_id,
            _data_dir: data_dir,
        })
    }

    pub fn movie_url(&self) -> String {
        format!("http://{}/movies/{}", self.movies.addr, self.movie)
    }

    pub fn reviews_url(&self) -> String {
        format!("http://{}/movies/{}/reviews", self.reviews.addr, self.movie)
    }

    /// The Redis key the movies function caches the answer of `GET /movies/{id}` under.
    pub fn movie_cache_key(&self) -> String {
        self.state.cache().details_key(self.movie, 0)
    }

    pub async fn stop(self) {
        self.movies.stop().await;
        self.reviews.stop().await;
    }
}

/// The settings of a function configured for this run's production stores. Profiles stay
/// embedded (Firebase has no local server), in `data_dir`.
pub fn production_settings(
    resources: &Resources,
    data_dir: &tempfile::TempDir,
    migrate: bool,
) -> shared::config::Settings {
    let env: HashMap<String, String> = production_env(resources, data_dir.path(), migrate)
        .into_iter()
        .collect();
    RawSettings::merge(&env, SecretSource::None).into_settings()
}

/// The same settings as environment variables, for the function processes.
pub fn production_env(
    resources: &Resources,
    data_dir: &std::path::Path,
    migrate: bool,
) -> Vec<(String, String)> {
    let mut env = vec![
        (keys::MONGODB_URI, resources.mongodb_uri.clone()),
        (keys::MONGODB_DATABASE, resources.mongodb_database.clone()),
        (keys::POSTGRES_URL, resources.postgres_url.clone()),
        (keys::MYSQL_URL, resources.mysql_url.clone()),
        (keys::REDIS_URL, resources.redis_url.clone()),
        (keys::REDIS_KEY_PREFIX, resources.redis_prefix.clone()),
        (keys::JWT_SECRET, JWT_SECRET.to_string()),
        (
            keys::MOVIEVERSE_DATA_DIR,
            data_dir.to_string_lossy().into_owned(),
        ),
    ];
    if migrate {
        env.push((keys::MOVIEVERSE_RUN_MIGRATIONS, "true".to_string()));
    }
    env.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
}

/// Stores the sample's movie and its first credited people; returns one of those people.
pub async fn seed_catalog(state: &AppState, movie: MovieId) -> Fallible<i64> {
    let sample = SampleSource::bundled()?;
    let details = sample.movie(movie).await?;
    let catalog = state.catalog()?;
    catalog.upsert_movie(&details).await?;
    let mut first_person = None;
    for cast in details.credits.cast.iter().take(5) {
        let person = sample.person(cast.person_id).await?;
        catalog.upsert_person(&person).await?;
        first_person.get_or_insert(cast.person_id.get());
    }
    first_person.ok_or_else(|| "the sample movie has no cast".into())
}

/// Accounts through the accounts store, as registration makes them (one real argon2id hash,
/// shared: these accounts never log in).
async fn seed_accounts(state: &AppState) -> Fallible<Vec<UserId>> {
    let hash = password::hash(&Password::parse(PASSWORD.into())?)
        .await
        .map_err(|e| format!("hashing: {e:?}"))?;
    let accounts = state.accounts()?;
    let mut ids = Vec::with_capacity(REVIEWS);
    for i in 0..REVIEWS {
        let id = UserId(uuid::Uuid::now_v7());
        let account = NewAccount {
            id,
            username: Username::parse(&format!("bench_reader_{i}"))?,
            email: Email::parse(&format!("reader{i}@bench.example.com"))?,
            password_hash: hash.clone(),
            role: Role::User,
        };
        let token = NewRefreshToken::first(RefreshToken::generate().hash());
        accounts.create(&account, &token).await?;
        ids.push(id);
    }
    Ok(ids)
}

async fn seed_reviews(state: &AppState, movie: MovieId, authors: &[UserId]) -> Fallible<()> {
    let store = state.reviews()?;
    for (i, author) in authors.iter().enumerate() {
        let rating = Rating::new(i64::try_from(i % 10)? + 1).ok_or("bad rating")?;
        let review = NewReview {
            movie_id: movie,
            user_id: *author,
            rating,
            title: Some(ReviewTitle::parse(format!("Review number {i}"))?),
            // About the length of a real review: a few hundred characters.
            body: ReviewBody::parse(
                "A measured, fair review of a film that rewards a second viewing. ".repeat(6),
            )?,
            contains_spoilers: i % 7 == 0,
        };
        match store.create_review(&review).await? {
            CreateOutcome::Created(_) => {}
            CreateOutcome::Duplicate(_) => return Err("a seeded review already existed".into()),
        }
    }
    Ok(())
}
