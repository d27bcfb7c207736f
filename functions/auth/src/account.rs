//! The caller's own account: read it, change its password.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use shared::auth::password::{self, Password};
use shared::auth::AuthUser;
use shared::domain::UserId;
use shared::http::{private_no_store, Json};
use shared::stores::accounts::{Account, AccountStatus};
use shared::stores::StoreError;
use shared::{ApiError, AppState};

use crate::body::{AccountView, PasswordChangeRequest};
use crate::client_ip::ClientIp;
use crate::limits::LoginLimits;

/// The caller's account, or 404 when the token's account is not an active one of this store.
async fn own_account(state: &AppState, user: &AuthUser) -> Result<Account, ApiError> {
    state
        .accounts()?
        .find(UserId(user.id))
        .await?
        .filter(|account| account.status == AccountStatus::Active)
        .ok_or_else(|| ApiError::NotFound("the account".into()))
}

/// Checks the caller's password, counting failures like logins (a stolen access token must not
/// become a password-guessing oracle). 403 for a wrong password: the token itself is fine.
pub async fn confirm_password(
    state: &AppState,
    account: &Account,
    ip: &ClientIp,
    candidate: &str,
) -> Result<(), ApiError> {
    let limits = LoginLimits::new(state, Some(account.id), &account.username, ip);
    let attempt = limits.begin(state).await?;
    if password::verify(candidate, Some(&account.password_hash)).await? {
        limits.succeeded(state).await;
        Ok(())
    } else {
        limits.failed(state, attempt).await;
        Err(ApiError::Forbidden("the password is wrong".into()))
    }
}

/// The caller's account.
#[utoipa::path(
    get, path = "/auth/me", tag = "auth",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The account", body = AccountView),
        (status = 401, description = "No valid access token"),
    )
)]
pub async fn me(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<impl IntoResponse, ApiError> {
    let account = own_account(&state, &user).await?;
    Ok((private_no_store(), axum::Json(AccountView::from(account))))
}

/// Change the password; every refresh token of the account is revoked.
#[utoipa::path(
    post, path = "/auth/password", tag = "auth",
    request_body = PasswordChangeRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Changed; every session must log in again when its access token expires"),
        (status = 403, description = "The current password is wrong"),
        (status = 422, description = "The new password does not meet the policy"),
        (status = 429, description = "Too many wrong passwords"),
    )
)]
pub async fn change_password(
    State(state): State<AppState>,
    user: AuthUser,
    ip: ClientIp,
    Json(body): Json<PasswordChangeRequest>,
) -> Result<StatusCode, ApiError> {
    let new_password = Password::parse(body.new_password)
        .map_err(|message| ApiError::validation("new_password", message))?;
    let account = own_account(&state, &user).await?;
    confirm_password(&state, &account, &ip, &body.current_password).await?;
    let hash = password::hash(&new_password).await?;
    state
        .accounts()?
        .set_password(account.id, &hash)
        .await
        .map_err(|error| match error {
            StoreError::NotFound(_) => ApiError::NotFound("the account".into()),
            other => other.into(),
        })?;
    Ok(StatusCode::NO_CONTENT)
}
