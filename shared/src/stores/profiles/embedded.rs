//! Embedded (SQLite) adapter of [`ProfileStore`].

use sqlx::SqlitePool;

use crate::domain::UserId;

use super::ProfileStore;
use crate::stores::StoreError;

const STORE: &str = "profiles";

pub struct EmbeddedProfiles {
    pool: SqlitePool,
}

impl EmbeddedProfiles {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[async_trait::async_trait]
impl ProfileStore for EmbeddedProfiles {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn delete_user_data(&self, _user: UserId) -> Result<(), StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the profiles feature".into())
}
