//! Request and response bodies of the auth routes. Requests refuse unknown fields (422), and
//! secrets are `String`s that are parsed into domain types by the handlers, never logged.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use shared::auth::Role;
use shared::domain::UserId;
use shared::stores::accounts::Account;
use utoipa::ToSchema;

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RegisterRequest {
    /// 3–30 of `a-z 0-9 _`, case-insensitive.
    pub username: String,
    pub email: String,
    /// 8–128 characters, not a common password.
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    /// Username or email.
    pub login: String,
    pub password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChangeRequest {
    pub current_password: String,
    pub new_password: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeleteAccountRequest {
    pub password: String,
}

/// An account as its owner sees it. Never carries the password hash.
#[derive(Debug, Serialize, ToSchema)]
pub struct AccountView {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub created_at: DateTime<Utc>,
}

impl From<Account> for AccountView {
    fn from(account: Account) -> Self {
        Self {
            id: account.id,
            username: account.username,
            email: account.email,
            role: account.role,
            created_at: account.created_at,
        }
    }
}

/// A new access token and the refresh token that replaces the previous one.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenPair {
    /// JWT for `Authorization: Bearer`, valid `expires_in` seconds.
    pub access_token: String,
    /// Opaque, single-use, valid 30 days.
    pub refresh_token: String,
    /// Always `Bearer`.
    pub token_type: &'static str,
    pub expires_in: u64,
}

/// The answer to a registration or a login: the account and its first tokens.
#[derive(Debug, Serialize, ToSchema)]
pub struct Session {
    pub user: AccountView,
    #[serde(flatten)]
    pub tokens: TokenPair,
}
