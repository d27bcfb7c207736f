//! Handlers of the profiles function, one module per resource.

pub mod follows;
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

/// Writes are keyed by the caller's id, so the caller's account must exist: a valid token of an
/// account that is gone (or never was) must not create data. 401, like any dead token.
async fn require_account(state: &AppState, caller: &AuthUser) -> Result<String, ApiError> {
    let me = UserId(caller.id);
    state
        .accounts()?
        .usernames(&[me])
        .await?
        .remove(&me)
        .ok_or_else(|| ApiError::Unauthorized("the account of this token does not exist".into()))
}

/// Query of the list routes: paging only; anything else (`page[$gt]=`) is an unknown field.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Page number, from 1.
    pub page: Option<i64>,
    /// Results per page, 1–100 (default 20).
    pub page_size: Option<i64>,
}

impl TryFrom<ListQuery> for shared::http::PageRequest {
    type Error = ApiError;

    fn try_from(query: ListQuery) -> Result<Self, ApiError> {
        shared::http::PageParams {
            page: query.page,
            page_size: query.page_size,
        }
        .try_into()
    }
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
