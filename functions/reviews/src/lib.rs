//! The reviews function: reviews, ratings and rating aggregates.

mod pending;

use axum::routing::get;
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route(
            "/movies/{id}/reviews",
            get(pending::list_movie_reviews).post(pending::create_review),
        )
        .route("/movies/{id}/rating", get(pending::movie_rating))
        .route(
            "/reviews/{id}",
            get(pending::get_review)
                .patch(pending::update_review)
                .delete(pending::delete_review),
        )
        .route("/users/{user_id}/reviews", get(pending::user_reviews))
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    pending::list_movie_reviews,
    pending::create_review,
    pending::movie_rating,
    pending::get_review,
    pending::update_review,
    pending::delete_review,
    pending::user_reviews
))]
pub struct ApiDoc;
