//! Profiles, follows and watchlists.

mod embedded;
pub mod firebase;
mod model;

pub use embedded::EmbeddedProfiles;
pub use firebase::FirebaseProfiles;
pub use model::{
    from_millis, truncate_to_millis, AvatarUrl, Bio, DisplayName, FavoriteGenres, FollowCounts,
    FollowEdge, FollowEntry, Listing, Location, Profile, ProfilePatch, WatchlistEntry,
};

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::domain::{MovieId, UserId};
use crate::http::PageRequest;

/// Lists come newest first (then by id). Writes are idempotent: the `bool` they answer tells
/// whether anything changed, and repeating one keeps the original time.
#[async_trait::async_trait]
pub trait ProfileStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;

    /// The stored profile, `None` when the user never wrote one.
    async fn profile(&self, user: UserId) -> Result<Option<Profile>, StoreError>;

    /// Applies `patch` (only the fields it names) and answers the whole profile afterwards.
    async fn update_profile(
        &self,
        user: UserId,
        patch: &ProfilePatch,
        at: DateTime<Utc>,
    ) -> Result<Profile, StoreError>;

    async fn follow_counts(&self, user: UserId) -> Result<FollowCounts, StoreError>;

    /// Records the follow on both sides at once. `false` when it already existed.
    async fn follow(&self, edge: FollowEdge, at: DateTime<Utc>) -> Result<bool, StoreError>;

    /// Removes the follow on both sides at once. `false` when there was none.
    async fn unfollow(&self, edge: FollowEdge) -> Result<bool, StoreError>;

    /// Who follows `user`.
    async fn followers(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError>;

    /// Whom `user` follows.
    async fn following(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<FollowEntry>, StoreError>;

    /// `false` when the movie was already on the watchlist.
    async fn add_to_watchlist(
        &self,
        user: UserId,
        movie: MovieId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// `false` when the movie was not on the watchlist.
    async fn remove_from_watchlist(&self, user: UserId, movie: MovieId)
        -> Result<bool, StoreError>;

    async fn watchlist(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<Listing<WatchlistEntry>, StoreError>;

    /// Removes the user's profile, both sides of every follow, and the watchlist (account
    /// deletion). Idempotent: deleting what is already gone succeeds.
    async fn delete_user_data(&self, user: UserId) -> Result<(), StoreError>;
}

/// The slice of `items` a page asks for (adapters that read a whole list page in memory).
pub(crate) fn page_of<T>(items: Vec<T>, page: PageRequest) -> Listing<T> {
    let total = items.len() as u64;
    let skip = usize::try_from(page.offset()).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit()).unwrap_or(usize::MAX);
    Listing {
        total,
        items: items.into_iter().skip(skip).take(take).collect(),
    }
}
