//! Routes of the movies function whose features have not landed yet: each answers 501.

use shared::ApiError;

/// Discover movies by filters.
#[utoipa::path(get, path = "/movies", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn discover() -> ApiError {
    ApiError::NotImplemented("GET /movies")
}

/// Add a user-added movie (admin).
#[utoipa::path(post, path = "/movies", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn create_movie() -> ApiError {
    ApiError::NotImplemented("POST /movies")
}

/// Movies by popularity.
#[utoipa::path(get, path = "/movies/popular", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn popular() -> ApiError {
    ApiError::NotImplemented("GET /movies/popular")
}

/// Movies by MovieVerse rating.
#[utoipa::path(get, path = "/movies/top-rated", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn top_rated() -> ApiError {
    ApiError::NotImplemented("GET /movies/top-rated")
}

/// Trending movies.
#[utoipa::path(get, path = "/movies/trending", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn trending() -> ApiError {
    ApiError::NotImplemented("GET /movies/trending")
}

/// Search movies by title.
#[utoipa::path(get, path = "/movies/search", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn search() -> ApiError {
    ApiError::NotImplemented("GET /movies/search")
}

/// Movie details.
#[utoipa::path(get, path = "/movies/{id}", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn get_movie() -> ApiError {
    ApiError::NotImplemented("GET /movies/{id}")
}

/// Edit a movie (admin).
#[utoipa::path(patch, path = "/movies/{id}", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn update_movie() -> ApiError {
    ApiError::NotImplemented("PATCH /movies/{id}")
}

/// Remove a movie (admin).
#[utoipa::path(delete, path = "/movies/{id}", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn delete_movie() -> ApiError {
    ApiError::NotImplemented("DELETE /movies/{id}")
}

/// Cast and crew of a movie.
#[utoipa::path(get, path = "/movies/{id}/credits", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn movie_credits() -> ApiError {
    ApiError::NotImplemented("GET /movies/{id}/credits")
}

/// Movies similar to this one.
#[utoipa::path(get, path = "/movies/{id}/similar", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn similar_movies() -> ApiError {
    ApiError::NotImplemented("GET /movies/{id}/similar")
}

/// All genres with movie counts.
#[utoipa::path(get, path = "/genres", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn genres() -> ApiError {
    ApiError::NotImplemented("GET /genres")
}

/// Public app settings.
#[utoipa::path(get, path = "/config", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn get_config() -> ApiError {
    ApiError::NotImplemented("GET /config")
}

/// Replace app settings (admin).
#[utoipa::path(put, path = "/config", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn put_config() -> ApiError {
    ApiError::NotImplemented("PUT /config")
}

/// Personal recommendations.
#[utoipa::path(get, path = "/me/recommendations", tag = "movies", responses((status = 501, description = "Not implemented yet")))]
pub async fn recommendations() -> ApiError {
    ApiError::NotImplemented("GET /me/recommendations")
}
