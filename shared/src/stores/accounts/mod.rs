//! User accounts, credentials and refresh tokens.

mod embedded;
mod postgres;

pub use embedded::EmbeddedAccounts;
pub use postgres::PostgresAccounts;

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use super::StoreError;
use crate::auth::credentials::{Email, Username};
use crate::auth::password::PasswordHash;
use crate::auth::refresh::{TokenHash, REFRESH_TOKEN_TTL};
use crate::auth::Role;
use crate::domain::UserId;

#[async_trait::async_trait]
pub trait AccountStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;

    /// Usernames of the accounts among `ids` that exist, in one query (reviews and profiles show
    /// authors and followers by name; a deleted account is simply absent).
    async fn usernames(&self, ids: &[UserId]) -> Result<HashMap<UserId, String>, StoreError>;

    /// Creates the account and its first refresh token in one transaction.
    /// `Conflict("username")` or `Conflict("email")` when either is taken (case-insensitively).
    async fn create(
        &self,
        account: &NewAccount,
        first_token: &NewRefreshToken,
    ) -> Result<Account, StoreError>;

    /// Whether an account already has `username` or `email` (case-insensitive), in one query.
    /// Registration asks this before it spends time hashing the password.
    async fn is_taken(&self, username: &Username, email: &Email) -> Result<bool, StoreError>;

    /// The account whose username or email is `login` (case-insensitive), in one query.
    async fn find_by_login(&self, login: &str) -> Result<Option<Account>, StoreError>;

    async fn find(&self, id: UserId) -> Result<Option<Account>, StoreError>;

    /// Whether a token's account may act, and its current role: one indexed query per
    /// authenticated request.
    async fn status(&self, id: UserId) -> Result<AccountState, StoreError>;

    /// Records a login and stores the session's first refresh token (one transaction). Fails
    /// with `NotFound` if the account is no longer active.
    async fn start_session(&self, id: UserId, token: &NewRefreshToken) -> Result<(), StoreError>;

    /// Spends the refresh token whose hash is `presented` and stores `next` in its family, all in
    /// one transaction; the token can be spent once even under concurrent calls. A token that was
    /// already rotated revokes its whole family ([`Rotation::Reused`]). `next` never outlives the
    /// spent token: a family ends when its login's first token would have expired. The rotation
    /// is serialised with [`Self::set_password`] and [`Self::mark_deleting`] on the account, so
    /// a token they revoke cannot be replaced by one they miss.
    async fn rotate(
        &self,
        presented: &TokenHash,
        next: &NextRefreshToken,
    ) -> Result<Rotation, StoreError>;

    /// Revokes every token of the family of `user`'s refresh token `token` (a logout ends the
    /// session, whichever of its tokens is presented). `None` if `token` is not one of `user`'s.
    async fn revoke_family(
        &self,
        user: UserId,
        token: &TokenHash,
    ) -> Result<Option<FamilyRevoked>, StoreError>;

    /// Replaces the password hash and revokes every refresh token of the account (one
    /// transaction).
    async fn set_password(&self, id: UserId, hash: &PasswordHash) -> Result<(), StoreError>;

    /// First step of a deletion: the account becomes `deleting` (its tokens and logins are
    /// refused from now on) and its refresh tokens are revoked. Idempotent.
    async fn mark_deleting(&self, id: UserId) -> Result<(), StoreError>;

    /// Last step of a deletion: removes the account and its refresh tokens, and keeps a
    /// tombstone of the id (no personal data) so that access tokens still in flight are refused.
    /// Idempotent.
    async fn delete(&self, id: UserId) -> Result<(), StoreError>;

    /// Gives the active account `id` the role `role` (the operator's `admin` command; nothing
    /// reachable over HTTP calls it). `NotFound` if there is no such active account.
    async fn set_role(&self, id: UserId, role: Role) -> Result<(), StoreError>;
}

/// An account to create.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub id: UserId,
    pub username: Username,
    pub email: Email,
    pub password_hash: PasswordHash,
    pub role: Role,
}

