//! The profiles function: profiles, follows and watchlists.

mod pending;

use axum::routing::{get, patch, put};
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/profiles/me", patch(pending::update_my_profile))
        .route("/profiles/{user_id}", get(pending::get_profile))
        .route(
            "/profiles/{user_id}/follow",
            put(pending::follow).delete(pending::unfollow),
        )
        .route("/profiles/{user_id}/followers", get(pending::followers))
        .route("/profiles/{user_id}/following", get(pending::following))
        .route("/me/watchlist", get(pending::watchlist))
        .route(
            "/me/watchlist/{movie_id}",
            put(pending::add_to_watchlist).delete(pending::remove_from_watchlist),
        )
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    pending::update_my_profile,
    pending::get_profile,
    pending::follow,
    pending::unfollow,
    pending::followers,
    pending::following,
    pending::watchlist,
    pending::add_to_watchlist,
    pending::remove_from_watchlist
))]
pub struct ApiDoc;
