//! Profiles, follows and watchlists.

mod embedded;
mod firebase;

pub use embedded::EmbeddedProfiles;
pub use firebase::FirebaseProfiles;

use super::StoreError;

#[async_trait::async_trait]
pub trait ProfileStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;
}