/// Whether an account can act.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountStatus {
    Active,
    /// Deletion started and did not finish: invisible, refused, waiting for a retry.
    Deleting,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Deleting => "deleting",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "active" => Some(Self::Active),
            "deleting" => Some(Self::Deleting),
            _ => None,
        }
    }
}

/// What the store knows about the account behind a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountState {
    /// May act, with the role stored now (not the one its token was issued with).
    Active(Role),
    Deleting,
    /// Deleted: only its tombstone is left.
    Deleted,
    /// Never an account of this store.
    Unknown,
}

/// A stored account.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: UserId,
    pub username: String,
    pub email: String,
    pub role: Role,
    pub status: AccountStatus,
    pub password_hash: PasswordHash,
    pub created_at: DateTime<Utc>,
}

/// A refresh token to store: its hash, never the token.
#[derive(Debug, Clone)]
pub struct NewRefreshToken {
    pub id: Uuid,
    pub hash: TokenHash,
    /// Every token rotated from one login shares the family of that login's first token.
    pub family: Uuid,
    pub expires_at: DateTime<Utc>,
}

impl NewRefreshToken {
    /// The first token of a new session (a new family).
    pub fn first(hash: TokenHash) -> Self {
        let id = Uuid::now_v7();
        Self {
            id,
            hash,
            family: id,
            expires_at: refresh_expiry(),
        }
    }
}

/// The token that replaces a spent one; its family is the spent token's.
#[derive(Debug, Clone)]
pub struct NextRefreshToken {
    pub id: Uuid,
    pub hash: TokenHash,
    pub expires_at: DateTime<Utc>,
}

impl NextRefreshToken {
    pub fn new(hash: TokenHash) -> Self {
        Self {
            id: Uuid::now_v7(),
            hash,
            expires_at: refresh_expiry(),
        }
    }
}

fn refresh_expiry() -> DateTime<Utc> {
    let ttl = chrono::Duration::from_std(REFRESH_TOKEN_TTL).unwrap_or(chrono::Duration::days(30));
    Utc::now() + ttl
}

/// The outcome of presenting a refresh token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rotation {
    /// Spent; the next token is stored. The role is the account's current one.
    Rotated { user: UserId, role: Role },
    /// The token had already been rotated: the whole family is now revoked.
    Reused { user: UserId, family: Uuid },
    /// Unknown, expired, revoked, or its account is not active.
    Invalid,
}

/// A logout's revocation of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FamilyRevoked {
    pub family: Uuid,
    /// The presented token had already been rotated: whoever holds it replayed a spent token.
    pub was_spent: bool,
}

/// Maps a unique violation on `users` to the field it concerns, so a 409 can name the field
/// without saying anything about the other account.
fn conflict_field(error: &StoreError) -> Option<StoreError> {
    match error {
        StoreError::Conflict(constraint) if constraint.contains("username") => {
            Some(StoreError::Conflict("username".into()))
        }
        StoreError::Conflict(constraint) if constraint.contains("email") => {
            Some(StoreError::Conflict("email".into()))
        }
        _ => None,
    }
}

/// Reads a stored role; an unknown value is a bug in the data, never silently an admin.
fn role_from(text: &str) -> Result<Role, StoreError> {
    Role::parse(text).ok_or_else(|| StoreError::Internal(format!("unknown role {text:?} stored")))
}

fn status_from(text: &str) -> Result<AccountStatus, StoreError> {
    AccountStatus::parse(text)
        .ok_or_else(|| StoreError::Internal(format!("unknown account status {text:?} stored")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_violations_name_only_the_field() {
        let pg = StoreError::Conflict("users_username_key".into());
        assert!(matches!(conflict_field(&pg), Some(StoreError::Conflict(f)) if f == "username"));
        let sqlite = StoreError::Conflict("UNIQUE constraint failed: users.email".into());
        assert!(matches!(conflict_field(&sqlite), Some(StoreError::Conflict(f)) if f == "email"));
        assert!(conflict_field(&StoreError::Conflict("other".into())).is_none());
    }
}
