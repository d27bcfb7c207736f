//! Embedded (SQLite) adapter of [`ReviewStore`].

use sqlx::SqlitePool;

use crate::domain::UserId;

use super::ReviewStore;
use crate::stores::StoreError;

const STORE: &str = "reviews";

pub struct EmbeddedReviews {
    pool: SqlitePool,
}

impl EmbeddedReviews {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[async_trait::async_trait]
impl ReviewStore for EmbeddedReviews {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn anonymise_user(&self, _user: UserId) -> Result<(), StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the reviews feature".into())
}
