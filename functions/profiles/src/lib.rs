//! The profiles function: profiles, follows and watchlists.

mod routes;
mod update;
mod views;

use axum::routing::{get, put};
use axum::Router;
use shared::AppState;

use routes::{follows, profile, watchlist};

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route(
            "/profiles/me",
            get(profile::get_my_profile).patch(profile::update_my_profile),
        )
        .route("/profiles/{user_id}", get(profile::get_profile))
        .route(
            "/profiles/{user_id}/follow",
            put(follows::follow).delete(follows::unfollow),
        )
        .route("/profiles/{user_id}/followers", get(follows::followers))
        .route("/profiles/{user_id}/following", get(follows::following))
        .route("/me/watchlist", get(watchlist::watchlist))
        .route(
            "/me/watchlist/{movie_id}",
            put(watchlist::add_to_watchlist).delete(watchlist::remove_from_watchlist),
        )
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(
    paths(
        profile::get_my_profile,
        profile::update_my_profile,
        profile::get_profile,
        follows::follow,
        follows::unfollow,
        follows::followers,
        follows::following,
        watchlist::watchlist,
        watchlist::add_to_watchlist,
        watchlist::remove_from_watchlist
    ),
    components(schemas(
        views::ProfileView,
        views::FollowView,
        views::WatchlistItemView,
        update::ProfileUpdate
    ))
)]
pub struct ApiDoc;
