//! MySQL / MariaDB adapter of [`ReviewStore`].

use sqlx::MySqlPool;

use crate::domain::UserId;

use super::ReviewStore;
use crate::stores::StoreError;

const STORE: &str = "reviews";

pub struct MySqlReviews {
    pool: MySqlPool,
}

impl MySqlReviews {
    pub fn new(pool: MySqlPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }
}

#[async_trait::async_trait]
impl ReviewStore for MySqlReviews {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(|e| StoreError::from_sqlx(STORE, e))
    }

    async fn anonymise_user(&self, _user: UserId) -> Result<(), StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the reviews feature".into())
}
