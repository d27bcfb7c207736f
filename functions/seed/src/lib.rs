//! The seed function: imports the catalog from TMDB (or the bundled sample) on a schedule.
//!
//! A thin shell over [`shared::import`]: it turns the Lambda deadline into the importer's
//! deadline and the run's outcome into the invocation's result.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use shared::domain::SeedStatus;
use shared::import::{ImportError, ImportOptions, ImportReport};
use shared::AppState;
use tokio::time::Instant;

/// The invocation payload: `{source, pages?, lists?, people?}` (unknown fields refused).
pub type SeedRequest = shared::import::ImportRequest;
pub use shared::import::{ListName, SourceKind as Source};

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Import(#[from] ImportError),
    /// The run stopped on an error every further request would repeat (the report is logged).
    #[error("the seed run failed: {0}")]
    Failed(String),
}

/// Runs one seed invocation, stopping in time for `deadline`. A run cut short by the deadline
/// is a success (`status: interrupted`): the next invocation resumes it.
pub async fn handle(
    state: &AppState,
    request: SeedRequest,
    deadline: Option<Instant>,
) -> Result<ImportReport, SeedError> {
    let time_left_ms = deadline.map(|at| at.saturating_duration_since(Instant::now()).as_millis());
    tracing::info!(source = ?request.source, ?time_left_ms, "seed requested");
    let report =
        shared::import::import(state, &request, &ImportOptions::default(), deadline).await?;
    match report.status {
        SeedStatus::Failed => Err(SeedError::Failed(
            report.last_error.unwrap_or_else(|| "unknown error".into()),
        )),
        _ => Ok(report),
    }
}

/// Epoch milliseconds of 2001-09-09: no real Lambda deadline is earlier.
const EARLIEST_EPOCH_DEADLINE_MS: u64 = 1_000_000_000_000;

/// The Lambda context's deadline as an instant; `None` when it is unset (0).
///
/// AWS sends milliseconds since the epoch. `cargo lambda watch` sends its function timeout
/// instead (e.g. `600000`), so a value too small to be an epoch deadline is read as
/// milliseconds from now.
pub fn deadline_from_epoch_ms(deadline_ms: u64) -> Option<Instant> {
    if deadline_ms == 0 {
        return None;
    }
    if deadline_ms < EARLIEST_EPOCH_DEADLINE_MS {
        return Some(Instant::now() + Duration::from_millis(deadline_ms));
    }
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    // A deadline already past leaves no time: the run records itself and stops at once.
    Some(Instant::now() + Duration::from_millis(deadline_ms.saturating_sub(now_ms)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lambda_deadline_becomes_an_instant() {
        assert!(deadline_from_epoch_ms(0).is_none());
        let now_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap()
            .as_millis() as u64;
        let at = deadline_from_epoch_ms(now_ms + 60_000).unwrap();
        let left = at - Instant::now();
        assert!(left > Duration::from_secs(55) && left <= Duration::from_secs(60));
        assert!(deadline_from_epoch_ms(now_ms - 1).unwrap() <= Instant::now());
        // cargo lambda watch: a timeout, not a time.
        let local = deadline_from_epoch_ms(600_000).unwrap() - Instant::now();
        assert!(local > Duration::from_secs(590) && local <= Duration::from_secs(600));
    }
}
