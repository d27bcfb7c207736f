//! Store traits (one per kind of data) and their adapters.
//!
//! Each trait has a production adapter and an embedded adapter (SQLite, see [`embedded`]). Handlers
//! only see the traits, through [`crate::state::AppState`].

pub mod accounts;
pub mod catalog;
pub mod embedded;
pub mod profiles;
pub mod reconnect;
pub mod reviews;

use std::sync::Arc;

pub use accounts::AccountStore;
pub use catalog::{AwardRecord, AwardStore, CatalogStore, FoundByExternalId};
pub use profiles::ProfileStore;
pub use reviews::ReviewStore;

/// The layer's one error type; [`crate::error::ApiError`] maps it to HTTP.
#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("{0} not found")]
    NotFound(String),
    /// A uniqueness rule was broken; the text names the field, never the other record.
    #[error("conflict: {0}")]
    Conflict(String),
    /// Optimistic concurrency: the row changed since it was read.
    #[error("version mismatch")]
    VersionMismatch,
    /// The backing service could not be reached or timed out. `reason` is logged, never sent.
    #[error("{store} unavailable: {reason}")]
    Unavailable { store: &'static str, reason: String },
    #[error("internal store error: {0}")]
    Internal(String),
}

impl StoreError {
    pub fn unavailable(store: &'static str, reason: impl ToString) -> Self {
        Self::Unavailable {
            store,
            reason: reason.to_string(),
        }
    }

    /// Maps a sqlx error: connection trouble is "unavailable", a unique violation a conflict.
    pub fn from_sqlx(store: &'static str, error: sqlx::Error) -> Self {
        use sqlx::Error as E;
        match error {
            E::RowNotFound => Self::NotFound("row".into()),
            E::PoolTimedOut | E::PoolClosed | E::Io(_) | E::Tls(_) | E::WorkerCrashed => {
                Self::unavailable(store, error)
            }
            E::Database(db) if db.is_unique_violation() => {
                Self::Conflict(db.constraint().unwrap_or("unique").to_string())
            }
            E::Database(db) => {
                // Serialization failures and deadlocks (SQLSTATE 40001/40P01) and SQLite's
                // busy/locked family (primary codes 5 and 6, with extended codes such as 517
                // BUSY_SNAPSHOT) are transient: the caller may retry.
                let code = db.code().map(|c| c.to_string()).unwrap_or_default();
                let is_sqlite = db.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some();
                let sqlite_busy = is_sqlite
                    && code
                        .parse::<u32>()
                        .is_ok_and(|extended| matches!(extended & 0xff, 5 | 6));
                if sqlite_busy || matches!(code.as_str(), "40001" | "40P01") {
                    Self::unavailable(store, db)
                } else {
                    Self::Internal(db.to_string())
                }
            }
            other => Self::Internal(other.to_string()),
        }
    }
}

/// The kind of adapter behind a store, reported by `/health`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Backend {
    Embedded,
    Production,
}

/// A store as the state holds it: ready, or known to be unusable since start-up.
pub enum StoreSlot<T: ?Sized> {
    Ready { store: Arc<T>, backend: Backend },
    Unavailable { name: &'static str, reason: String },
}

impl<T: ?Sized> Clone for StoreSlot<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Ready { store, backend } => Self::Ready {
                store: Arc::clone(store),
                backend: *backend,
            },
            Self::Unavailable { name, reason } => Self::Unavailable {
                name,
                reason: reason.clone(),
            },
        }
    }
}

impl<T: ?Sized> StoreSlot<T> {
    pub fn ready(store: Arc<T>, backend: Backend) -> Self {
        Self::Ready { store, backend }
    }

    /// The store, or the 503 a request that needs it should answer.
    pub fn get(&self) -> Result<&T, StoreError> {
        match self {
            Self::Ready { store, .. } => Ok(store.as_ref()),
            Self::Unavailable { name, reason } => Err(StoreError::unavailable(name, reason)),
        }
    }

    pub fn arc(&self) -> Result<Arc<T>, StoreError> {
        match self {
            Self::Ready { store, .. } => Ok(Arc::clone(store)),
            Self::Unavailable { name, reason } => Err(StoreError::unavailable(name, reason)),
        }
    }

    pub fn backend(&self) -> Option<Backend> {
        match self {
            Self::Ready { backend, .. } => Some(*backend),
            Self::Unavailable { .. } => None,
        }
    }
}
