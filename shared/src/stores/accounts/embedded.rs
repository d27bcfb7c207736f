//! Embedded (SQLite) adapter of [`AccountStore`].

use sqlx::SqlitePool;

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
}
