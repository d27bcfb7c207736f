//! Rate-limit counters, which must keep counting when the shared backend fails.
//!
//! Cached values may simply be missed during an outage, but a limit that protects credentials
//! must not switch off because Redis is unreachable (an attacker who can slow Redis down would
//! get unlimited guesses). While the backend fails, counters live in this container's memory:
//! each container then enforces the limit on its own, which is weaker than a shared count but
//! never open. Keys are logged as a digest, never as they are: they can hold an address or the
//! text typed as a login.

use std::time::Duration;

use bytes::Bytes;
use sha2::{Digest, Sha256};

use super::{Cache, CacheBackend, CacheError};

/// A short, stable digest of a cache key for log lines (and for keys built from personal data).
pub fn key_digest(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    hex::encode(&digest[..8])
}

impl Cache {
    /// Adds `by` to the counter `key` (a window of `window` from its first change); returns the
    /// new count and the time left.
    pub async fn count(&self, key: &str, by: i64, window: Duration) -> (i64, Duration) {
        match self.backend.incr(key, by, window).await {
            Ok(state) => state,
            Err(error) => {
                self.fell_back(key, &error);
                // The in-memory backend never fails; `(by, window)` is what a new counter holds.
                self.local_counters
                    .incr(key, by, window)
                    .await
                    .unwrap_or((by, window))
            }
        }
    }

    /// The number stored at `key` (0 when absent).
    pub async fn counter(&self, key: &str) -> i64 {
        let stored = match self.backend.get(key).await {
            Ok(value) => value,
            Err(error) => {
                self.fell_back(key, &error);
                self.local_counters.get(key).await.ok().flatten()
            }
        };
        stored
            .and_then(|bytes| std::str::from_utf8(&bytes).ok()?.parse().ok())
            .unwrap_or(0)
    }

    /// Stores `value` at `key` for `ttl`.
    pub async fn set_counter(&self, key: &str, value: i64, ttl: Duration) {
        let bytes = Bytes::from(value.to_string());
        if let Err(error) = self.backend.set(key, bytes.clone(), ttl).await {
            self.fell_back(key, &error);
            // Infallible backend (see `count`).
            let _ = self.local_counters.set(key, bytes, ttl).await;
        }
    }

    /// Forgets `keys`, wherever they are.
    pub async fn clear_counters(&self, keys: &[String]) {
        if let Err(error) = self.backend.delete(keys).await {
            tracing::warn!(error = %error, "rate-limit counters could not be cleared in the cache");
        }
        // Whatever was counted here during an outage goes too.
        let _ = self.local_counters.delete(keys).await;
    }

    fn fell_back(&self, key: &str, error: &CacheError) {
        tracing::warn!(
            key = %key_digest(key),
            error = %error,
            "rate-limit counter unavailable in the cache; counting in this container"
        );
    }
}
