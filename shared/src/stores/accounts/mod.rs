//! User accounts, credentials and refresh tokens.

mod embedded;
mod postgres;

pub use embedded::EmbeddedAccounts;
pub use postgres::PostgresAccounts;

use super::StoreError;

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;
}
