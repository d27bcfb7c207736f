//! Fixed-window rate limits over the cache's counters (Redis in production, in-process locally).

use std::time::Duration;

use axum::http::HeaderMap;

use crate::cache::Cache;
use crate::error::{insert_rate_limit_headers, ApiError, RateLimitState};

/// A limit: `max` hits per `window`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    pub name: &'static str,
    pub max: u64,
    pub window: Duration,
}

impl RateLimit {
    pub const fn new(name: &'static str, max: u64, window: Duration) -> Self {
        Self { name, max, window }
    }

    fn key(&self, cache: &Cache, subject: &str) -> String {
        cache.key("rl", format!("{}:{subject}", self.name))
    }

    /// Counts one hit for `subject` (a user id, an IP, an account). `Err(429)` past the limit.
    /// When the cache is down the hit is allowed: an outage must not lock everybody out.
    pub async fn hit(&self, cache: &Cache, subject: &str) -> Result<RateLimitState, ApiError> {
        let Some((count, left)) = cache.hit(&self.key(cache, subject), self.window).await else {
            return Ok(self.state(0, self.window));
        };
        let state = self.state(count, left);
        if count > self.max {
            Err(ApiError::RateLimited(state))
        } else {
            Ok(state)
        }
    }

    /// Whether `subject` is already over the limit, without counting a hit.
    pub async fn is_exceeded(&self, cache: &Cache, subject: &str) -> Result<(), ApiError> {
        let key = self.key(cache, subject);
        let count = cache
            .get_raw(&key)
            .await
            .and_then(|bytes| std::str::from_utf8(&bytes).ok()?.parse::<u64>().ok())
            .unwrap_or(0);
        if count >= self.max {
            Err(ApiError::RateLimited(self.state(count, self.window)))
        } else {
            Ok(())
        }
    }

    /// Forgets `subject`'s hits (e.g. after a successful login).
    pub async fn reset(&self, cache: &Cache, subject: &str) {
        cache.invalidate(&[self.key(cache, subject)]).await;
    }

    fn state(&self, count: u64, left: Duration) -> RateLimitState {
        RateLimitState {
            limit: self.max,
            remaining: self.max.saturating_sub(count),
            reset_secs: left.as_secs().max(1),
        }
    }
}

/// Headers for a request that was counted but allowed.
pub fn headers(state: &RateLimitState) -> HeaderMap {
    let mut headers = HeaderMap::new();
    insert_rate_limit_headers(&mut headers, state);
    headers
}
