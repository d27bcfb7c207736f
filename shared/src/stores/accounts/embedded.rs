//! Embedded (SQLite) adapter of [`AccountStore`].
//!
//! Same tables as PostgreSQL (`migrations/sqlite/0003_accounts.sql`): usernames and emails are
//! `COLLATE NOCASE` with unique indexes, ids are UUID blobs, expiry times unix seconds. SQLite
//! has one writer at a time, and every transaction here starts with its deciding write, so
//! concurrent callers queue on the write lock (busy timeout) and then see each other's result.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection, SqlitePool};
use uuid::Uuid;

use super::{
    role_from, status_from, Account, AccountState, AccountStore, FamilyRevoked, NewAccount,
    NewRefreshToken, NextRefreshToken, Rotation,
};
use crate::auth::credentials::{Email, Username};
use crate::auth::password::PasswordHash;
use crate::auth::refresh::TokenHash;
use crate::auth::Role;
use crate::domain::UserId;
use crate::stores::StoreError;

const STORE: &str = "accounts";
/// Bound parameters per statement, well under SQLite's limit.
const MAX_BINDS: usize = 500;
/// Tombstones only matter while an access token could still be valid (15 minutes).
const TOMBSTONE_SECS: i64 = 24 * 60 * 60;

const ACCOUNT_COLUMNS: &str = "id, username, email, role, status, password_hash, created_at";

pub struct EmbeddedAccounts {
    pool: SqlitePool,
}

impl EmbeddedAccounts {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(STORE, error)
}

/// SQLite names the column of a unique violation only in its message
/// ("UNIQUE constraint failed: users.username"): turn it into the field name.
fn insert_error(error: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(database) = &error {
        if database.is_unique_violation() {
            let message = database.message();
            if message.contains("users.username") {
                return StoreError::Conflict("username".into());
            }
            if message.contains("users.email") {
                return StoreError::Conflict("email".into());
            }
        }
    }
    db(error)
}

fn now_secs() -> i64 {
    Utc::now().timestamp()
}

fn account_from(row: &SqliteRow) -> Result<Account, StoreError> {
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
    conn: &mut SqliteConnection,
    user: Uuid,
    id: Uuid,
    hash: &TokenHash,
    family: Uuid,
    expires_at: DateTime<Utc>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO refresh_tokens (id, user_id, token_hash, family_id, expires_at, created_at) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(id)
    .bind(user)
    .bind(hash.as_bytes())
    .bind(family)
    .bind(expires_at.timestamp())
    .bind(now_secs())
    .execute(conn)
    .await
    .map(|_| ())
    .map_err(db)
}

async fn revoke_all(conn: &mut SqliteConnection, id: UserId) -> Result<(), StoreError> {
    sqlx::query("UPDATE refresh_tokens SET revoked_at = ? WHERE user_id = ? AND revoked_at IS NULL")
        .bind(now_secs())
        .bind(id.0)
        .execute(conn)
        .await
        .map(|_| ())
        .map_err(db)
}

#[async_trait::async_trait]
impl AccountStore for EmbeddedAccounts {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn usernames(&self, ids: &[UserId]) -> Result<HashMap<UserId, String>, StoreError> {
        let mut names = HashMap::with_capacity(ids.len());
        // One query per 500 ids (a page is at most 100), never one per id.
        for chunk in ids.chunks(MAX_BINDS) {
            let mut query: QueryBuilder<Sqlite> = QueryBuilder::new(
                "SELECT id, username FROM users WHERE status = 'active' AND id IN (",
            );
            let mut list = query.separated(", ");
            for id in chunk {
                list.push_bind(id.0);
            }
            query.push(")");
            let rows = query.build().fetch_all(&self.pool).await.map_err(db)?;
            for row in &rows {
                names.insert(
                    UserId(row.try_get("id").map_err(db)?),
                    row.try_get("username").map_err(db)?,
                );
            }
        }
        Ok(names)
    }

