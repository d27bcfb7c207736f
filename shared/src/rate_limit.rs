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

    /// Counts one hit for `subject` (a user id, an address). `Err(429)` past the limit. When the
    /// shared cache is down, this container counts on its own (`Cache::count`).
    pub async fn hit(&self, cache: &Cache, subject: &str) -> Result<RateLimitState, ApiError> {
        let (count, left) = cache.count(&self.key(cache, subject), 1, self.window).await;
        let count = u64::try_from(count).unwrap_or(0);
        let state = self.state(count, left);
        if count > self.max {
            Err(ApiError::RateLimited(state))
        } else {
            Ok(state)
        }
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
