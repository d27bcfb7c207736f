//! Reviews, ratings and rating aggregates.

mod embedded;
mod mysql;

pub use embedded::EmbeddedReviews;
pub use mysql::MySqlReviews;

use super::StoreError;
use crate::domain::UserId;

#[async_trait::async_trait]
pub trait ReviewStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;

    /// Detaches the user's reviews from the account (author shown as deleted); the reviews and
    /// their ratings stay, so aggregates do not change. Idempotent.
    async fn anonymise_user(&self, user: UserId) -> Result<(), StoreError>;
}
