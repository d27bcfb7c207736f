//! Embedded (SQLite) adapter of [`AccountStore`].

use sqlx::SqlitePool;

use std::collections::HashMap;

use crate::domain::UserId;

use super::AccountStore;
use crate::stores::StoreError;

const STORE: &str = "accounts";

pub struct EmbeddedAccounts {
    pool: SqlitePool,
}

impl EmbeddedAccounts {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[async_trait::async_trait]
impl AccountStore for EmbeddedAccounts {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn usernames(&self, _ids: &[UserId]) -> Result<HashMap<UserId, String>, StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the accounts feature".into())
}
