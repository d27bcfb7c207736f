//! The caller's watchlist.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use shared::auth::AuthUser;
use shared::domain::{MovieId, UserId};
use shared::http::{private_no_store, Page, PageRequest, Query};
use shared::{ApiError, AppState};

use super::{limit_writes, require_account, ListQuery};
use crate::views::WatchlistItemView;
use shared::http::PathId;

/// The caller's watchlist, newest first, with each movie's title and poster.
#[utoipa::path(
    get,
    path = "/me/watchlist",
    tag = "profiles",
    security(("bearer" = [])),
    params(ListQuery),
    responses(
        (status = 200, description = "A page of the watchlist", body = Page<WatchlistItemView>),
        (status = 401, description = "No valid access token"),
        (status = 422, description = "Page out of range"),
    )
)]
pub async fn watchlist(
    State(state): State<AppState>,
    caller: AuthUser,
    Query(query): Query<ListQuery>,
) -> Result<impl IntoResponse, ApiError> {
    let page = PageRequest::try_from(query)?;
    let listing = state.profiles()?.watchlist(UserId(caller.id), page).await?;
    // One catalog read for the whole page, never one per movie.
    let ids: Vec<MovieId> = listing.items.iter().map(|e| e.movie_id).collect();
    let mut movies: HashMap<MovieId, _> = if ids.is_empty() {
        HashMap::new()
    } else {
        state
            .catalog()?
            .movie_summaries(&ids)
            .await?
            .into_iter()
            .map(|m| (m.id, m))
            .collect()
    };
    let results = listing
        .items
        .into_iter()
        .map(|entry| WatchlistItemView {
            movie_id: entry.movie_id,
            added_at: entry.added_at,
            movie: movies.remove(&entry.movie_id),
        })
        .collect();
    Ok((
        private_no_store(),
        axum::Json(Page::new(page, listing.total, results)),
    ))
}

/// Add a movie to the watchlist (idempotent).
#[utoipa::path(
    put,
    path = "/me/watchlist/{movie_id}",
    tag = "profiles",
    security(("bearer" = [])),
    params(("movie_id" = i64, Path, description = "The movie's TMDB id")),
    responses(
        (status = 204, description = "On the watchlist"),
        (status = 400, description = "The id is not a positive integer"),
        (status = 401, description = "No valid access token"),
        (status = 404, description = "No such movie"),
    )
)]
pub async fn add_to_watchlist(
    State(state): State<AppState>,
    caller: AuthUser,
    PathId(movie): PathId<MovieId>,
) -> Result<StatusCode, ApiError> {
    limit_writes(&state, &caller).await?;
    require_account(&state, &caller).await?;
    if !state.catalog()?.movie_exists(movie).await? {
        return Err(ApiError::NotFound("movie".into()));
    }
    state
        .profiles()?
        .add_to_watchlist(UserId(caller.id), movie, chrono::Utc::now())
        .await?;
    // Watch-listed movies are never recommended.
    state
        .cache()
        .invalidate_recommendations(UserId(caller.id))
        .await;
    Ok(StatusCode::NO_CONTENT)
}

/// Remove a movie from the watchlist (idempotent; works for movies gone from the catalog).
#[utoipa::path(
    delete,
    path = "/me/watchlist/{movie_id}",
    tag = "profiles",
    security(("bearer" = [])),
    params(("movie_id" = i64, Path, description = "The movie's TMDB id")),
    responses(
        (status = 204, description = "Not on the watchlist"),
        (status = 400, description = "The id is not a positive integer"),
        (status = 401, description = "No valid access token"),
    )
)]
pub async fn remove_from_watchlist(
    State(state): State<AppState>,
    caller: AuthUser,
    PathId(movie): PathId<MovieId>,
) -> Result<StatusCode, ApiError> {
    limit_writes(&state, &caller).await?;
    state
        .profiles()?
        .remove_from_watchlist(UserId(caller.id), movie)
        .await?;
    state
        .cache()
        .invalidate_recommendations(UserId(caller.id))
        .await;
    Ok(StatusCode::NO_CONTENT)
}
