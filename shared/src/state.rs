//! The state every handler shares: settings, stores, cache, signing keys and the HTTP client.
//!
//! Built once per container (in `main`, before the first invocation) and cloned cheaply into each
//! request. Building never fails and never waits on a network: pools are lazy, so an unreachable
//! store at start-up only makes the requests that need it answer 503.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use sqlx::mysql::MySqlPoolOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::SqlitePool;

use crate::auth::{JwtKeys, Role};
use crate::cache::{Cache, RedisCache};
use crate::config::{Settings, StoreSetting};
use crate::error::ApiError;
use crate::stores::{
    accounts, catalog, embedded, profiles, reviews, AccountStore, Backend, CatalogStore,
    ProfileStore, ReviewStore, StoreError, StoreSlot,
};

/// Lambda runs one request at a time per instance: two connections cover a request that
/// overlaps two queries, and keep the database's connection count low across many instances.
const POOL_MAX_CONNECTIONS: u32 = 2;
/// A request waits at most this long for a connection before answering 503.
const POOL_ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);
/// Connections idle past this are closed, so a frozen container holds none for long.
const POOL_IDLE_TIMEOUT: Duration = Duration::from_secs(60);
/// A pooled connection unused for this long is pinged before it is handed out, and replaced if
/// the ping fails: Lambda freezes a container between invocations, and a connection may have
/// been closed meanwhile (a server timeout, a failover, a NAT). One used moments ago is handed
/// out as it is: sqlx's default pings on every acquire, which cost each statement of a request
/// a round trip (three of the five on a reviews page, in the load run).
pub const PING_IF_IDLE_FOR: Duration = Duration::from_secs(5);

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    settings: Settings,
    catalog: StoreSlot<dyn CatalogStore>,
    accounts: StoreSlot<dyn AccountStore>,
    reviews: StoreSlot<dyn ReviewStore>,
    profiles: StoreSlot<dyn ProfileStore>,
    cache: Cache,
    jwt: Result<JwtKeys, String>,
    /// Built on first use: it loads the system's root certificates, a fifth of a start's time,
    /// and the embedded default never makes an outbound call.
    http: OnceLock<reqwest::Client>,
}

impl AppState {
    /// Reads the settings of this container and builds the state from them.
    pub async fn init() -> Self {
        let state = Self::from_settings(crate::config::load().await).await;
        // First start of the embedded default: an empty catalog gets the bundled sample. Here
        // and not in `from_settings`, so tests build states over an empty catalog.
        crate::import::seed_sample_if_empty(&state).await;
        // What that fill leaves for later (the search tables) is built while the first request
        // is answered, on its own connection; a search that comes first waits for it.
        let deferred = state.clone();
        tokio::spawn(async move {
            if let Ok(catalog) = deferred.catalog() {
                if let Err(error) = catalog.finish_deferred_work().await {
                    tracing::warn!(error = %error, "search tables not built yet; the first search will build them");
                }
            }
        });
        state
    }

    pub async fn from_settings(settings: Settings) -> Self {
        let http = OnceLock::new();
        let embedded = if uses_embedded(&settings) {
            Some(
                embedded::open(&settings.data_dir)
                    .await
                    .map_err(|e| e.to_string()),
            )
        } else {
            None
        };
        if let Some(Err(reason)) = &embedded {
            tracing::error!(reason = %reason, "the embedded database could not be opened");
        }
        let embedded_pool = |name: &'static str| -> Result<SqlitePool, StoreSlotError> {
            match &embedded {
                Some(Ok(pool)) => Ok(pool.clone()),
                Some(Err(reason)) => Err(StoreSlotError(name, reason.clone())),
                None => Err(StoreSlotError(name, "no embedded database".into())),
            }
        };

        let catalog: StoreSlot<dyn CatalogStore> = match &settings.catalog {
            StoreSetting::Embedded => slot(embedded_pool("catalog").map(|pool| {
                let store: Arc<dyn CatalogStore> = Arc::new(catalog::EmbeddedCatalog::new(pool));
                (store, Backend::Embedded)
            })),
            StoreSetting::Production(mongo) => match catalog::MongoCatalog::connect(mongo).await {
                Ok(store) => StoreSlot::ready(Arc::new(store), Backend::Production),
                Err(error) => unavailable("catalog", error.to_string()),
            },
            StoreSetting::Invalid { key, reason } => invalid("catalog", key, reason),
        };

        let accounts: StoreSlot<dyn AccountStore> = match &settings.accounts {
            StoreSetting::Embedded => slot(embedded_pool("accounts").map(|pool| {
                let store: Arc<dyn AccountStore> = Arc::new(accounts::EmbeddedAccounts::new(pool));
                (store, Backend::Embedded)
            })),
            StoreSetting::Production(url) => match pg_pool(url.expose()) {
                Ok(pool) => {
                    if settings.run_migrations {
                        run_logged("accounts", crate::migrate::postgres(&pool)).await;
                    }
                    StoreSlot::ready(
                        Arc::new(accounts::PostgresAccounts::new(pool)),
                        Backend::Production,
                    )
                }
                Err(reason) => unavailable("accounts", reason),
            },
            StoreSetting::Invalid { key, reason } => invalid("accounts", key, reason),
        };

