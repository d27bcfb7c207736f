//! A polite SPARQL client: an identifying `User-Agent` (the service's policy), `Retry-After`
//! honoured on 429, backoff on 5xx and network errors, and a query timeout reported apart so
//! the caller can ask for less at once.

use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use reqwest::StatusCode;

use crate::tmdb::retry_after;

/// The service's media type for results.
const SPARQL_RESULTS: &str = "application/sparql-results+json";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SparqlError {
    #[error("rate limited by the SPARQL endpoint")]
    RateLimited { retry_after: Option<Duration> },
    /// The query ran out of time (here, or the service's own limit): ask for less.
    #[error("the SPARQL query timed out")]
    Timeout,
    #[error("the SPARQL endpoint answered {0}")]
    Server(u16),
    #[error("the SPARQL endpoint could not be reached: {0}")]
    Transport(String),
    #[error("the SPARQL endpoint refused the query ({0})")]
    Client(u16),
    #[error("the SPARQL endpoint sent results that are not SPARQL JSON: {0}")]
    Decode(String),
}

impl SparqlError {
    fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::RateLimited { .. } | Self::Server(_) | Self::Transport(_)
        )
    }
}

#[derive(Debug, Clone)]
pub struct SparqlOptions {
    /// How long one query may take before it counts as a timeout (the public service stops
    /// queries at 60 s).
    pub query_timeout: Duration,
    pub max_retries: usize,
    pub min_backoff: Duration,
    pub max_backoff: Duration,
    /// A longer `Retry-After` is cut to this.
    pub max_retry_after: Duration,
}

impl Default for SparqlOptions {
    fn default() -> Self {
        Self {
            query_timeout: Duration::from_secs(55),
            max_retries: 4,
            min_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(30),
            max_retry_after: Duration::from_secs(60),
        }
    }
}

#[derive(Clone)]
pub struct SparqlClient {
    http: reqwest::Client,
    endpoint: url::Url,
    options: SparqlOptions,
}

/// Who is asking, as the Wikidata User-Agent policy wants it said.
pub const USER_AGENT: &str = concat!(
    "MovieVerse/",
    env!("CARGO_PKG_VERSION"),
    " (awards import; https://github.com/movieverse/movieverse) reqwest"
);

impl SparqlClient {
    pub fn new(http: reqwest::Client, endpoint: url::Url, options: SparqlOptions) -> Self {
        Self {
            http,
            endpoint,
            options,
        }
    }

    /// Runs `query`, retrying what is worth retrying; the raw results body.
    pub async fn select(&self, query: &str) -> Result<bytes::Bytes, SparqlError> {
        let backoff = ExponentialBuilder::default()
            .with_min_delay(self.options.min_backoff)
            .with_max_delay(self.options.max_backoff)
            .with_max_times(self.options.max_retries)
            .with_jitter();
        (|| self.attempt(query))
            .retry(backoff)
            .sleep(tokio::time::sleep)
            .when(SparqlError::is_transient)
            .adjust(|error, delay| match error {
                SparqlError::RateLimited {
                    retry_after: Some(wait),
                } => delay.map(|_| *wait),
                _ => delay,
            })
            .notify(|error, delay| {
                tracing::warn!(error = %error, ?delay, "SPARQL query failed; retrying");
            })
            .await
    }

    async fn attempt(&self, query: &str) -> Result<bytes::Bytes, SparqlError> {
        // POST: a batch of a few hundred ids is too long for a URL.
        let form = serde_urlencoded::to_string([("query", query)])
            .map_err(|e| SparqlError::Transport(e.to_string()))?;
        let response = self
            .http
            .post(self.endpoint.clone())
            .header(reqwest::header::ACCEPT, SPARQL_RESULTS)
            .header(reqwest::header::USER_AGENT, USER_AGENT)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form)
            .timeout(self.options.query_timeout)
            .send()
            .await
            .map_err(transport)?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after =
                retry_after(response.headers()).map(|d| d.min(self.options.max_retry_after));
            return Err(SparqlError::RateLimited { retry_after });
        }
        if !status.is_success() {
            let body = response.text().await.unwrap_or_default();
            // The public service reports its own time limit as a 500 naming the Java exception.
            if status == StatusCode::GATEWAY_TIMEOUT || body.contains("TimeoutException") {
                return Err(SparqlError::Timeout);
            }
            return Err(if status.is_server_error() {
                SparqlError::Server(status.as_u16())
            } else {
                SparqlError::Client(status.as_u16())
            });
        }
        response.bytes().await.map_err(transport)
    }
}

fn transport(error: reqwest::Error) -> SparqlError {
    if error.is_timeout() {
        SparqlError::Timeout
    } else {
        SparqlError::Transport(error.without_url().to_string())
    }
}