    async fn create(
        &self,
        account: &NewAccount,
        first_token: &NewRefreshToken,
    ) -> Result<Account, StoreError> {
        let now = Utc::now();
        let mut tx = self.pool.begin().await.map_err(db)?;
        let row = sqlx::query(&format!(
            "INSERT INTO users (id, username, email, password_hash, role, status, created_at, updated_at) \
             VALUES (?, ?, ?, ?, ?, 'active', ?, ?) RETURNING {ACCOUNT_COLUMNS}"
        ))
        .bind(account.id.0)
        .bind(account.username.as_str())
        .bind(account.email.as_str())
        .bind(account.password_hash.as_str())
        .bind(account.role.as_str())
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(insert_error)?;
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
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM users WHERE username = ? OR email = ?)")
            .bind(username.as_str())
            .bind(email.as_str())
            .fetch_one(&self.pool)
            .await
            .map_err(db)
    }

    async fn find_by_login(&self, login: &str) -> Result<Option<Account>, StoreError> {
        sqlx::query(&format!(
            "SELECT {ACCOUNT_COLUMNS} FROM users WHERE username = ?1 OR email = ?1 LIMIT 1"
        ))
        .bind(login)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(account_from)
        .transpose()
    }

    async fn find(&self, id: UserId) -> Result<Option<Account>, StoreError> {
        sqlx::query(&format!("SELECT {ACCOUNT_COLUMNS} FROM users WHERE id = ?"))
            .bind(id.0)
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?
            .as_ref()
            .map(account_from)
            .transpose()
    }

    async fn status(&self, id: UserId) -> Result<AccountState, StoreError> {
        let found: Option<(String, Option<String>)> = sqlx::query_as(
            "SELECT status, role FROM users WHERE id = ?1 \
             UNION ALL SELECT 'deleted', NULL FROM deleted_accounts WHERE id = ?1 LIMIT 1",
        )
        .bind(id.0)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
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
        let updated =
            sqlx::query("UPDATE users SET last_login_at = ? WHERE id = ? AND status = 'active'")
                .bind(Utc::now())
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
        let now = now_secs();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // The write comes first: it takes SQLite's write lock, so a concurrent rotation of the
        // same token waits and then finds it revoked.
        let spent: Option<(Uuid, Uuid, i64)> = sqlx::query_as(
            "UPDATE refresh_tokens SET revoked_at = ?1, replaced_by = ?2 \
             WHERE token_hash = ?3 AND revoked_at IS NULL AND expires_at > ?1 \
               AND user_id IN (SELECT id FROM users WHERE status = 'active') \
             RETURNING user_id, family_id, expires_at",
        )
        .bind(now)
        .bind(next.id)
        .bind(presented.as_bytes())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        if let Some((user, family, family_ends)) = spent {
            // SQLite's RETURNING cannot read another table: the role is a second statement.
            let role: String = sqlx::query_scalar("SELECT role FROM users WHERE id = ?")
                .bind(user)
                .fetch_one(&mut *tx)
                .await
                .map_err(db)?;
            // The family ends when its first token would have: rotating never extends it.
            let expires_at = DateTime::from_timestamp(family_ends, 0)
                .map_or(next.expires_at, |ends| next.expires_at.min(ends));
            insert_token(&mut tx, user, next.id, &next.hash, family, expires_at).await?;
            tx.commit().await.map_err(db)?;
            return Ok(Rotation::Rotated {
                user: UserId(user),
                role: role_from(&role)?,
            });
        }
        let rotated: Option<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT user_id, family_id FROM refresh_tokens \
             WHERE token_hash = ? AND replaced_by IS NOT NULL",
        )
        .bind(presented.as_bytes())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let Some((user, family)) = rotated else {
            return Ok(Rotation::Invalid);
        };
        sqlx::query(
            "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
        )
        .bind(now)
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
             WHERE token_hash = ? AND user_id = ?",
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
            "UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL",
        )
        .bind(now_secs())
        .bind(family)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(Some(FamilyRevoked { family, was_spent }))
    }

    async fn set_password(&self, id: UserId, hash: &PasswordHash) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.map_err(db)?;
        let updated = sqlx::query(
            "UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ? AND status = 'active'",
        )
        .bind(hash.as_str())
        .bind(Utc::now())
        .bind(id.0)
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
        sqlx::query("UPDATE users SET status = 'deleting', updated_at = ? WHERE id = ?")
            .bind(Utc::now())
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        revoke_all(&mut tx, id).await?;
        tx.commit().await.map_err(db)
    }

    async fn delete(&self, id: UserId) -> Result<(), StoreError> {
        let now = now_secs();
        let mut tx = self.pool.begin().await.map_err(db)?;
        // Only an account already marked `deleting` goes; the tombstone only for a row that went.
        let gone = sqlx::query("DELETE FROM users WHERE id = ? AND status = 'deleting'")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        if gone.rows_affected() > 0 {
            sqlx::query("DELETE FROM refresh_tokens WHERE user_id = ?")
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
            sqlx::query("INSERT OR IGNORE INTO deleted_accounts (id, deleted_at) VALUES (?, ?)")
                .bind(id.0)
                .bind(now)
                .execute(&mut *tx)
                .await
                .map_err(db)?;
        }
        sqlx::query("DELETE FROM deleted_accounts WHERE deleted_at < ?")
            .bind(now - TOMBSTONE_SECS)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        tx.commit().await.map_err(db)
    }

    async fn set_role(&self, id: UserId, role: Role) -> Result<(), StoreError> {
        let done = sqlx::query(
            "UPDATE users SET role = ?, updated_at = ? WHERE id = ? AND status = 'active'",
        )
        .bind(role.as_str())
        .bind(Utc::now())
        .bind(id.0)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound("account".into()));
        }
        Ok(())
    }
}
