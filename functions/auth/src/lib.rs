//! The auth function: registration, login, token refresh, logout and account management.

mod account;
mod body;
mod client_ip;
mod deletion;
mod limits;
mod session;
mod throttle;
mod tokens;

use axum::routing::{get, post};
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/auth/register", post(session::register))
        .route("/auth/login", post(session::login))
        .route("/auth/refresh", post(session::refresh))
        .route("/auth/logout", post(session::logout))
        .route(
            "/auth/me",
            get(account::me).delete(deletion::delete_account),
        )
        .route("/auth/password", post(account::change_password))
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    session::register,
    session::login,
    session::refresh,
    session::logout,
    account::me,
    deletion::delete_account,
    account::change_password
), modifiers(&BearerAuth))]
pub struct ApiDoc;

/// Declares the `bearer` scheme the authenticated routes refer to (an HS256 JWT access token).
struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .build(),
            ),
        );
    }
}
