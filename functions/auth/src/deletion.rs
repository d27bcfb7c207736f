//! Account deletion across the stores.
//!
//! An account's data lives in three stores that share no transaction: the account and its
//! refresh tokens (accounts store), the profile, follows and watchlist (profiles store) and the
//! reviews (reviews store). The order is chosen so that a failure at any step leaves an account
//! that is invisible and unusable, and that a retry of the same request completes:
//!
//! 1. **Mark the account `deleting`** and revoke its refresh tokens. From here on its access
//!    tokens are refused by every other route, logins fail, and `usernames` no longer lists it,
//!    so nothing new can be attached to it and nobody sees it, even if a later step fails.
//! 2. **Remove the profile, follows and watchlist** (`ProfileStore::delete_user_data`) and
//!    **anonymise the reviews** (`ReviewStore::anonymise_user`; the reviews and the rating
//!    aggregates stay). Both are idempotent, so redoing them on a retry is harmless.
//! 3. **Delete the account row last**, leaving only a tombstone of its id. Were the row deleted
//!    first, a failure in step 2 would leave data behind with no record that it still has to be
//!    removed, and no password left to authorise the retry.
//!
//! A failure of any step answers 503 with `Retry-After`. The retry is the same request: the
//! `DeletionCaller` extractor still accepts the token of a `deleting` account and the password
//! hash is still there to check. A login with the right password to a `deleting` account also
//! finishes the job (and then fails as for an unknown account), so an abandoned deletion is
//! completed whenever its owner comes back.

use axum::extract::State;
use axum::http::StatusCode;
use shared::auth::DeletionCaller;
use shared::domain::UserId;
use shared::http::Json;
use shared::stores::StoreError;
use shared::{ApiError, AppState};

use crate::account::confirm_password;
use crate::body::DeleteAccountRequest;
use crate::client_ip::ClientIp;

/// Delete the caller's account, profile, follows and watchlist; reviews stay, anonymised.
#[utoipa::path(
    delete, path = "/auth/me", tag = "auth",
    request_body = DeleteAccountRequest,
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted everywhere"),
        (status = 403, description = "The password is wrong"),
        (status = 503, description = "A store failed; the account is already unusable, retry the same request to finish"),
    )
)]
pub async fn delete_account(
    State(state): State<AppState>,
    DeletionCaller(user): DeletionCaller,
    ip: ClientIp,
    Json(body): Json<DeleteAccountRequest>,
) -> Result<StatusCode, ApiError> {
    let account = state
        .accounts()?
        .find(UserId(user.id))
        .await?
        .ok_or_else(|| ApiError::NotFound("the account".into()))?;
    confirm_password(&state, &account, &ip, &body.password).await?;
    finish(&state, account.id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Runs every step of the deletion (see the module documentation); each step is idempotent.
pub async fn finish(state: &AppState, id: UserId) -> Result<(), ApiError> {
    let accounts = state.accounts()?;
    accounts
        .mark_deleting(id)
        .await
        .map_err(|e| step_failed("accounts", e))?;
    state
        .profiles()
        .map_err(|e| step_failed("profiles", e))?
        .delete_user_data(id)
        .await
        .map_err(|e| step_failed("profiles", e))?;
    state
        .reviews()
        .map_err(|e| step_failed("reviews", e))?
        .anonymise_user(id)
        .await
        .map_err(|e| step_failed("reviews", e))?;
    accounts
        .delete(id)
        .await
        .map_err(|e| step_failed("accounts", e))?;
    tracing::info!(user_id = %id, "account deleted");
    Ok(())
}

/// Whatever went wrong, the client's move is the same: retry later. The cause is logged.
fn step_failed(store: &'static str, error: StoreError) -> ApiError {
    tracing::error!(store, error = %error, "account deletion step failed; the account stays marked for deletion");
    ApiError::Unavailable(store.into())
}
