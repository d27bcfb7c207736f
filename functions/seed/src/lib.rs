//! The seed function: imports the catalog from TMDB (or the bundled sample) on a schedule.

use serde::{Deserialize, Serialize};
use shared::AppState;

/// Which catalog source a run imports from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Tmdb,
    Sample,
}

/// The invocation payload: `{source, pages?, lists?, people?}`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SeedRequest {
    pub source: Source,
    pub pages: Option<u32>,
    pub lists: Option<Vec<String>>,
    pub people: Option<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error("seeding is not implemented yet")]
    NotImplemented,
}

/// Runs one seed invocation.
pub async fn handle(
    _state: &AppState,
    request: SeedRequest,
) -> Result<serde_json::Value, SeedError> {
    tracing::info!(source = ?request.source, "seed requested");
    Err(SeedError::NotImplemented)
}
