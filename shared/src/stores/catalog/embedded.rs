//! Embedded (SQLite) adapter of [`CatalogStore`].

use sqlx::SqlitePool;

use super::CatalogStore;
use crate::stores::StoreError;

const STORE: &str = "catalog";

pub struct EmbeddedCatalog {
    pool: SqlitePool,
}

impl EmbeddedCatalog {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[async_trait::async_trait]
impl CatalogStore for EmbeddedCatalog {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }
}
