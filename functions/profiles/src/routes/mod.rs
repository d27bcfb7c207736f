//! Handlers of the profiles function, one module per resource.

pub mod follows;
mod params;
pub mod profile;
pub mod watchlist;

use std::time::Duration;

use shared::auth::AuthUser;
use shared::domain::UserId;
use shared::rate_limit::RateLimit;
use shared::{ApiError, AppState};

/// Profile, follow and watchlist writes per user per minute: generous for people, a brake on
/// scripts that follow everyone.
const WRITES: RateLimit = RateLimit::new("profile-writes", 60, Duration::from_secs(60));

/// Counts one write of `user` against [`WRITES`].
async fn limit_writes(state: &AppState, user: &AuthUser) -> Result<(), ApiError> {
    WRITES
        .hit(state.cache(), &user.id.to_string())
        .await
        .map(|_| ())
}

/// The username of an existing account, or 404.
async fn username_of(state: &AppState, user: UserId) -> Result<String, ApiError> {
    state
        .accounts()?
        .usernames(&[user])
        .await?
        .remove(&user)
        .ok_or_else(|| ApiError::NotFound("user".into()))
}
