//! Reviews, ratings and rating aggregates.

mod embedded;
mod mysql;

pub use embedded::EmbeddedReviews;
pub use mysql::MySqlReviews;

use super::StoreError;

#[async_trait::async_trait]
pub trait ReviewStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;
}
