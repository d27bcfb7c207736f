//! The catalog importer behind the seed function and the embedded default's first start.
//!
//! A run reads genres, the requested TMDB lists, every listed movie (details, credits, keywords,
//! external ids) and the people credited in them, and upserts each by TMDB id. It is polite
//! (bounded concurrency, paced requests, `Retry-After` honoured), robust (transient failures
//! retried with backoff, a failing item counted and skipped), idempotent (the store reports
//! unchanged documents) and resumable (the cursor in `seed_runs`). The bundled sample goes
//! through the same engine with a source that reads files instead of HTTP.

mod awards;
mod cursor;
mod request;
mod run;
mod sample;
mod sample_awards;
mod source;

pub use awards::{import_awards, AwardImportOptions, AWARDS_SOURCE};
pub use cursor::Cursor;
pub use request::{ImportRequest, ListName, Pages, SourceKind};
pub use run::{credited_people, run, ImportError, ImportOptions, ImportReport};
pub use sample::{SampleError, SampleSource};
pub use source::{CatalogSource, MovieIds, SourceError, TmdbSource};

use chrono::Utc;
use tokio::time::Instant;

use crate::config::StoreSetting;
use crate::domain::{SeedCounts, SeedRun, SeedStatus};
use crate::stores::catalog::CatalogStore;
use crate::stores::Backend;
use crate::tmdb::TmdbClient;
use crate::wikidata::SparqlClient;
use crate::AppState;

/// Runs one import for `request` over the state's catalog and cache, stopping in time for
/// `deadline` (the Lambda deadline; `None` runs to the end). With `awards`, a catalog run that
/// completed is followed by the awards import, whose report is attached.
pub async fn import(
    state: &AppState,
    request: &ImportRequest,
    options: &ImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, ImportError> {
    let mut report = import_catalog(state, request, options, deadline).await?;
    let awards_follow = request.awards && request.source != SourceKind::Wikidata;
    if awards_follow && report.status == SeedStatus::Completed {
        report.awards = Some(Box::new(
            awards_from_wikidata(state, &options.awards, deadline).await?,
        ));
    }
    Ok(report)
}

/// The awards import over the state's catalog, cache and `WIKIDATA_SPARQL_URL`.
async fn awards_from_wikidata(
    state: &AppState,
    options: &AwardImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, ImportError> {
    let endpoint = match &state.settings().wikidata_sparql_url {
        StoreSetting::Production(url) => url.clone(),
        StoreSetting::Embedded => {
            return Err(ImportError::NotConfigured(
                "WIKIDATA_SPARQL_URL is not set".into(),
            ))
        }
        StoreSetting::Invalid { key, reason } => {
            return Err(ImportError::NotConfigured(format!(
                "{key} is malformed: {reason}"
            )))
        }
    };
    let client = SparqlClient::new(state.http().clone(), endpoint, options.sparql.clone());
    import_awards(state.catalog()?, state.cache(), &client, options, deadline).await
}

async fn import_catalog(
    state: &AppState,
    request: &ImportRequest,
    options: &ImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, ImportError> {
    let catalog = state.catalog()?;
    match request.source {
        SourceKind::Wikidata => awards_from_wikidata(state, &options.awards, deadline).await,
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
/// sample, all at once ([`CatalogStore::fill_empty`]), so a start that dies half-way leaves the
/// catalog empty for the next one to fill. Idempotent (a filled catalog is left alone); a
/// failure is logged and start-up goes on.
pub async fn seed_sample_if_empty(state: &AppState) {
    if state.catalog_slot().backend() != Some(Backend::Embedded) {
        return;
    }
    let Ok(catalog) = state.catalog() else {
        return;
    };
    match catalog.is_empty().await {
        Ok(true) => {}
        Ok(false) => return,
        Err(error) => {
            tracing::warn!(error = %error, "could not tell whether the catalog is empty; no sample loaded");
            return;
        }
    }
    match load_sample(catalog).await {
        Ok(Some(run)) => tracing::info!(counts = ?run.counts, "loaded the sample catalog"),
        Ok(None) => {} // another process filled it first
        Err(error) => tracing::warn!(error = %error, "could not load the sample catalog"),
    }
}

/// Fills an empty catalog with the sample and records it as a completed seed run; `None` when
/// the catalog was not empty after all.
async fn load_sample(catalog: &dyn CatalogStore) -> Result<Option<SeedRun>, ImportError> {
    let started_at = Utc::now();
    let sample = SampleSource::bundled()?;
    let (movies, people) = (sample.movie_list(), sample.person_list());
    if !catalog
        .fill_empty(sample.genre_list(), &movies, &people)
        .await?
    {
        return Ok(None);
    }
    let run = SeedRun {
        id: uuid::Uuid::now_v7().to_string(),
        source: SourceKind::Sample.as_str().to_string(),
        started_at,
        finished_at: Some(Utc::now()),
        status: SeedStatus::Completed,
        counts: SeedCounts {
            inserted: (movies.len() + people.len()) as u64,
            ..SeedCounts::default()
        },
        last_error: None,
        cursor: serde_json::Value::Null,
    };
    catalog.save_seed_run(&run).await?;
    Ok(Some(run))
}
