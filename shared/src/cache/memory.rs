//! In-process cache backend (moka), used when `REDIS_URL` is absent.

use std::time::{Duration, Instant};

use bytes::Bytes;
use moka::Expiry;

use super::{CacheBackend, CacheError};

#[derive(Clone)]
struct Entry {
    value: Bytes,
    expires_at: Instant,
}

struct PerEntryExpiry;

impl Expiry<String, Entry> for PerEntryExpiry {
    fn expire_after_create(&self, _key: &String, entry: &Entry, now: Instant) -> Option<Duration> {
        Some(entry.expires_at.saturating_duration_since(now))
    }

    fn expire_after_update(
        &self,
        _key: &String,
        entry: &Entry,
        now: Instant,
        _duration_until_expiry: Option<Duration>,
    ) -> Option<Duration> {
        Some(entry.expires_at.saturating_duration_since(now))
    }
}

pub struct MemoryCache {
    entries: moka::future::Cache<String, Entry>,
}

impl MemoryCache {
    pub fn new() -> Self {
        Self {
            entries: moka::future::Cache::builder()
                // Bounded by bytes, not entries: list pages are much larger than counters.
                .weigher(|key: &String, entry: &Entry| {
                    u32::try_from(key.len() + entry.value.len()).unwrap_or(u32::MAX)
                })
                .max_capacity(64 * 1024 * 1024)
                .expire_after(PerEntryExpiry)
                .build(),
        }
    }
}

impl Default for MemoryCache {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait::async_trait]
impl CacheBackend for MemoryCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        Ok(self
            .entries
            .get(key)
            .await
            .filter(|entry| entry.expires_at > Instant::now())
            .map(|entry| entry.value))
    }

    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        let entry = Entry {
            value,
            expires_at: Instant::now() + ttl,
        };
        self.entries.insert(key.to_string(), entry).await;
        Ok(())
    }

    async fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        for key in keys {
            self.entries.invalidate(key).await;
        }
        Ok(())
    }

    async fn incr(
        &self,
        key: &str,
        by: i64,
        window: Duration,
    ) -> Result<(i64, Duration), CacheError> {
        let now = Instant::now();
        let entry = self
            .entries
            .entry(key.to_string())
            .and_upsert_with(|existing| async move {
                match existing.map(|e| e.into_value()) {
                    Some(entry) if entry.expires_at > now => {
                        let count = decode_count(&entry.value).saturating_add(by);
                        Entry {
                            value: Bytes::from(count.to_string()),
                            expires_at: entry.expires_at,
                        }
                    }
                    _ => Entry {
                        value: Bytes::from(by.to_string()),
                        expires_at: now + window,
                    },
                }
            })
            .await
            .into_value();
        Ok((
            decode_count(&entry.value),
            entry.expires_at.saturating_duration_since(now),
        ))
    }

    async fn ping(&self) -> Result<(), CacheError> {
        Ok(())
    }
}

fn decode_count(value: &[u8]) -> i64 {
    std::str::from_utf8(value)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}
