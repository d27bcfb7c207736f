//! The reviews function: reviews, ratings and rating aggregates.

mod body;
mod freshness;
mod handlers;
mod preconditions;
mod query;
mod views;

use axum::routing::get;
use axum::{Extension, Router};
use shared::AppState;

pub use body::{CreateReviewRequest, UpdateReviewRequest};
pub use freshness::RatingFreshness;
pub use handlers::REVIEW_WRITES;
pub use views::{AuthorView, MovieRatingView, MovieReviewsPage, ReviewView};

/// Public GET answers may be cached by clients and CDNs for this long (review answers override
/// it with `no-cache`: they must be revalidated after every write).
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route(
            "/movies/{id}/reviews",
            get(handlers::list_movie_reviews).post(handlers::create_review),
        )
        .route("/movies/{id}/rating", get(handlers::movie_rating))
        .route(
            "/reviews/{id}",
            get(handlers::get_review)
                .patch(handlers::update_review)
                .delete(handlers::delete_review),
        )
        .route("/users/{user_id}/reviews", get(handlers::user_reviews))
        .layer(Extension(RatingFreshness::new()))
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
        handlers::list_movie_reviews,
        handlers::create_review,
        handlers::movie_rating,
        handlers::get_review,
        handlers::update_review,
        handlers::delete_review,
        handlers::user_reviews
    ),
    components(schemas(
        ReviewView,
        AuthorView,
        MovieRatingView,
        MovieReviewsPage,
        CreateReviewRequest,
        UpdateReviewRequest
    ))
)]
pub struct ApiDoc;
