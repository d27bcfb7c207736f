//! Routes of the people function whose features have not landed yet: each answers 501.

use shared::ApiError;

/// People by popularity.
#[utoipa::path(get, path = "/people/popular", tag = "people", responses((status = 501, description = "Not implemented yet")))]
pub async fn popular_people() -> ApiError {
    ApiError::NotImplemented("GET /people/popular")
}

/// Search people by name.
#[utoipa::path(get, path = "/people/search", tag = "people", responses((status = 501, description = "Not implemented yet")))]
pub async fn search_people() -> ApiError {
    ApiError::NotImplemented("GET /people/search")
}

/// Person details.
#[utoipa::path(get, path = "/people/{id}", tag = "people", responses((status = 501, description = "Not implemented yet")))]
pub async fn get_person() -> ApiError {
    ApiError::NotImplemented("GET /people/{id}")
}

/// Movie credits of a person.
#[utoipa::path(get, path = "/people/{id}/credits", tag = "people", responses((status = 501, description = "Not implemented yet")))]
pub async fn person_credits() -> ApiError {
    ApiError::NotImplemented("GET /people/{id}/credits")
}
