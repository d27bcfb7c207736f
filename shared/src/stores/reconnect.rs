//! Reads that survive a connection the server closed (a failover, an idle timeout, a NAT that
//! forgot the flow): the read runs once more, on a connection that was just checked, instead of
//! answering 503.
//!
//! Pools hand out a connection used moments ago without a ping (see
//! [`crate::state::PING_IF_IDLE_FOR`]), so the first statement on a cut connection fails. Such
//! a cut rarely comes alone: every pooled connection of the container went through the same
//! failover or NAT. After one is seen, every acquisition pings its connection for a short while,
//! so the retry (and the next requests) get a live one rather than the next dead one.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::StoreError;

/// How long after a lost connection every acquisition pings.
const SUSPECT_FOR: Duration = Duration::from_secs(2);

/// When this process last lost a pooled connection (ms since the Unix epoch; 0: never).
static LOST_AT_MS: AtomicU64 = AtomicU64::new(0);

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// Whether a connection was lost moments ago, so pooled ones must be checked before use.
pub fn recently_lost() -> bool {
    let lost = LOST_AT_MS.load(Ordering::Relaxed);
    lost != 0 && now_ms().saturating_sub(lost) < SUSPECT_FOR.as_millis() as u64
}

/// Errors of a connection that is gone, as opposed to a query the server refused: the socket
/// failed or closed, or the server said it is terminating the session (PostgreSQL's
/// `admin_shutdown` family, 57P01–57P03).
pub fn is_connection_lost(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Io(_) | sqlx::Error::Protocol(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|code| matches!(code.as_ref(), "57P01" | "57P02" | "57P03")),
        _ => false,
    }
}

/// Runs `read`, and once more if its connection was lost. Only for reads: a write whose
/// connection died may or may not have been applied.
pub async fn read_retrying<T, F, Fut>(store: &'static str, mut read: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, sqlx::Error>>,
{
    match read().await {
        Err(error) if is_connection_lost(&error) => {
            LOST_AT_MS.store(now_ms(), Ordering::Relaxed);
            tracing::warn!(store, error = %error, "a pooled connection was closed; reading again on a checked one");
            read().await.map_err(|e| StoreError::from_sqlx(store, e))
        }
        result => result.map_err(|e| StoreError::from_sqlx(store, e)),
    }
}
