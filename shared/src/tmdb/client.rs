//! The TMDB v3 HTTP client: authentication, pacing, retries and decoding.

use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::header::{HeaderMap, RETRY_AFTER};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;

use super::pace::Pacer;
use super::types::{GenreList, MovieDetails, MoviePage, PersonDetails};
use crate::config::{TmdbAuth, TmdbSettings};
use crate::domain::{MovieId, PersonId};

/// One TMDB request that did not produce a body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TmdbError {
    /// `429`: `retry_after` is what TMDB asked for (capped), if it said.
    #[error("rate limited by TMDB")]
    RateLimited { retry_after: Option<Duration> },
    #[error("TMDB answered {0}")]
    Server(u16),
    /// Connection failures and timeouts. The text never holds the URL (it may carry the key).
    #[error("TMDB could not be reached: {0}")]
    Transport(String),
    #[error("TMDB has no such {0}")]
    NotFound(&'static str),
    #[error("TMDB refused the credentials (check TMDB_API_TOKEN / TMDB_API_KEY)")]
    Unauthorized,
    #[error("TMDB answered {0}")]
    Client(u16),
    #[error("TMDB sent a body that is not the expected JSON: {0}")]
    Decode(String),
}

impl TmdbError {
    /// Worth another attempt: rate limits, server errors and network trouble.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Server(_) | Self::Transport(_)
        )
    }
}

/// Which list of movies to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MovieList {
    Popular,
    TopRated,
    NowPlaying,
    TrendingWeek,
}

impl MovieList {
    fn path(self) -> &'static str {
        match self {
            Self::Popular => "/movie/popular",
            Self::TopRated => "/movie/top_rated",
            Self::NowPlaying => "/movie/now_playing",
            Self::TrendingWeek => "/trending/movie/week",
        }
    }
}

/// How politely and how persistently to call TMDB.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Request starts per second, across the whole run (TMDB allows about 40).
    pub requests_per_second: u32,
    /// Retries after the first attempt of one request.
    pub max_retries: usize,
    /// First backoff delay; it doubles per retry up to `max_backoff`, with jitter.
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a longer one is cut to this.
    pub max_retry_after: Duration,
}

impl Default for ClientOptions {
    fn default() -> Self {
        Self {
            requests_per_second: 20,
            max_retries: 4,
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

#[derive(Clone)]
pub struct TmdbClient {
    http: reqwest::Client,
    settings: TmdbSettings,
    options: Arc<ClientOptions>,
    pacer: Arc<Pacer>,
}

impl TmdbClient {
    /// `http` is the container's shared client (its timeouts bound every attempt).
    pub fn new(http: reqwest::Client, settings: TmdbSettings, options: ClientOptions) -> Self {
        Self {
            pacer: Arc::new(Pacer::new(options.requests_per_second)),
            http,
            settings,
            options: Arc::new(options),
        }
    }

    pub async fn genres(&self) -> Result<GenreList, TmdbError> {
        self.get("/genre/movie/list", &[], "genre list").await
    }

    pub async fn movie_page(&self, list: MovieList, page: u32) -> Result<MoviePage, TmdbError> {
        self.get(list.path(), &[("page", page.to_string())], "page")
            .await
    }

    pub async fn movie(&self, id: MovieId) -> Result<MovieDetails, TmdbError> {
        let append = ("append_to_response", "credits,keywords,external_ids".into());
        self.get(&format!("/movie/{id}"), &[append], "movie").await
    }

    pub async fn person(&self, id: PersonId) -> Result<PersonDetails, TmdbError> {
        let append = ("append_to_response", "movie_credits".into());
        self.get(&format!("/person/{id}"), &[append], "person")
            .await
    }

    /// One GET with retries: transient failures back off exponentially with jitter, and a `429`
    /// waits for its `Retry-After` instead.
    async fn get<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &'static str,
    ) -> Result<T, TmdbError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.options.min_backoff)
            .with_max_delay(self.options.max_backoff)
            .with_max_times(self.options.max_retries)
            .with_jitter();
        (|| self.attempt(path, query, what))
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(TmdbError::is_transient)
            .adjust(|error, delay| match error {
                // Only while retries remain (`delay` is None once they are spent).
                TmdbError::RateLimited {
                    retry_after: Some(wait),
                } => delay.map(|_| *wait),
                _ => delay,
            })
            .notify(|error, delay| {
                tracing::warn!(path, error = %error, ?delay, "TMDB request failed; retrying");
            })
            .await
    }

    async fn attempt<T: DeserializeOwned>(
        &self,
        path: &str,
        query: &[(&str, String)],
        what: &'static str,
    ) -> Result<T, TmdbError> {
        self.pacer.wait().await;
        let url = format!(
            "{}{path}",
            self.settings.base_url.as_str().trim_end_matches('/')
        );
        let mut request = self.http.get(url).query(query);
        request = match &self.settings.auth {
            TmdbAuth::ReadToken(token) => request.bearer_auth(token.expose()),
            TmdbAuth::ApiKey(key) => request.query(&[("api_key", key.expose())]),
        };
        let response = request.send().await.map_err(transport)?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after =
                retry_after(response.headers()).map(|d| d.min(self.options.max_retry_after));
            if let Some(wait) = retry_after {
                self.pacer.pause(wait).await;
            }
            return Err(TmdbError::RateLimited { retry_after });
        }
        if status.is_server_error() {
            return Err(TmdbError::Server(status.as_u16()));
        }
        match status {
            StatusCode::NOT_FOUND => return Err(TmdbError::NotFound(what)),
            StatusCode::UNAUTHORIZED => return Err(TmdbError::Unauthorized),
            s if !s.is_success() => return Err(TmdbError::Client(s.as_u16())),
            _ => {}
        }
        let body = response.bytes().await.map_err(transport)?;
        let mut deserializer = serde_json::Deserializer::from_slice(&body);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| TmdbError::Decode(format!("{} at {}", e.inner(), e.path())))
    }
}

/// reqwest errors print the URL, and with a v3 key the URL holds the key: drop it.
fn transport(error: reqwest::Error) -> TmdbError {
    TmdbError::Transport(error.without_url().to_string())
}

/// `Retry-After` as seconds or as an HTTP date.
pub(crate) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = chrono::DateTime::parse_from_rfc2822(value).ok()?;
    let wait = at.with_timezone(&chrono::Utc) - chrono::Utc::now();
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(RETRY_AFTER, HeaderValue::from_static("3"));
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(3)));
        headers.insert(
            RETRY_AFTER,
            HeaderValue::from_static("Wed, 21 Oct 2015 07:28:00 GMT"),
        );
        assert_eq!(retry_after(&headers), Some(Duration::ZERO));
        headers.insert(RETRY_AFTER, HeaderValue::from_static("soon"));
        assert_eq!(retry_after(&headers), None);
    }
}
