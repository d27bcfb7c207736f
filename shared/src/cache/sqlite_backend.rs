//! Cache backend over a table of the embedded SQLite file, used when `REDIS_URL` is absent.
//!
//! Every function process of one data dir opens the same file, so they share one cache exactly
//! as Lambda containers share Redis: an entry deleted by one process is gone for all of them on
//! their next read (no staleness window), and rate-limit counters count across processes. A read
//! is one primary-key lookup on a local file, close to what Redis costs over loopback.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use sqlx::{QueryBuilder, SqlitePool};

use super::{CacheBackend, CacheError};

/// Expired rows are removed by every this-many writes of a process (reads already skip them).
const PURGE_EVERY_WRITES: u32 = 512;

pub struct SqliteCache {
    pool: SqlitePool,
    writes: AtomicU32,
}

impl SqliteCache {
    /// A cache over the embedded database (already migrated by [`crate::stores::embedded::open`]).
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            writes: AtomicU32::new(0),
        }
    }

    /// Deletes expired rows now and then, so the file does not grow with dead entries.
    async fn purge_now_and_then(&self) -> Result<(), CacheError> {
        if !self
            .writes
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(PURGE_EVERY_WRITES)
        {
            return Ok(());
        }
        sqlx::query("DELETE FROM cache_entries WHERE expires_at <= ?1")
            .bind(now_ms())
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(err)
    }
}

fn err(error: sqlx::Error) -> CacheError {
    CacheError(error.to_string())
}

/// Wall-clock milliseconds: expiry times are compared across processes.
fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn ms(duration: Duration) -> i64 {
    i64::try_from(duration.as_millis())
        .unwrap_or(i64::MAX)
        .max(1)
}

#[async_trait::async_trait]
impl CacheBackend for SqliteCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let value: Option<Vec<u8>> = sqlx::query_scalar(
            "SELECT CAST(value AS BLOB) FROM cache_entries WHERE key = ?1 AND expires_at > ?2",
        )
        .bind(key)
        .bind(now_ms())
        .fetch_optional(&self.pool)
        .await
        .map_err(err)?;
        Ok(value.map(Bytes::from))
    }

    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        sqlx::query(
            "INSERT INTO cache_entries (key, value, expires_at) VALUES (?1, ?2, ?3) \
             ON CONFLICT (key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
        )
        .bind(key)
        .bind(value.as_ref())
        .bind(now_ms().saturating_add(ms(ttl)))
        .execute(&self.pool)
        .await
        .map_err(err)?;
        self.purge_now_and_then().await
    }

    async fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        if keys.is_empty() {
            return Ok(());
        }
        let mut query = QueryBuilder::new("DELETE FROM cache_entries WHERE key IN (");
        let mut list = query.separated(", ");
        for key in keys {
            list.push_bind(key);
        }
        query.push(")");
        query
            .build()
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(err)
    }

    async fn incr(
        &self,
        key: &str,
        by: i64,
        window: Duration,
    ) -> Result<(i64, Duration), CacheError> {
        let now = now_ms();
        // One statement, so concurrent processes count exactly (SQLite serialises writers). In
        // an UPDATE every expression reads the row as it was, so both CASEs see the old expiry.
        let (count, expires_at): (String, i64) = sqlx::query_as(
            "INSERT INTO cache_entries (key, value, expires_at) \
               VALUES (?1, CAST(?4 AS TEXT), ?2 + ?3) \
             ON CONFLICT (key) DO UPDATE SET \
               value = CASE WHEN cache_entries.expires_at > ?2 \
                 THEN CAST(CAST(CAST(cache_entries.value AS TEXT) AS INTEGER) + ?4 AS TEXT) \
                 ELSE CAST(?4 AS TEXT) END, \
               expires_at = CASE WHEN cache_entries.expires_at > ?2 \
                 THEN cache_entries.expires_at ELSE ?2 + ?3 END \
             RETURNING CAST(value AS TEXT), expires_at",
        )
        .bind(key)
        .bind(now)
        .bind(ms(window))
        .bind(by)
        .fetch_one(&self.pool)
        .await
        .map_err(err)?;
        let count = count.parse().map_err(|_| {
            CacheError(format!(
                "counter {} holds no number",
                super::key_digest(key)
            ))
        })?;
        let left = u64::try_from(expires_at.saturating_sub(now)).unwrap_or(0);
        Ok((count, Duration::from_millis(left)))
    }

    async fn ping(&self) -> Result<(), CacheError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(err)
    }
}
