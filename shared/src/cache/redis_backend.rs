//! Redis cache backend over one lazily-connected `ConnectionManager` per container.

use std::future::Future;
use std::time::Duration;

use bytes::Bytes;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redis::AsyncCommands;

use super::{CacheBackend, CacheError};

/// A cache must answer fast or not at all: past these, reads fall back to the store.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(500);

pub struct RedisCache {
    connection: ConnectionManager,
}

impl RedisCache {
    /// Builds the manager without connecting; the first command connects.
    pub fn new(url: &str) -> Result<Self, CacheError> {
        let client = redis::Client::open(url).map_err(|e| CacheError(e.to_string()))?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1)
            .set_max_delay(Duration::from_millis(200));
        let connection = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| CacheError(e.to_string()))?;
        Ok(Self { connection })
    }
}

fn err(error: redis::RedisError) -> CacheError {
    CacheError(error.to_string())
}

/// Runs a command, and once more if its connection was dropped (a failover, an idle timeout on
/// the server or a NAT): the manager reconnects, and a cut costs no read and no counted hit.
async fn once_more_if_dropped<T, F, Fut>(mut command: F) -> Result<T, CacheError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = redis::RedisResult<T>>,
{
    match command().await {
        Err(error) if error.is_connection_dropped() || error.is_io_error() => {
            tracing::warn!(error = %error, "the Redis connection was dropped; sending again");
            command().await.map_err(err)
        }
        result => result.map_err(err),
    }
}

#[async_trait::async_trait]
impl CacheBackend for RedisCache {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError> {
        let value: Option<Vec<u8>> = once_more_if_dropped(|| {
            let mut conn = self.connection.clone();
            async move { conn.get(key).await }
        })
        .await?;
        Ok(value.map(Bytes::from))
    }

    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError> {
        let millis = u64::try_from(ttl.as_millis()).unwrap_or(u64::MAX).max(1);
        let set = redis::cmd("SET")
            .arg(key)
            .arg(value.as_ref())
            .arg("PX")
            .arg(millis)
            .clone();
        once_more_if_dropped(|| {
            let mut conn = self.connection.clone();
            let set = set.clone();
            async move { set.query_async::<()>(&mut conn).await }
        })
        .await
    }

    async fn delete(&self, keys: &[String]) -> Result<(), CacheError> {
        once_more_if_dropped(|| {
            let mut conn = self.connection.clone();
            async move { conn.del::<_, ()>(keys).await }
        })
        .await
    }

    async fn incr(
        &self,
        key: &str,
        by: i64,
        window: Duration,
    ) -> Result<(i64, Duration), CacheError> {
        let millis = u64::try_from(window.as_millis()).unwrap_or(u64::MAX).max(1);
        // One MULTI round trip: `SET … PX NX` creates the counter with its window only if it is
        // absent (so the window starts at the first hit), then INCRBY counts. Unlike
        // `PEXPIRE … NX` (Redis 7), this works on every Redis this project supports (≥ 6.2).
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("SET")
            .arg(key)
            .arg(0)
            .arg("PX")
            .arg(millis)
            .arg("NX")
            .ignore()
            .incr(key, by)
            .pttl(key);
        let (count, ttl): (i64, i64) = once_more_if_dropped(|| {
            let mut conn = self.connection.clone();
            let pipe = pipe.clone();
            async move { pipe.query_async(&mut conn).await }
        })
        .await?;
        let left = u64::try_from(ttl).unwrap_or(millis);
        Ok((count, Duration::from_millis(left)))
    }

    async fn ping(&self) -> Result<(), CacheError> {
        let mut conn = self.connection.clone();
        redis::cmd("PING")
            .query_async::<String>(&mut conn)
            .await
            .map(|_| ())
            .map_err(err)
    }
}
