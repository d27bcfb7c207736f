//! Issuing the token pair that answers a registration, a login or a refresh.

use shared::auth::refresh::RefreshToken;
use shared::auth::{Role, ACCESS_TOKEN_TTL};
use shared::domain::UserId;
use shared::{ApiError, AppState};

use crate::body::TokenPair;

/// Signs an access token for `user` and pairs it with `refresh` (already stored by its hash).
pub fn pair(
    state: &AppState,
    user: UserId,
    role: Role,
    refresh: &RefreshToken,
) -> Result<TokenPair, ApiError> {
    let (access_token, _) = state.jwt()?.issue(user.0, role)?;
    Ok(TokenPair {
        access_token,
        refresh_token: refresh.expose().to_string(),
        token_type: "Bearer",
        expires_in: ACCESS_TOKEN_TTL.as_secs(),
    })
}

/// The refresh token a client sent, or the 401 for one that cannot be ours (no store lookup).
pub fn presented(text: &str) -> Result<RefreshToken, ApiError> {
    RefreshToken::parse(text).ok_or_else(invalid_refresh)
}

/// One answer for every refresh token that is not usable, so a client learns nothing more.
pub fn invalid_refresh() -> ApiError {
    ApiError::Unauthorized("the refresh token is invalid, expired or revoked".into())
}
