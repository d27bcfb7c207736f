//! Cache-aside helpers over Redis (production) or a table of the embedded SQLite file (embedded
//! default). Either way one cache serves every function process, as one Redis serves every
//! Lambda container; the in-process backend is only a fallback for a cache that cannot be built.
//!
//! Values are stored as the exact JSON bytes the API sends, so a cached answer is byte-for-byte
//! the uncached one (and so is its ETag). Keys are `{prefix}v{VERSION}:{kind}:{id}`: bumping
//! [`VERSION`] when a cached shape changes makes every old entry unreachable. The cache is an
//! optimisation only: when it fails, reads go to the store and the failure is logged.

mod counters;
mod keys;
mod memory;
mod redis_backend;
mod sqlite_backend;

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;

pub use counters::key_digest;
pub use keys::{kind, DETAILS_VARIANTS};
pub use memory::MemoryCache;
pub use redis_backend::RedisCache;
pub use sqlite_backend::SqliteCache;

use crate::stores::{Backend, StoreError};

/// Version of every cached shape; part of every key.
pub const VERSION: u32 = 2;

/// How long a value read through Redis is also kept in this container (the near tier). A hot
/// entry (a popular movie under load) is then answered without a network round trip, which
/// `bench/` shows is the larger half of a cached read. The price is bounded: a write made by
/// another container is seen here at most this much later (writes made here drop their near
/// entries at once), and public answers already allow `max-age=60` to clients and CDNs.
pub const NEAR_TTL: Duration = Duration::from_secs(1);
/// Bytes the near tier may hold: small next to a Lambda's memory, large enough for hot keys.
const NEAR_CAPACITY_BYTES: u64 = 16 * 1024 * 1024;

/// How long each kind of entry lives.
pub mod ttl {
    use std::time::Duration;
    pub const DETAILS: Duration = Duration::from_secs(60 * 60);
    /// List and search pages. A review write drops only its movie's own entries, so this is
    /// also how old a rating shown in a list (and the order of top rated) can be. A hot page is
    /// still computed once a minute per cache, not once per request.
    pub const LIST: Duration = Duration::from_secs(60);
    pub const SEARCH: Duration = LIST;
    pub const RECOMMENDATIONS: Duration = Duration::from_secs(60 * 60);
}

#[derive(Debug, thiserror::Error)]
#[error("cache error: {0}")]
pub struct CacheError(pub String);

/// What a cache backend must do. Both adapters pass the same contract tests.
#[async_trait::async_trait]
pub trait CacheBackend: Send + Sync {
    async fn get(&self, key: &str) -> Result<Option<Bytes>, CacheError>;
    async fn set(&self, key: &str, value: Bytes, ttl: Duration) -> Result<(), CacheError>;
    async fn delete(&self, keys: &[String]) -> Result<(), CacheError>;
    /// Adds `by` (negative to give back) to a fixed-window counter that expires `window` after
    /// its first change; returns the new count and the time left in the window.
    async fn incr(
        &self,
        key: &str,
        by: i64,
        window: Duration,
    ) -> Result<(i64, Duration), CacheError>;
    async fn ping(&self) -> Result<(), CacheError>;
}

/// Whether a read may be answered from this container's near tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    NearAllowed,
    SharedOnly,
}

/// Whether an answer came from the cache, for the `X-Cache` header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CacheStatus {
    Hit,
    Miss,
}

impl CacheStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Hit => "hit",
            Self::Miss => "miss",
        }
    }
}

/// The cache as handlers use it: namespaced keys, JSON values, single-flight loads.
#[derive(Clone)]
pub struct Cache {
    backend: Arc<dyn CacheBackend>,
    kind: Backend,
    prefix: Arc<str>,
    /// Loads under way in this container, so a burst of misses for one key reads the store once.
    inflight: moka::future::Cache<String, Bytes>,
    /// Values recently read or loaded through Redis ([`NEAR_TTL`]); `None` for the embedded
    /// backends, which are near already.
    near: Option<moka::future::Cache<String, Bytes>>,
    /// Where rate-limit counters go while the backend fails (see `counters.rs`).
    local_counters: Arc<MemoryCache>,
}

impl Cache {
    pub fn new(backend: Arc<dyn CacheBackend>, kind: Backend, prefix: &str) -> Self {
        Self {
            backend,
            kind,
            prefix: format!("{prefix}v{VERSION}:").into(),
            inflight: moka::future::Cache::builder().max_capacity(10_000).build(),
            near: (kind == Backend::Production).then(|| {
                moka::future::Cache::builder()
                    .weigher(|key: &String, value: &Bytes| {
                        u32::try_from(key.len() + value.len()).unwrap_or(u32::MAX)
                    })
                    .max_capacity(NEAR_CAPACITY_BYTES)
                    .time_to_live(NEAR_TTL)
                    .build()
            }),
            local_counters: Arc::new(MemoryCache::new()),
        }
    }

    /// A cache in this process only: the fallback when neither Redis nor the embedded file can
    /// be used (other functions then do not see its entries, nor their writes).
    pub fn in_memory(prefix: &str) -> Self {
        Self::new(Arc::new(MemoryCache::new()), Backend::Embedded, prefix)
    }

    /// The embedded default's cache: a table of the SQLite file every local function opens.
    pub fn embedded(pool: sqlx::SqlitePool, prefix: &str) -> Self {
        Self::new(Arc::new(SqliteCache::new(pool)), Backend::Embedded, prefix)
    }

    pub fn backend(&self) -> Backend {
        self.kind
    }

