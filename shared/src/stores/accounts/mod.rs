//! User accounts, credentials and refresh tokens.

mod embedded;
mod postgres;

pub use embedded::EmbeddedAccounts;
pub use postgres::PostgresAccounts;

use std::collections::HashMap;

use super::StoreError;
use crate::domain::UserId;

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;

    /// Usernames of the accounts among `ids` that exist, in one query (reviews and profiles show
    /// authors and followers by name; a deleted account is simply absent).
    async fn usernames(&self, ids: &[UserId]) -> Result<HashMap<UserId, String>, StoreError>;
}
