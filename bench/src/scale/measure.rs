//! Timing each route on a cache miss: the function routers (movies, people, reviews) called in
//! process over the generated stores, every cache entry dropped before each request, so each
//! timed request reaches the stores as the first request after an entry expires does.
//!
//! The cache is the embedded default's (`cache_entries` in the catalog's SQLite file): the run
//! has no Redis, so the near tier does not exist and emptying the table is a complete miss. The
//! time includes writing the answer to the cache, as on every real miss.

use std::path::Path;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use axum::Router;
use shared::auth::Role;
use shared::config::{keys, RawSettings};
use shared::secrets::SecretSource;
use shared::AppState;
use sqlx::SqlitePool;
use tower::ServiceExt;

use crate::config::Config;
use crate::plan::{user_id, RATER};
use crate::routes::Route;
use crate::Fallible;

/// A signing key for this run's tokens (never a real one).
const JWT_SECRET: &str = "movieverse-scale-bench-signing-key-not-a-secret-0123456789";

pub struct Sample {
    pub route: Route,
    /// Sorted, fastest first.
    pub times: Vec<Duration>,
    pub bytes: usize,
}

pub struct Apps {
    movies: Router,
    people: Router,
    reviews: Router,
    cache: SqlitePool,
    token: String,
}

impl Apps {
    /// The three routers over the generated stores: embedded catalog, accounts, profiles and
    /// cache in `data_dir`, reviews in the bench's MariaDB database.
    pub async fn start(config: &Config, data_dir: &Path) -> Fallible<Self> {
        let env = [
            (
                keys::MOVIEVERSE_DATA_DIR,
                data_dir.to_string_lossy().into_owned(),
            ),
            (keys::MYSQL_URL, config.mysql_url()?),
            (keys::JWT_SECRET, JWT_SECRET.to_string()),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
        let settings = RawSettings::merge(&env, SecretSource::None).into_settings();
        let state = AppState::from_settings(settings).await;
        state.catalog()?;
        state.reviews()?;
        let (token, _) = state
            .jwt()
            .map_err(|e| format!("token keys: {e:?}"))?
            .issue(user_id(RATER), Role::User)
            .map_err(|e| format!("token: {e:?}"))?;
        Ok(Self {
            movies: movies::router(state.clone()),
            people: people::router(state.clone()),
            reviews: reviews::router(state),
            cache: shared::stores::embedded::open(data_dir).await?,
            token,
        })
    }

    /// The function API Gateway sends `path` to.
    fn router_for(&self, path: &str) -> &Router {
        if path.starts_with("/people") {
            &self.people
        } else if path.starts_with("/users/")
            || path
                .split('?')
                .next()
                .is_some_and(|p| p.ends_with("/reviews"))
        {
            &self.reviews
        } else {
            &self.movies
        }
    }

    /// `warmup` untimed requests, then `requests` timed ones, each after emptying the cache.
    pub async fn measure(&self, route: Route, warmup: usize, requests: usize) -> Fallible<Sample> {
        let mut times = Vec::with_capacity(requests);
        let mut bytes = 0;
        for n in 0..warmup + requests {
            sqlx::query("DELETE FROM cache_entries")
                .execute(&self.cache)
                .await?;
            let started = Instant::now();
            let (status, cache, body) = self.get(&route).await?;
            let elapsed = started.elapsed();
            if status != StatusCode::OK {
                let text = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
                return Err(format!("{} answered {status}: {text}", route.path).into());
            }
            if cache.as_deref() == Some("hit") {
                return Err(format!("{} was answered from the cache", route.path).into());
            }
            bytes = body.len();
            if n >= warmup {
                times.push(elapsed);
            }
        }
        times.sort();
        Ok(Sample {
            route,
            times,
            bytes,
        })
    }

    async fn get(&self, route: &Route) -> Fallible<(StatusCode, Option<String>, bytes::Bytes)> {
        let mut request = Request::get(route.path.as_str());
        if route.signed_in {
            request = request.header(header::AUTHORIZATION, format!("Bearer {}", self.token));
        }
        let response = self
            .router_for(&route.path)
            .clone()
            .oneshot(request.body(Body::empty())?)
            .await?;
        let status = response.status();
        let cache = response
            .headers()
            .get("x-cache")
            .and_then(|v| v.to_str().ok())
            .map(str::to_string);
        let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
        Ok((status, cache, body))
    }
}
