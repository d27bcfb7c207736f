//! The auth function: registration, login, token refresh, logout and account management.

mod pending;

use axum::routing::{get, post};
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/auth/register", post(pending::register))
        .route("/auth/login", post(pending::login))
        .route("/auth/refresh", post(pending::refresh))
        .route("/auth/logout", post(pending::logout))
        .route("/auth/me", get(pending::me).delete(pending::delete_account))
        .route("/auth/password", post(pending::change_password))
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    pending::register,
    pending::login,
    pending::refresh,
    pending::logout,
    pending::me,
    pending::delete_account,
    pending::change_password
))]
pub struct ApiDoc;
