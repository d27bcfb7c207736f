//! Routes of the auth function whose features have not landed yet: each answers 501.

use shared::ApiError;

/// Create an account.
#[utoipa::path(post, path = "/auth/register", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn register() -> ApiError {
    ApiError::NotImplemented("POST /auth/register")
}

/// Log in.
#[utoipa::path(post, path = "/auth/login", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn login() -> ApiError {
    ApiError::NotImplemented("POST /auth/login")
}

/// Rotate a refresh token.
#[utoipa::path(post, path = "/auth/refresh", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn refresh() -> ApiError {
    ApiError::NotImplemented("POST /auth/refresh")
}

/// Revoke a refresh token.
#[utoipa::path(post, path = "/auth/logout", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn logout() -> ApiError {
    ApiError::NotImplemented("POST /auth/logout")
}

/// The caller's account.
#[utoipa::path(get, path = "/auth/me", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn me() -> ApiError {
    ApiError::NotImplemented("GET /auth/me")
}

/// Delete the caller's account.
#[utoipa::path(delete, path = "/auth/me", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn delete_account() -> ApiError {
    ApiError::NotImplemented("DELETE /auth/me")
}

/// Change the password.
#[utoipa::path(post, path = "/auth/password", tag = "auth", responses((status = 501, description = "Not implemented yet")))]
pub async fn change_password() -> ApiError {
    ApiError::NotImplemented("POST /auth/password")
}
