//! Follow, unfollow, and the followers and following lists.

use axum::extract::State;
use axum::http::StatusCode;
use shared::auth::AuthUser;
use shared::domain::UserId;
use shared::http::{Page, PageRequest, Query};
use shared::stores::profiles::{FollowEdge, FollowEntry, Listing};
use shared::{ApiError, AppState};

use super::{limit_writes, username_of, ListQuery};
use crate::views::FollowView;
use shared::http::PathId;

fn edge(caller: &AuthUser, target: UserId) -> Result<FollowEdge, ApiError> {
    FollowEdge::new(UserId(caller.id), target)
        .ok_or_else(|| ApiError::Forbidden("you cannot follow yourself".into()))
}

/// Follow a user (idempotent: following again changes nothing).
#[utoipa::path(
    put,
    path = "/profiles/{user_id}/follow",
    tag = "profiles",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = "The user to follow")),
    responses(
        (status = 204, description = "Following"),
        (status = 401, description = "No valid access token"),
        (status = 404, description = "No such user"),
        (status = 403, description = "Following yourself"),
        (status = 503, description = "A store is unavailable"),
    )
)]
pub async fn follow(
    State(state): State<AppState>,
    caller: AuthUser,
    PathId(target): PathId<UserId>,
) -> Result<StatusCode, ApiError> {
    let edge = edge(&caller, target)?;
    limit_writes(&state, &caller).await?;
    // One accounts read for both: the caller must exist (401), the followee too (404).
    let names = state
        .accounts()?
        .usernames(&[edge.follower(), edge.followee()])
        .await?;
    if !names.contains_key(&edge.follower()) {
        return Err(ApiError::Unauthorized(
            "the account of this token does not exist".into(),
        ));
    }
    if !names.contains_key(&edge.followee()) {
        return Err(ApiError::NotFound("user".into()));
    }
    state.profiles()?.follow(edge, chrono::Utc::now()).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Unfollow a user (idempotent: unfollowing someone not followed, or gone, is fine).
#[utoipa::path(
    delete,
    path = "/profiles/{user_id}/follow",
    tag = "profiles",
    security(("bearer" = [])),
    params(("user_id" = uuid::Uuid, Path, description = "The user to unfollow")),
    responses(
        (status = 204, description = "Not following"),
        (status = 401, description = "No valid access token"),
        (status = 403, description = "Unfollowing yourself"),
        (status = 503, description = "A store is unavailable"),
    )
)]
pub async fn unfollow(
    State(state): State<AppState>,
    caller: AuthUser,
    PathId(target): PathId<UserId>,
) -> Result<StatusCode, ApiError> {
    let edge = edge(&caller, target)?;
    limit_writes(&state, &caller).await?;
    state.profiles()?.unfollow(edge).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which list of a user to show.
#[derive(Clone, Copy)]
enum Direction {
    Followers,
    Following,
}

async fn list(
    state: &AppState,
    user: UserId,
    query: ListQuery,
    direction: Direction,
) -> Result<axum::Json<Page<FollowView>>, ApiError> {
    let page = PageRequest::try_from(query)?;
    username_of(state, user).await?;
    let store = state.profiles()?;
    let Listing { total, items } = match direction {
        Direction::Followers => store.followers(user, page).await?,
        Direction::Following => store.following(user, page).await?,
    };
    // One batched lookup for the whole page's names.
    let ids: Vec<UserId> = items.iter().map(|e| e.user_id).collect();
    let mut names = if ids.is_empty() {
        Default::default()
    } else {
        state.accounts()?.usernames(&ids).await?
    };
    let results = items
        .into_iter()
        .map(|FollowEntry { user_id, since }| FollowView {
            user_id,
            username: names.remove(&user_id),
            since,
        })
        .collect();
    Ok(axum::Json(Page::new(page, total, results)))
}

/// Who follows a user, newest first.
#[utoipa::path(
    get,
    path = "/profiles/{user_id}/followers",
    tag = "profiles",
    params(("user_id" = uuid::Uuid, Path, description = "The user"), ListQuery),
    responses(
        (status = 200, description = "A page of followers", body = Page<FollowView>),
        (status = 404, description = "No such user"),
        (status = 422, description = "Page out of range"),
    )
)]
pub async fn followers(
    State(state): State<AppState>,
    PathId(target): PathId<UserId>,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<Page<FollowView>>, ApiError> {
    list(&state, target, query, Direction::Followers).await
}

/// Whom a user follows, newest first.
#[utoipa::path(
    get,
    path = "/profiles/{user_id}/following",
    tag = "profiles",
    params(("user_id" = uuid::Uuid, Path, description = "The user"), ListQuery),
    responses(
        (status = 200, description = "A page of followed users", body = Page<FollowView>),
        (status = 404, description = "No such user"),
        (status = 422, description = "Page out of range"),
    )
)]
pub async fn following(
    State(state): State<AppState>,
    PathId(target): PathId<UserId>,
    Query(query): Query<ListQuery>,
) -> Result<axum::Json<Page<FollowView>>, ApiError> {
    list(&state, target, query, Direction::Following).await
}
