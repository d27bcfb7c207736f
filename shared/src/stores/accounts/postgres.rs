//! PostgreSQL adapter of [`AccountStore`].
//!
//! Usernames and emails are `citext`, so equality and the unique constraints ignore case. Every
//! method is a constant number of statements (no per-row queries); multi-statement changes run
//! in one transaction whose first statement is the write that decides the outcome, so row locks
//! serialise concurrent callers (two refreshes of one token, twenty registrations of one name).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use uuid::Uuid;

use super::{
    conflict_field, role_from, status_from, Account, AccountState, AccountStore, FamilyRevoked,
    NewAccount, NewRefreshToken, NextRefreshToken, Rotation,
};
use crate::auth::credentials::{Email, Username};
use crate::auth::password::PasswordHash;
use crate::auth::refresh::TokenHash;
use crate::auth::Role;
use crate::domain::UserId;
use crate::stores::reconnect::read_retrying;
use crate::stores::StoreError;

const STORE: &str = "accounts";

const ACCOUNT_COLUMNS: &str =
    "id, username::text AS username, email::text AS email, role, status, password_hash, created_at";

pub struct PostgresAccounts {
    pool: PgPool,
}

impl PostgresAccounts {
    pub fn new(pool: PgPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &PgPool {
        &self.pool
    }
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(STORE, error)
}

fn account_from(row: &PgRow) -> Result<Account, StoreError> {
    let role: String = row.try_get("role").map_err(db)?;
    let status: String = row.try_get("status").map_err(db)?;
    Ok(Account {
        id: UserId(row.try_get("id").map_err(db)?),
        username: row.try_get("username").map_err(db)?,
        email: row.try_get("email").map_err(db)?,
        role: role_from(&role)?,
        status: status_from(&status)?,
        password_hash: PasswordHash::from_stored(row.try_get("password_hash").map_err(db)?),
        created_at: row.try_get("created_at").map_err(db)?,
    })
}

async fn insert_token(
    tx: &mut sqlx::PgConnection,
    user: Uuid,
    id: Uuid,
    hash: &TokenHash,
    family: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO refresh_tokens (id, user_id, token_hash, family_id, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(user)
    .bind(hash.as_bytes())
    .bind(family)
    .bind(expires_at)
    .execute(tx)
    .await
    .map(|_| ())
    .map_err(db)
}

#[async_trait::async_trait]
impl AccountStore for PostgresAccounts {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn usernames(&self, ids: &[UserId]) -> Result<HashMap<UserId, String>, StoreError> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let ids: Vec<Uuid> = ids.iter().map(|id| id.0).collect();
        let rows = read_retrying(STORE, || {
            sqlx::query(
                "SELECT id, username::text AS username FROM users \
                 WHERE id = ANY($1) AND status = 'active'",
            )
            .bind(&ids)
            .fetch_all(&self.pool)
        })
        .await?;
        rows.iter()
            .map(|row| {
                Ok((
                    UserId(row.try_get("id").map_err(db)?),
                    row.try_get("username").map_err(db)?,
                ))
            })
            .collect()
    }

    async fn create(
        &self,
        account: &NewAccount,
        first_token: &NewRefreshToken,
    ) -> Result<Account, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let row = sqlx::query(&format!(
            "INSERT INTO users (id, username, email, password_hash, role) \
             VALUES ($1, $2, $3, $4, $5) RETURNING {ACCOUNT_COLUMNS}"
        ))
        .bind(account.id.0)
        .bind(account.username.as_str())
        .bind(account.email.as_str())
        .bind(account.password_hash.as_str())
        .bind(account.role.as_str())
        .fetch_one(&mut *tx)
        .await
        .map_err(|e| {
            let error = db(e);
            conflict_field(&error).unwrap_or(error)
        })?;
        let created = account_from(&row)?;
        insert_token(
            &mut tx,
            account.id.0,
            first_token.id,
            &first_token.hash,
            first_token.family,
            first_token.expires_at,
        )
        .await?;
        tx.commit().await.map_err(db)?;
        Ok(created)
    }

    async fn is_taken(&self, username: &Username, email: &Email) -> Result<bool, StoreError> {
        read_retrying(STORE, || {
            sqlx::query_scalar(
                "SELECT EXISTS (SELECT 1 FROM users \
                 WHERE username = $1::citext OR email = $2::citext)",
            )
            .bind(username.as_str())
            .bind(email.as_str())
            .fetch_one(&self.pool)
        })
        .await
    }

