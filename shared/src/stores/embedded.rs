//! The embedded engine: one SQLite file under the data directory, shared by every embedded
//! adapter, migrated at start-up. It makes `cargo lambda watch` work with nothing installed.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::SqlitePool;

use super::StoreError;

const STORE: &str = "embedded";
pub const DATABASE_FILE: &str = "movieverse.db";

/// Opens (creating if needed) and migrates the embedded database in `data_dir`.
pub async fn open(data_dir: &Path) -> Result<SqlitePool, StoreError> {
    std::fs::create_dir_all(data_dir).map_err(|e| {
        StoreError::unavailable(STORE, format!("cannot create {}: {e}", data_dir.display()))
    })?;
    let path = data_dir.join(DATABASE_FILE);
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))
        .map_err(|e| StoreError::Internal(e.to_string()))?
        .create_if_missing(true)
        // WAL lets the local functions (separate processes under `cargo lambda watch`) read while
        // one of them writes; the busy timeout makes writers queue instead of failing.
        .journal_mode(SqliteJournalMode::Wal)
        .synchronous(SqliteSynchronous::Normal)
        .busy_timeout(Duration::from_secs(5))
        .foreign_keys(true);
    let pool = SqlitePoolOptions::new()
        .max_connections(4)
        .acquire_timeout(Duration::from_secs(5))
        .connect_with(options)
        .await
        .map_err(|e| StoreError::from_sqlx(STORE, e))?;
    migrate(&pool).await?;
    Ok(pool)
}

/// Applies `migrations/sqlite` (embedded in the binary at compile time).
pub async fn migrate(pool: &SqlitePool) -> Result<(), StoreError> {
    sqlx::migrate!("../migrations/sqlite")
        .run(pool)
        .await
        .map_err(|e| StoreError::Internal(format!("embedded migrations failed: {e}")))
}

pub async fn ping(pool: &SqlitePool, store: &'static str) -> Result<(), StoreError> {
    sqlx::query("SELECT 1")
        .execute(pool)
        .await
        .map(|_| ())
        .map_err(|e| StoreError::from_sqlx(store, e))
}
