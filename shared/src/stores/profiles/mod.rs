//! Profiles, follows and watchlists.

mod embedded;
mod firebase;

pub use embedded::EmbeddedProfiles;
pub use firebase::FirebaseProfiles;

use super::StoreError;
use crate::domain::UserId;

#[async_trait::async_trait]
pub trait ProfileStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;

    /// Removes the user's profile, both sides of every follow, and the watchlist (account
    /// deletion). Idempotent: deleting what is already gone succeeds.
    async fn delete_user_data(&self, user: UserId) -> Result<(), StoreError>;
}
