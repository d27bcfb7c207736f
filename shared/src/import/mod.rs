//! The catalog importer behind the seed function and the embedded default's first start.
//!
//! A run reads genres, the requested TMDB lists, every listed movie (details, credits, keywords,
//! external ids) and the people credited in them, and upserts each by TMDB id. It is polite
//! (bounded concurrency, paced requests, `Retry-After` honoured), robust (transient failures
//! retried with backoff, a failing item counted and skipped), idempotent (the store reports
//! unchanged documents) and resumable (the cursor in `seed_runs`). The bundled sample goes
//! through the same engine with a source that reads files instead of HTTP.

mod cursor;
mod request;
mod run;
mod sample;
mod source;

pub use cursor::Cursor;
pub use request::{ImportRequest, ListName, Pages, SourceKind};
pub use run::{credited_people, run, ImportError, ImportOptions, ImportReport};
pub use sample::{SampleError, SampleSource};
pub use source::{CatalogSource, MovieIds, SourceError, TmdbSource};

use tokio::time::Instant;

use crate::config::StoreSetting;
use crate::domain::{SeedRun, SeedStatus};
use crate::stores::Backend;
use crate::tmdb::TmdbClient;
use crate::AppState;

/// Runs one import for `request` over the state's catalog and cache, stopping in time for
/// `deadline` (the Lambda deadline; `None` runs to the end).
pub async fn import(
    state: &AppState,
    request: &ImportRequest,
    options: &ImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, ImportError> {
    let catalog = state.catalog()?;
    match request.source {
        SourceKind::Sample => {
            let source = SampleSource::bundled()?;
            run(catalog, state.cache(), &source, request, options, deadline).await
        }
        SourceKind::Tmdb => {
            let settings = match &state.settings().tmdb {
                StoreSetting::Production(settings) => settings.clone(),
                StoreSetting::Embedded => {
                    return Err(ImportError::NotConfigured(
                        "TMDB is not configured: set TMDB_API_TOKEN (or TMDB_API_KEY)".into(),
                    ))
                }
                StoreSetting::Invalid { key, reason } => {
                    return Err(ImportError::NotConfigured(format!(
                        "{key} is malformed: {reason}"
                    )))
                }
            };
            let client = TmdbClient::new(state.http().clone(), settings, options.client.clone());
            let source = TmdbSource::new(client);
            run(catalog, state.cache(), &source, request, options, deadline).await
        }
    }
}

/// The embedded default's first start: an embedded catalog without movies gets the bundled
/// sample, and a sample load cut short is finished. Idempotent (a filled catalog is left
/// alone); a failure is logged and start-up goes on.
pub async fn seed_sample_if_empty(state: &AppState) {
    if state.catalog_slot().backend() != Some(Backend::Embedded) {
        return;
    }
    let Ok(catalog) = state.catalog() else {
        return;
    };
    // Empty, or holding part of a sample load that stopped (a crash on a first start).
    let unfinished_sample = |run: Option<SeedRun>| {
        run.is_some_and(|r| {
            r.source == SourceKind::Sample.as_str() && r.status != SeedStatus::Completed
        })
    };
    let wanted = match catalog.is_empty().await {
        Ok(true) => true,
        Ok(false) => catalog
            .latest_seed_run()
            .await
            .map(unfinished_sample)
            .unwrap_or(false),
        Err(error) => {
            tracing::warn!(error = %error, "could not tell whether the catalog is empty; no sample loaded");
            false
        }
    };
    if !wanted {
        return;
    }
    let request = ImportRequest::sample();
    match import(state, &request, &ImportOptions::default(), None).await {
        Ok(report) => tracing::info!(?report, "loaded the sample catalog"),
        Err(error) => tracing::warn!(error = %error, "could not load the sample catalog"),
    }
}