        let reviews: StoreSlot<dyn ReviewStore> = match &settings.reviews {
            StoreSetting::Embedded => slot(embedded_pool("reviews").map(|pool| {
                let store: Arc<dyn ReviewStore> = Arc::new(reviews::EmbeddedReviews::new(pool));
                (store, Backend::Embedded)
            })),
            StoreSetting::Production(url) => match mysql_pool(url.expose()) {
                Ok(pool) => {
                    if settings.run_migrations {
                        run_logged("reviews", crate::migrate::mysql(&pool)).await;
                    }
                    StoreSlot::ready(
                        Arc::new(reviews::MySqlReviews::new(pool)),
                        Backend::Production,
                    )
                }
                Err(reason) => unavailable("reviews", reason),
            },
            StoreSetting::Invalid { key, reason } => invalid("reviews", key, reason),
        };

        let profiles: StoreSlot<dyn ProfileStore> = match &settings.profiles {
            StoreSetting::Embedded => slot(embedded_pool("profiles").map(|pool| {
                let store: Arc<dyn ProfileStore> = Arc::new(profiles::EmbeddedProfiles::new(pool));
                (store, Backend::Embedded)
            })),
            StoreSetting::Production(firebase) => {
                match profiles::FirebaseProfiles::new(
                    http.get_or_init(http_client).clone(),
                    firebase,
                ) {
                    Ok(store) => StoreSlot::ready(Arc::new(store), Backend::Production),
                    Err(reason) => unavailable("profiles", reason),
                }
            }
            StoreSetting::Invalid { key, reason } => invalid("profiles", key, reason),
        };

        let cache = match &settings.cache {
            StoreSetting::Production(url) => match RedisCache::new(url.expose()) {
                Ok(redis) => {
                    Cache::new(Arc::new(redis), Backend::Production, &settings.cache_prefix)
                }
                Err(error) => {
                    tracing::error!(error = %error, "Redis client could not be built; using an in-process cache");
                    Cache::in_memory(&settings.cache_prefix)
                }
            },
            StoreSetting::Embedded => match &embedded {
                Some(Ok(pool)) => Cache::embedded(pool.clone(), &settings.cache_prefix),
                _ => {
                    tracing::error!(
                        "the embedded database is unavailable; using an in-process cache"
                    );
                    Cache::in_memory(&settings.cache_prefix)
                }
            },
            StoreSetting::Invalid { key, .. } => {
                tracing::error!(key, "malformed cache setting; using an in-process cache");
                Cache::in_memory(&settings.cache_prefix)
            }
        };

        let jwt = match &settings.jwt_secret {
            Some(secret) => JwtKeys::from_configured_secret(secret.expose().as_bytes()),
            None if settings.in_lambda => Err("JWT_SECRET is not set".to_string()),
            None => JwtKeys::embedded(&settings.data_dir),
        };
        if let Err(reason) = &jwt {
            tracing::error!(key = "JWT_SECRET", reason = %reason, "token signing is unavailable");
        }

        Self(Arc::new(Inner {
            settings,
            catalog,
            accounts,
            reviews,
            profiles,
            cache,
            jwt,
            http,
        }))
    }

    pub fn settings(&self) -> &Settings {
        &self.0.settings
    }

    pub fn catalog_slot(&self) -> &StoreSlot<dyn CatalogStore> {
        &self.0.catalog
    }

    pub fn accounts_slot(&self) -> &StoreSlot<dyn AccountStore> {
        &self.0.accounts
    }

    pub fn reviews_slot(&self) -> &StoreSlot<dyn ReviewStore> {
        &self.0.reviews
    }

    pub fn profiles_slot(&self) -> &StoreSlot<dyn ProfileStore> {
        &self.0.profiles
    }

    pub fn catalog(&self) -> Result<&dyn CatalogStore, StoreError> {
        self.0.catalog.get()
    }

    pub fn accounts(&self) -> Result<&dyn AccountStore, StoreError> {
        self.0.accounts.get()
    }

    pub fn reviews(&self) -> Result<&dyn ReviewStore, StoreError> {
        self.0.reviews.get()
    }

    pub fn profiles(&self) -> Result<&dyn ProfileStore, StoreError> {
        self.0.profiles.get()
    }

    pub fn cache(&self) -> &Cache {
        &self.0.cache
    }

    /// The container's one outbound HTTP client (TMDB, Firebase).
    pub fn http(&self) -> &reqwest::Client {
        self.0.http.get_or_init(http_client)
    }

    /// The token keys, or 503 when this container has no signing key (Lambda without a secret).
    pub fn jwt(&self) -> Result<&JwtKeys, ApiError> {
        self.0
            .jwt
            .as_ref()
            .map_err(|_| ApiError::Unavailable("token signing".into()))
    }

    /// The role of the token's account as stored now, or 401 unless that account exists and is
    /// active. A signature only proves that a token was issued with this key, not that its
    /// account exists (a leaked key, a token of another deployment sharing it) nor that its role
    /// is still the one it was issued with (a demotion takes effect at once).
    pub async fn check_account_active(&self, id: uuid::Uuid) -> Result<Role, ApiError> {
        use crate::stores::accounts::AccountState;
        match self.accounts()?.status(crate::domain::UserId(id)).await? {
            AccountState::Active(role) => Ok(role),
            AccountState::Deleting | AccountState::Deleted | AccountState::Unknown => Err(
                ApiError::Unauthorized("the account of this token does not exist".into()),
            ),
        }
    }
}

