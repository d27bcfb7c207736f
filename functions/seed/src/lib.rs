//! The seed function: imports the catalog from TMDB (or the bundled sample) on a schedule.
//!
//! A thin shell over [`shared::import`]: it turns the Lambda deadline into the importer's
//! deadline and the run's outcome into the invocation's result.
//!
//! Locally, against TMDB with your own token:
//!
//! ```text
//! TMDB_API_TOKEN=<v4 read token> cargo lambda watch
//! cargo lambda invoke seed --data-file events/seed-schedule.json   # or seed-quick.json
//! ```
//!
//! and against the fake TMDB that serves the test fixtures:
//!
//! ```text
//! python3 tests/fixtures/tmdb/fake_tmdb.py --port 8099 &
//! TMDB_API_TOKEN=local TMDB_BASE_URL=http://127.0.0.1:8099 cargo lambda watch
//! cargo lambda invoke seed --data-file events/seed-schedule.json
//! ```
//!
//! Awards and Wikidata ids come from Wikidata (`WIKIDATA_SPARQL_URL`, the public endpoint by
//! default): `events/seed-awards.json` (`{"source": "wikidata"}`), or `"awards": true` on a TMDB
//! or sample run.
//!
//! `SEED_CONCURRENCY` (1–16, default 4) and `SEED_REQUESTS_PER_SECOND` (1–40, default 20) tune
//! how hard a run leans on TMDB.

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

/// Variables that tune a run (read per invocation; absent or malformed means the default).
pub const SEED_CONCURRENCY: &str = "SEED_CONCURRENCY";
pub const SEED_REQUESTS_PER_SECOND: &str = "SEED_REQUESTS_PER_SECOND";

/// The importer's options, tuned by `SEED_CONCURRENCY` and `SEED_REQUESTS_PER_SECOND`.
pub fn options_from(get: impl Fn(&str) -> Option<String>) -> ImportOptions {
    let mut options = ImportOptions::default();
    let read = |key: &'static str, range: std::ops::RangeInclusive<u32>| -> Option<u32> {
        let raw = get(key)?;
        let value = raw.trim().parse::<u32>().ok().filter(|v| range.contains(v));
        if value.is_none() {
            tracing::warn!(
                key,
                min = range.start(),
                max = range.end(),
                "malformed setting; using the default"
            );
        }
        value
    };
    if let Some(concurrency) = read(SEED_CONCURRENCY, 1..=16) {
        options.concurrency = concurrency as usize;
    }
    // TMDB allows about 40 requests a second per IP; the default stays at half of that.
    if let Some(rate) = read(SEED_REQUESTS_PER_SECOND, 1..=40) {
        options.client.requests_per_second = rate;
    }
    options
}

/// Runs one seed invocation, stopping in time for `deadline`. A run cut short by the deadline
/// is a success (`status: interrupted`): the next invocation resumes it.
pub async fn handle(
    state: &AppState,
    request: SeedRequest,
    deadline: Option<Instant>,
) -> Result<ImportReport, SeedError> {
    let options = options_from(|key| std::env::var(key).ok());
    handle_with(state, request, &options, deadline).await
}

/// [`handle`] with explicit importer options.
pub async fn handle_with(
    state: &AppState,
    request: SeedRequest,
    options: &ImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, SeedError> {
    let time_left_ms = deadline.map(|at| at.saturating_duration_since(Instant::now()).as_millis());
    tracing::info!(source = ?request.source, ?time_left_ms, "seed requested");
    let report = shared::import::import(state, &request, options, deadline).await?;
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
    fn options_come_from_the_environment_within_bounds() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |key: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == key)
                    .map(|(_, v)| v.to_string())
            }
        };
        let defaults = options_from(env(&[]));
        assert_eq!(defaults.concurrency, 4);
        assert_eq!(defaults.client.requests_per_second, 20);
        let tuned = options_from(env(&[
            (SEED_CONCURRENCY, "2"),
            (SEED_REQUESTS_PER_SECOND, " 35 "),
        ]));
        assert_eq!(
            (tuned.concurrency, tuned.client.requests_per_second),
            (2, 35)
        );
        for bad in ["0", "41", "-1", "lots", ""] {
            let options = options_from(move |key: &str| {
                (key == SEED_REQUESTS_PER_SECOND).then(|| bad.to_string())
            });
            assert_eq!(options.client.requests_per_second, 20, "{bad}");
        }
    }

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
