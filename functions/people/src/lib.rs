//! The people function: people details, credits, awards, popular people and people search,
//! natively and in TMDB v3's shapes under `/3/person` and `/3/search/person`.

mod awards;
mod routes;
mod tmdb;

use axum::routing::get;
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/people/popular", get(routes::popular_people))
        .route("/people/search", get(routes::search_people))
        .route("/people/{id}", get(routes::get_person))
        .route("/people/{id}/credits", get(routes::person_credits))
        .route("/people/{id}/awards", get(awards::person_awards))
        .merge(tmdb::routes())
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    routes::popular_people,
    routes::search_people,
    routes::get_person,
    routes::person_credits,
    awards::person_awards
))]
pub struct ApiDoc;
