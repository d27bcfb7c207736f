//! Routes of the profiles function whose features have not landed yet: each answers 501.

use shared::ApiError;

/// Update the caller's profile.
#[utoipa::path(patch, path = "/profiles/me", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn update_my_profile() -> ApiError {
    ApiError::NotImplemented("PATCH /profiles/me")
}

/// A user's profile.
#[utoipa::path(get, path = "/profiles/{user_id}", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn get_profile() -> ApiError {
    ApiError::NotImplemented("GET /profiles/{user_id}")
}

/// Follow a user.
#[utoipa::path(put, path = "/profiles/{user_id}/follow", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn follow() -> ApiError {
    ApiError::NotImplemented("PUT /profiles/{user_id}/follow")
}

/// Unfollow a user.
#[utoipa::path(delete, path = "/profiles/{user_id}/follow", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn unfollow() -> ApiError {
    ApiError::NotImplemented("DELETE /profiles/{user_id}/follow")
}

/// A user's followers.
#[utoipa::path(get, path = "/profiles/{user_id}/followers", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn followers() -> ApiError {
    ApiError::NotImplemented("GET /profiles/{user_id}/followers")
}

/// Who a user follows.
#[utoipa::path(get, path = "/profiles/{user_id}/following", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn following() -> ApiError {
    ApiError::NotImplemented("GET /profiles/{user_id}/following")
}

/// The caller's watchlist.
#[utoipa::path(get, path = "/me/watchlist", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn watchlist() -> ApiError {
    ApiError::NotImplemented("GET /me/watchlist")
}

/// Add a movie to the watchlist.
#[utoipa::path(put, path = "/me/watchlist/{movie_id}", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn add_to_watchlist() -> ApiError {
    ApiError::NotImplemented("PUT /me/watchlist/{movie_id}")
}

/// Remove a movie from the watchlist.
#[utoipa::path(delete, path = "/me/watchlist/{movie_id}", tag = "profiles", responses((status = 501, description = "Not implemented yet")))]
pub async fn remove_from_watchlist() -> ApiError {
    ApiError::NotImplemented("DELETE /me/watchlist/{movie_id}")
}
