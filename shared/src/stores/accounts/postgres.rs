//! PostgreSQL adapter of [`AccountStore`].

use sqlx::PgPool;

use std::collections::HashMap;

use crate::domain::UserId;

use super::AccountStore;
use crate::stores::StoreError;

const STORE: &str = "accounts";

pub struct PostgresAccounts {
    pool: PgPool,
}

impl PostgresAccounts {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl AccountStore for PostgresAccounts {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(STORE, e))
    }

    async fn usernames(&self, _ids: &[UserId]) -> Result<HashMap<UserId, String>, StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the accounts feature".into())
}
