//! Routes of the movies function whose features have not landed yet: each answers 501.

use shared::ApiError;

/// Personal recommendations.
#[utoipa::path(get, path = "/me/recommendations", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn recommendations() -> ApiError {
    ApiError::NotImplemented("GET /me/recommendations")
}
