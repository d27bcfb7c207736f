//! The catalog: movies, people, genres, app settings and seed runs.

mod embedded;
mod mongo;

pub use embedded::EmbeddedCatalog;
pub use mongo::MongoCatalog;

use super::StoreError;

#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    /// Answers when the backing service is reachable.
    async fn ping(&self) -> Result<(), StoreError>;
}