    /// The full key for `kind` and `id`, e.g. `mv:v1:movie:550`.
    pub fn key(&self, kind: &str, id: impl std::fmt::Display) -> String {
        format!("{}{kind}:{id}", self.prefix)
    }

    pub async fn ping(&self) -> Result<(), CacheError> {
        self.backend.ping().await
    }

    /// Reads `key`; a cache failure is logged and counts as a miss.
    pub async fn get_raw(&self, key: &str) -> Option<Bytes> {
        match self.backend.get(key).await {
            Ok(value) => value,
            Err(error) => {
                tracing::warn!(key = %key_digest(key), error = %error, "cache read failed; reading the store");
                None
            }
        }
    }

    /// Writes `key`; a cache failure is logged and otherwise ignored.
    pub async fn set_raw(&self, key: &str, value: Bytes, ttl: Duration) {
        self.write(key, value, ttl).await;
    }

    /// [`Self::set_raw`], telling whether the backend took the value.
    async fn write(&self, key: &str, value: Bytes, ttl: Duration) -> bool {
        // The next read in this container must see this write, not an older near copy.
        if let Some(near) = &self.near {
            near.invalidate(key).await;
        }
        match self.backend.set(key, value, ttl).await {
            Ok(()) => true,
            Err(error) => {
                tracing::warn!(key = %key_digest(key), error = %error, "cache write failed");
                false
            }
        }
    }

    /// Removes keys after a write. A failure is logged: entries then expire by their TTL.
    pub async fn invalidate(&self, keys: &[String]) {
        if keys.is_empty() {
            return;
        }
        if let Some(near) = &self.near {
            for key in keys {
                near.invalidate(key).await;
            }
        }
        if let Err(error) = self.backend.delete(keys).await {
            let keys: Vec<String> = keys.iter().map(|key| key_digest(key)).collect();
            tracing::error!(?keys, error = %error, "cache invalidation failed; entries expire by TTL");
        }
    }

    /// Cache-aside for a JSON value: returns the cached bytes, or runs `load`, stores its JSON
    /// and returns it. Concurrent misses for one key in this container share one `load`.
    pub async fn get_or_load_json<T, F, Fut>(
        &self,
        key: &str,
        ttl: Duration,
        load: F,
    ) -> Result<(Bytes, CacheStatus), StoreError>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        self.load_through(key, ttl, Tier::NearAllowed, load).await
    }

    /// [`Self::get_or_load_json`] for an entry that belongs to one user (their recommendations):
    /// never answered from the near tier, whose copy may predate that user's last write made
    /// through another function, so the user always sees their own writes.
    pub async fn get_or_load_own_json<T, F, Fut>(
        &self,
        key: &str,
        ttl: Duration,
        load: F,
    ) -> Result<(Bytes, CacheStatus), StoreError>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        self.load_through(key, ttl, Tier::SharedOnly, load).await
    }

    async fn load_through<T, F, Fut>(
        &self,
        key: &str,
        ttl: Duration,
        tier: Tier,
        load: F,
    ) -> Result<(Bytes, CacheStatus), StoreError>
    where
        T: Serialize,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let near = self.near.as_ref().filter(|_| tier == Tier::NearAllowed);
        if let Some(near) = near {
            if let Some(bytes) = near.get(key).await {
                return Ok((bytes, CacheStatus::Hit));
            }
        }
        if let Some(bytes) = self.get_raw(key).await {
            if near.is_some() {
                self.keep_near(key, &bytes, ttl).await;
            }
            return Ok((bytes, CacheStatus::Hit));
        }
        let loaded = self
            .inflight
            .try_get_with(key.to_string(), async {
                let value = load().await?;
                let bytes = Bytes::from(
                    serde_json::to_vec(&value).map_err(|e| StoreError::Internal(e.to_string()))?,
                );
                // Kept near only once Redis has it: with Redis down, every read stays a miss.
                if self.write(key, bytes.clone(), ttl).await && near.is_some() {
                    self.keep_near(key, &bytes, ttl).await;
                }
                Ok::<_, StoreError>(bytes)
            })
            .await;
        // The in-flight entry is only a meeting point for concurrent loads, never a cache.
        self.inflight.invalidate(key).await;
        loaded
            .map(|bytes| (bytes, CacheStatus::Miss))
            .map_err(|error| (*error).clone())
    }

    /// Keeps a value in the near tier, unless its own TTL is shorter than the near tier's.
    async fn keep_near(&self, key: &str, bytes: &Bytes, ttl: Duration) {
        if let Some(near) = &self.near {
            if ttl >= NEAR_TTL {
                near.insert(key.to_string(), bytes.clone()).await;
            }
        }
    }

    /// Like [`Self::get_or_load_json`], but decodes the value for further use.
    pub async fn get_or_load<T, F, Fut>(
        &self,
        key: &str,
        ttl: Duration,
        load: F,
    ) -> Result<T, StoreError>
    where
        T: Serialize + DeserializeOwned,
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<T, StoreError>>,
    {
        let (bytes, _) = self.get_or_load_json(key, ttl, load).await?;
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Internal(e.to_string()))
    }

    /// Counts one hit in a fixed window of the backend; `None` when the backend is down. (Rate
    /// limits use [`Self::count`], which falls back to this container's counters instead.)
    pub async fn hit(&self, key: &str, window: Duration) -> Option<(i64, Duration)> {
        match self.backend.incr(key, 1, window).await {
            Ok(state) => Some(state),
            Err(error) => {
                tracing::warn!(key = %key_digest(key), error = %error, "cache counter unavailable");
                None
            }
        }
    }
}