struct StoreSlotError(&'static str, String);

fn slot<T: ?Sized>(built: Result<(Arc<T>, Backend), StoreSlotError>) -> StoreSlot<T> {
    match built {
        Ok((store, backend)) => StoreSlot::ready(store, backend),
        Err(StoreSlotError(name, reason)) => StoreSlot::Unavailable { name, reason },
    }
}

fn unavailable<T: ?Sized>(name: &'static str, reason: String) -> StoreSlot<T> {
    tracing::error!(store = name, reason = %reason, "store unavailable");
    StoreSlot::Unavailable { name, reason }
}

fn invalid<T: ?Sized>(name: &'static str, key: &str, reason: &str) -> StoreSlot<T> {
    StoreSlot::Unavailable {
        name,
        reason: format!("{key} is malformed: {reason}"),
    }
}

fn uses_embedded(settings: &Settings) -> bool {
    settings.cache.is_embedded()
        || settings.catalog.is_embedded()
        || settings.accounts.is_embedded()
        || settings.reviews.is_embedded()
        || settings.profiles.is_embedded()
}

async fn run_logged(
    store: &'static str,
    migration: impl std::future::Future<Output = Result<(), StoreError>>,
) {
    match migration.await {
        Ok(()) => tracing::info!(store, "migrations applied"),
        Err(error) => tracing::error!(store, error = %error, "migrations failed"),
    }
}

/// A lazy PostgreSQL pool: no connection is made until a request needs one.
pub fn pg_pool(url: &str) -> Result<sqlx::PgPool, String> {
    PgPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(ping_if_idle)
        .max_connections(POOL_MAX_CONNECTIONS)
        .min_connections(0)
        .acquire_timeout(POOL_ACQUIRE_TIMEOUT)
        .idle_timeout(POOL_IDLE_TIMEOUT)
        .connect_lazy(url)
        .map_err(|e| format!("bad POSTGRES_URL: {}", redact(&e)))
}

/// A lazy MySQL pool: no connection is made until a request needs one.
pub fn mysql_pool(url: &str) -> Result<sqlx::MySqlPool, String> {
    MySqlPoolOptions::new()
        .test_before_acquire(false)
        .before_acquire(ping_if_idle)
        .max_connections(POOL_MAX_CONNECTIONS)
        .min_connections(0)
        .acquire_timeout(POOL_ACQUIRE_TIMEOUT)
        .idle_timeout(POOL_IDLE_TIMEOUT)
        .connect_lazy(url)
        .map_err(|e| format!("bad MYSQL_URL: {}", redact(&e)))
}

/// The pools' acquire check (see [`PING_IF_IDLE_FOR`], and [`crate::stores::reconnect`] for the
/// moments after a connection was lost); an error makes sqlx drop the connection and hand out
/// another.
fn ping_if_idle<C: sqlx::Connection>(
    connection: &mut C,
    metadata: sqlx::pool::PoolConnectionMetadata,
) -> futures::future::BoxFuture<'_, Result<bool, sqlx::Error>> {
    Box::pin(async move {
        if metadata.idle_for >= PING_IF_IDLE_FOR || crate::stores::reconnect::recently_lost() {
            connection.ping().await?;
        }
        Ok(true)
    })
}

/// sqlx configuration errors can quote the URL; keep only the kind of error.
fn redact(error: &sqlx::Error) -> &'static str {
    match error {
        sqlx::Error::Configuration(_) => "configuration error",
        _ => "connection error",
    }
}

/// One HTTP client per container (TMDB, Firebase, OAuth): connection reuse across invocations.
fn http_client() -> reqwest::Client {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(3))
        .timeout(Duration::from_secs(10))
        .pool_idle_timeout(Duration::from_secs(50))
        .user_agent(concat!("movieverse/", env!("CARGO_PKG_VERSION")))
        .build()
        .unwrap_or_default()
}
