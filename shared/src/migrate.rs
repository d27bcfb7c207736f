//! Migrations of the production databases. The embedded engine migrates itself at start-up; the
//! production databases migrate by an explicit step (the `migrate` binary, or
//! `MOVIEVERSE_RUN_MIGRATIONS=true` on one start), so many cold starts never race on DDL.

use crate::stores::StoreError;

pub async fn postgres(pool: &sqlx::PgPool) -> Result<(), StoreError> {
    sqlx::migrate!("../migrations/postgres")
        .run(pool)
        .await
        .map_err(|e| StoreError::Internal(format!("PostgreSQL migrations failed: {e}")))
}

pub async fn mysql(pool: &sqlx::MySqlPool) -> Result<(), StoreError> {
    sqlx::migrate!("../migrations/mysql")
        .run(pool)
        .await
        .map_err(|e| StoreError::Internal(format!("MySQL migrations failed: {e}")))
}
