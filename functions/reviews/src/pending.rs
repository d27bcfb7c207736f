//! Routes of the reviews function whose features have not landed yet: each answers 501.

use shared::ApiError;

/// Reviews of a movie.
#[utoipa::path(get, path = "/movies/{id}/reviews", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn list_movie_reviews() -> ApiError {
    ApiError::NotImplemented("GET /movies/{id}/reviews")
}

/// Review a movie.
#[utoipa::path(post, path = "/movies/{id}/reviews", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn create_review() -> ApiError {
    ApiError::NotImplemented("POST /movies/{id}/reviews")
}

/// Rating aggregate of a movie.
#[utoipa::path(get, path = "/movies/{id}/rating", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn movie_rating() -> ApiError {
    ApiError::NotImplemented("GET /movies/{id}/rating")
}

/// One review.
#[utoipa::path(get, path = "/reviews/{id}", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn get_review() -> ApiError {
    ApiError::NotImplemented("GET /reviews/{id}")
}

/// Edit a review (author).
#[utoipa::path(patch, path = "/reviews/{id}", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn update_review() -> ApiError {
    ApiError::NotImplemented("PATCH /reviews/{id}")
}

/// Delete a review (author or admin).
#[utoipa::path(delete, path = "/reviews/{id}", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn delete_review() -> ApiError {
    ApiError::NotImplemented("DELETE /reviews/{id}")
}

/// A user's reviews.
#[utoipa::path(get, path = "/users/{user_id}/reviews", tag = "reviews", responses((status = 501, description = "Not implemented yet")))]
pub async fn user_reviews() -> ApiError {
    ApiError::NotImplemented("GET /users/{user_id}/reviews")
}