    async fn find_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        // Usernames never contain '@' and emails always do, so at most one row matches.
        let sql = format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users WHERE username = $1::citext OR email = $1::citext LIMIT 1"
        );
        read_retrying(STORE, || {
            sqlx::query(&sql).bind(login).fetch_optional(&self.pool)
        })
        .await?
        .as_ref()
        .map(account_from)
        .transpose()
    }

    async fn find(&self, id: UserId) -> Result<Option<Account>, StoreError> {
        let sql = format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = $1");
        read_retrying(STORE, || {
            sqlx::query(&sql).bind(id.0).fetch_optional(&self.pool)
        })
        .await?
        .as_ref()
        .map(account_from)
        .transpose()
    }

    async fn status(&self, id: UserId) -> Result<AccountState, StoreError> {
        let found: Option<(String, Option<String>)> = read_retrying(STORE, || {
            sqlx::query_as(
                "SELECT status, role FROM users WHERE id = $1 \
                 UNION ALL SELECT 'deleted', NULL FROM deleted_accounts WHERE id = $1 LIMIT 1",
            )
            .bind(id.0)
            .fetch_optional(&self.pool)
        })
        .await?;
        Ok(match found {
            Some((status, Some(role))) if status == "active" => {
                AccountState::Active(role_from(&role)?)
            }
            Some((status, _)) if status == "deleting" => AccountState::Deleting,
            Some(_) => AccountState::Deleted,
            None => AccountState::Unknown,
        })
    }

    async fn start_session(&self, id: UserId, token: &NewRefreshToken) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let updated = sqlx::query(
            "UPDATE users SET last_login_at = now() WHERE id = $1 AND status = 'active'",
        )
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("account".into()));
        }
        insert_token(
            &mut tx,
            id.0,
            token.id,
            &token.hash,
            token.family,
            token.expires_at,
        )
        .await?;
        tx.commit().await.map_err(db)
    }

    async fn rotate(
        &self,
        presented: &TokenHash,
        next: &NextRefreshToken,
    ) -> Result<Rotation, StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // First a share lock on the owner's row. A password change or a deletion updates that
        // row before it revokes every token, so it waits for this rotation to commit and then
        // revokes the token inserted here too; a rotation that comes second waits for them and
        // then finds its token revoked. Without it, `revoke_all` could run while the new token
        // was not yet committed, and miss it (the foreign key only takes a KEY SHARE lock,
        // which a password update does not conflict with).
        sqlx::query(
            "SELECT 1 FROM users JOIN refresh_tokens ON refresh_tokens.user_id = users.id \
             WHERE refresh_tokens.token_hash = $1 FOR SHARE OF users",
        )
        .bind(presented.as_bytes())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        // The row lock taken here makes a concurrent rotation of the same token wait, then find
        // it revoked: only one caller ever spends a token.
        let spent = sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = now(), replaced_by = $2 \
             WHERE token_hash = $1 AND revoked_at IS NULL AND expires_at > now() \
               AND user_id IN (SELECT id FROM users WHERE status = 'active') \
             RETURNING user_id, family_id, expires_at, \
               (SELECT role FROM users WHERE users.id = refresh_tokens.user_id) AS role",
        )
        .bind(presented.as_bytes())
        .bind(next.id)
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if let Some(row) = spent {
            let user: Uuid = row.try_get("user_id").map_err(db)?;
            let family: Uuid = row.try_get("family_id").map_err(db)?;
            let role: String = row.try_get("role").map_err(db)?;
            let family_ends: DateTime<Utc> = row.try_get("expires_at").map_err(db)?;
            let expires_at = next.expires_at.min(family_ends);
            insert_token(&mut tx, user, next.id, &next.hash, family, expires_at).await?;
            tx.commit().await.map_err(db)?;
            return Ok(Rotation::Rotated {
                user: UserId(user),
                role: role_from(&role)?,
            });
        }
        // Not spendable. If it was spent by a rotation, someone is replaying it: revoke the
        // family, so the thief's (or the victim's) newer tokens stop working too.
        let rotated: Option<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT user_id, family_id FROM refresh_tokens \
             WHERE token_hash = $1 AND replaced_by IS NOT NULL",
        )
        .bind(presented.as_bytes())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some((user, family)) = rotated else {
            return Ok(Rotation::Invalid);
        };
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = now() \
             WHERE family_id = $1 AND revoked_at IS NULL",
        )
        .bind(family)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(Rotation::Reused {
            user: UserId(user),
            family,
        })
    }

    async fn revoke_family(
        &self,
        user: UserId,
        token: &TokenHash,
    ) -> Result<Option<FamilyRevoked>, StoreError> {
        let found: Option<(Uuid, bool)> = sqlx::query_as(
            "SELECT family_id, replaced_by IS NOT NULL FROM refresh_tokens \
             WHERE token_hash = $1 AND user_id = $2",
        )
        .bind(token.as_bytes())
        .bind(user.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        let Some((family, was_spent)) = found else {
            return Ok(None);
        };
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = now() \
             WHERE family_id = $1 AND revoked_at IS NULL",
        )
        .bind(family)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(Some(FamilyRevoked { family, was_spent }))
    }

    async fn set_password(&self, id: UserId, hash: &PasswordHash) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let updated = sqlx::query(
            "UPDATE users SET password_hash = $2, updated_at = now() \
             WHERE id = $1 AND status = 'active'",
        )
        .bind(id.0)
        .bind(hash.as_str())
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        if updated.rows_affected() == 0 {
            return Err(StoreError::NotFound("account".into()));
        }
        revoke_all(&mut tx, id).await?;
        tx.commit().await.map_err(db)
    }

    async fn mark_deleting(&self, id: UserId) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        sqlx::query("UPDATE users SET status = 'deleting', updated_at = now() WHERE id = $1")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        revoke_all(&mut tx, id).await?;
        tx.commit().await.map_err(db)
    }

    async fn delete(&self, id: UserId) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Only an account already marked `deleting` is removed (refresh tokens cascade), and the
        // tombstone is written only for a row that really went.
        sqlx::query(
            "WITH gone AS (DELETE FROM users WHERE id = $1 AND status = 'deleting' RETURNING id) \
             INSERT INTO deleted_accounts (id) SELECT id FROM gone ON CONFLICT (id) DO NOTHING",
        )
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        // Tombstones only matter while an access token could still be valid (15 minutes).
        sqlx::query("DELETE FROM deleted_accounts WHERE deleted_at < now() - interval '1 day'")
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn set_role(&self, id: UserId, role: Role) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE users SET role = $2, updated_at = now() WHERE id = $1 AND status = 'active'",
        )
        .bind(id.0)
        .bind(role.as_str())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("account".into()));
        }
        Ok(())
    }
}

async fn revoke_all(tx: &mut sqlx::PgConnection, id: UserId) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE refresh_tokens SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL",
    )
    .bind(id.0)
    .execute(tx)
    .await
    .map(|_| ())
    .map_err(db)
}
