//! The run engine: genres, then the movie lists, then each movie, then each credited person,
//! recorded in `seed_runs` as it goes so a stopped run resumes where it left off.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use backon::{ExponentialBuilder, Retryable};
use chrono::Utc;
use futures::future::BoxFuture;
use futures::{stream, FutureExt, StreamExt};
use serde::Serialize;
use tokio::time::Instant;

use super::cursor::{Cursor, Watermark};
use super::request::ImportRequest;
use super::source::{CatalogSource, SourceError};
use crate::cache::Cache;
use crate::domain::{Movie, PersonId, SeedCounts, SeedRun, SeedStatus, UpsertOutcome};
use crate::stores::{CatalogStore, StoreError};
use crate::tmdb::ClientOptions;

/// Cast members imported per movie, by billing order (the rest stay names in the credits).
const CAST_PER_MOVIE: usize = 10;
/// Crew jobs whose people are imported.
const KEY_JOBS: &[&str] = &[
    "Director",
    "Screenplay",
    "Writer",
    "Story",
    "Novel",
    "Original Music Composer",
    "Director of Photography",
];

#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Items imported at once (each is one TMDB request and one store write).
    pub concurrency: usize,
    pub client: ClientOptions,
    /// Time kept free before the deadline; `None` picks a tenth of the time left, 5–60 s.
    pub stop_margin: Option<Duration>,
    /// The cursor is saved after this many finished items, or this long after the last save,
    /// whichever comes first: a crash repeats at most that much work.
    pub checkpoint_every: usize,
    pub checkpoint_interval: Duration,
    /// An unfinished run older than this is abandoned rather than resumed.
    pub resume_within: Duration,
    /// The awards import's own options.
    pub awards: super::AwardImportOptions,
}

impl Default for ImportOptions {
    fn default() -> Self {
        Self {
            concurrency: 4,
            client: ClientOptions::default(),
            stop_margin: None,
            checkpoint_every: 20,
            checkpoint_interval: Duration::from_secs(5),
            resume_within: Duration::from_secs(7 * 24 * 60 * 60),
            awards: super::AwardImportOptions::default(),
        }
    }
}

/// What a run did: the output of the seed function.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ImportReport {
    pub run_id: String,
    pub source: String,
    pub status: SeedStatus,
    /// True when this invocation continued an earlier, unfinished run.
    pub resumed: bool,
    /// Counts over the whole run (all its invocations): movies, people, and list pages or genre
    /// lists that could not be read.
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
    /// Movies and people the run covers.
    pub movies: usize,
    pub people: usize,
    /// Time this invocation took.
    pub elapsed_ms: u64,
    pub last_error: Option<String>,
    /// The awards import that followed (`"awards": true`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awards: Option<Box<ImportReport>>,
}

impl ImportReport {
    /// The report of `record` as it stands at the end of an invocation that began at `started`.
    pub(crate) fn of_run(
        record: &SeedRun,
        resumed: bool,
        (movies, people): (usize, usize),
        started: Instant,
    ) -> Self {
        let counts = record.counts;
        Self {
            run_id: record.id.clone(),
            source: record.source.clone(),
            status: record.status,
            resumed,
            inserted: counts.inserted,
            updated: counts.updated,
            unchanged: counts.unchanged,
            failed: counts.failed,
            movies,
            people,
            elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
            last_error: record.last_error.clone(),
            awards: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the catalog store failed: {0}")]
    Store(#[from] StoreError),
    #[error("{0}")]
    NotConfigured(String),
    #[error(transparent)]
    Sample(#[from] super::sample::SampleError),
}

/// When to stop starting items, and when to abandon the ones in flight.
#[derive(Debug, Clone, Copy)]
struct Budget {
    stop_at: Option<Instant>,
    cut_at: Option<Instant>,
}

impl Budget {
    fn new(deadline: Option<Instant>, margin: Option<Duration>) -> Self {
        let Some(deadline) = deadline else {
            return Self {
                stop_at: None,
                cut_at: None,
            };
        };
        let left = deadline.saturating_duration_since(Instant::now());
        let margin = margin.unwrap_or_else(|| {
            (left / 10)
                .clamp(Duration::from_secs(5), Duration::from_secs(60))
                .min(left / 2)
        });
        // New items stop at the margin; items in flight get half of it, the rest is for saving.
        Self {
            stop_at: deadline.checked_sub(margin),
            cut_at: deadline.checked_sub(margin / 2),
        }
    }

    fn exhausted(&self) -> bool {
        self.stop_at.is_some_and(|at| Instant::now() >= at)
    }

    /// `None` when the item was cut off by the deadline.
    async fn within<F: Future>(self, work: F) -> Option<F::Output> {
        match self.cut_at {
            Some(at) => tokio::time::timeout_at(at, work).await.ok(),
            None => Some(work.await),
        }
    }
}

/// Why a run stopped before the end.
#[derive(Debug, Clone)]
enum Stop {
    OutOfTime,
    /// Every further item would fail the same way (bad credentials, store down).
    Fatal(String),
}

/// One movie or person imported.
struct Imported {
    outcome: UpsertOutcome,
    /// Cache entries that now hold stale data (when the document changed).
    stale: Vec<String>,
    people: Vec<PersonId>,
}

enum ItemError {
    Source(SourceError),
    Store(StoreError),
}

type ItemFuture<'a> = BoxFuture<'a, Result<Imported, ItemError>>;

/// A store write, retried while the store is briefly unavailable (SQLite answers "database is
/// locked" to a concurrent writer; a MongoDB primary may be stepping down). Other errors, and
/// an outage that outlasts the retries, stop the run.
async fn with_store_retries<T, F, Fut>(write: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, StoreError>>,
{
    let backoff = ExponentialBuilder::default()
        .with_min_delay(Duration::from_millis(20))
        .with_max_delay(Duration::from_secs(1))
        .with_max_times(6)
        .with_jitter();
    write
        .retry(backoff)
        .sleep(tokio::time::sleep)
        .when(|error| matches!(error, StoreError::Unavailable { .. }))
        .await
}

/// The people of a movie worth a `/person` request: top-billed cast and key crew.
pub fn credited_people(movie: &Movie) -> Vec<PersonId> {
    let cast = movie
        .credits
        .cast
        .iter()
        .take(CAST_PER_MOVIE)
        .map(|c| c.person_id);
    let crew = movie
        .credits
        .crew
        .iter()
        .filter(|c| KEY_JOBS.contains(&c.job.as_str()))
        .map(|c| c.person_id);
    super::source::dedup_in_order(cast.chain(crew))
}

struct Run<'a> {
    catalog: &'a dyn CatalogStore,
    cache: &'a Cache,
    source: &'a dyn CatalogSource,
    options: &'a ImportOptions,
    budget: Budget,
    record: SeedRun,
    cursor: Cursor,
    stale: Vec<String>,
    changed: bool,
    stop: Option<Stop>,
    /// Fetches overlap, store writes take turns: SQLite has one writer at a time (concurrent
    /// transactions fail with "database is locked"), and a write takes milliseconds next to a
    /// TMDB request, so turns cost nothing on MongoDB either.
    writes: &'a tokio::sync::Mutex<()>,
}

/// Runs (or resumes) one import and records it. Fails only when the run cannot be recorded at
/// start; anything after that ends in the report's status.
pub async fn run(
    catalog: &dyn CatalogStore,
    cache: &Cache,
    source: &dyn CatalogSource,
    request: &ImportRequest,
    options: &ImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let (record, cursor, resumed) = begin(catalog, request, options).await?;
    let writes = tokio::sync::Mutex::new(());
    let mut run = Run {
        catalog,
        cache,
        source,
        options,
        budget: Budget::new(deadline, options.stop_margin),
        record,
        cursor,
        stale: Vec::new(),
        changed: false,
        stop: None,
        writes: &writes,
    };
    catalog.save_seed_run(&run.snapshot()).await?;
    tracing::info!(run_id = %run.record.id, resumed, source = %run.record.source, "seed run started");
    run.genres().await;
    run.movie_list().await;
    run.movies().await;
    if run.cursor.request.people {
        run.people().await;
    }
    Ok(run.finish(resumed, started).await)
}

/// The run to continue (same request, unfinished, recent) or a new one.
async fn begin(
    catalog: &dyn CatalogStore,
    request: &ImportRequest,
    options: &ImportOptions,
) -> Result<(SeedRun, Cursor, bool), StoreError> {
    let now = Utc::now();
    // Its own source's latest run: an awards run in between does not stop a resume.
    if let Some(previous) = catalog.latest_seed_run_of(request.source.as_str()).await? {
        let recent = chrono::Duration::from_std(options.resume_within)
            .is_ok_and(|limit| now - previous.started_at <= limit);
        let cursor = Cursor::from_json(&previous.cursor);
        if let Some(cursor) = cursor
            .filter(|c| previous.status != SeedStatus::Completed && recent && c.request == *request)
        {
            let record = SeedRun {
                status: SeedStatus::Running,
                finished_at: None,
                ..previous
            };
            return Ok((record, cursor, true));
        }
    }
    let record = SeedRun {
        id: uuid::Uuid::now_v7().to_string(),
        source: request.source.as_str().to_string(),
        started_at: now,
        finished_at: None,
        status: SeedStatus::Running,
        counts: SeedCounts::default(),
        last_error: None,
        cursor: serde_json::Value::Null,
    };
    Ok((record, Cursor::new(request.clone()), false))
}

impl<'a> Run<'a> {
    fn snapshot(&self) -> SeedRun {
        SeedRun {
            cursor: self.cursor.to_json(),
            ..self.record.clone()
        }
    }

    /// Saves progress; a failure only costs some repeated work on resume.
    async fn checkpoint(&self) {
        if let Err(error) = self.catalog.save_seed_run(&self.snapshot()).await {
            tracing::warn!(error = %error, "could not save the seed cursor");
        }
    }

    /// Whether the run may go on; notes that time ran out.
    fn may_continue(&mut self) -> bool {
        if self.stop.is_none() && self.budget.exhausted() {
            self.stop = Some(Stop::OutOfTime);
        }
        self.stop.is_none()
    }

    fn fail_item(&mut self, error: &SourceError) {
        self.record.counts.failed += 1;
        self.record.last_error = Some(error.to_string());
        if error.is_fatal() {
            self.stop = Some(Stop::Fatal(error.to_string()));
        }
    }

    fn count(&mut self, imported: Imported) {
        let counts = &mut self.record.counts;
        match imported.outcome {
            UpsertOutcome::Inserted => counts.inserted += 1,
            UpsertOutcome::Updated => counts.updated += 1,
            UpsertOutcome::Unchanged => counts.unchanged += 1,
        }
        if imported.outcome != UpsertOutcome::Unchanged {
            self.changed = true;
        }
        if imported.outcome == UpsertOutcome::Updated {
            self.stale.extend(imported.stale);
        }
    }

    async fn genres(&mut self) {
        if self.cursor.genres_done || !self.may_continue() {
            return;
        }
        let (source, catalog) = (self.source, self.catalog);
        let work = async move {
            let genres = source.genres().await.map_err(ItemError::Source)?;
            // The store does not say whether genres changed; renames are rare and the genre
            // list expires by its TTL, so they alone do not refresh the cached lists.
            with_store_retries(|| catalog.upsert_genres(&genres))
                .await
                .map_err(ItemError::Store)
        };
        match self.budget.within(work).await {
            None => {
                self.stop = Some(Stop::OutOfTime);
                return;
            }
            Some(Ok(())) => {}
            Some(Err(ItemError::Store(error))) => {
                self.stop = Some(Stop::Fatal(error.to_string()));
                return;
            }
            Some(Err(ItemError::Source(error))) => {
                self.fail_item(&error);
                if self.stop.is_some() {
                    return;
                }
            }
        }
        self.cursor.genres_done = true;
    }

    async fn movie_list(&mut self) {
        if self.cursor.movie_ids.is_some() || !self.may_continue() {
            return;
        }
        let reading = self
            .source
            .movie_ids(&self.cursor.request, self.options.concurrency);
        let Some(read) = self.budget.within(reading).await else {
            self.stop = Some(Stop::OutOfTime);
            return;
        };
        for error in &read.errors {
            self.fail_item(error);
        }
        if read.ids.is_empty() && !read.errors.is_empty() && self.stop.is_none() {
            self.stop = Some(Stop::Fatal("no movie list could be read".into()));
        }
        if self.stop.is_none() {
            self.cursor.movie_ids = Some(read.ids);
            self.checkpoint().await;
        }
    }

    async fn movies(&mut self) {
        let ids = self.cursor.movie_ids.clone().unwrap_or_default();
        let (source, catalog, cache, writes) = (self.source, self.catalog, self.cache, self.writes);
        let import = move |id| -> ItemFuture<'a> {
            async move {
                let movie = source.movie(id).await.map_err(ItemError::Source)?;
                let _turn = writes.lock().await;
                let outcome = with_store_retries(|| catalog.upsert_movie(&movie))
                    .await
                    .map_err(ItemError::Store)?;
                Ok(Imported {
                    outcome,
                    stale: cache.movie_keys(id),
                    people: credited_people(&movie),
                })
            }
            .boxed()
        };
        let start = self.cursor.movies_done;
        self.phase(ids, start, import, |cursor, done| cursor.movies_done = done)
            .await;
    }

    async fn people(&mut self) {
        let ids = self.cursor.person_ids.clone();
        let (source, catalog, cache, writes) = (self.source, self.catalog, self.cache, self.writes);
        let import = move |id| -> ItemFuture<'a> {
            async move {
                let person = source.person(id).await.map_err(ItemError::Source)?;
                let _turn = writes.lock().await;
                let outcome = with_store_retries(|| catalog.upsert_person(&person))
                    .await
                    .map_err(ItemError::Store)?;
                Ok(Imported {
                    outcome,
                    stale: vec![cache.person_key(id)],
                    people: Vec::new(),
                })
            }
            .boxed()
        };
        let start = self.cursor.people_done;
        // Only the movies phase may finish the people list: a run stopped among the movies
        // leaves the people to its resumption.
        if self.cursor.movies_done < self.cursor.movie_ids.as_ref().map_or(0, Vec::len) {
            return;
        }
        self.phase(ids, start, import, |cursor, done| cursor.people_done = done)
            .await;
    }

    /// Imports `ids[start..]` with bounded concurrency, moving the cursor with `set_done`.
    async fn phase<I, F>(
        &mut self,
        ids: Vec<I>,
        start: usize,
        import: F,
        set_done: fn(&mut Cursor, usize),
    ) where
        I: Copy + Send + Sync + 'a,
        F: Fn(I) -> ItemFuture<'a>,
    {
        if start >= ids.len() || !self.may_continue() {
            return;
        }
        let budget = self.budget;
        let ids_len = ids.len();
        // Set when the run must stop: no new item starts after it.
        let halt = Arc::new(AtomicBool::new(false));
        let halted = Arc::clone(&halt);
        let mut results = stream::iter(start..ids.len())
            .take_while(move |_| {
                futures::future::ready(!halted.load(Ordering::Relaxed) && !budget.exhausted())
            })
            .map(|index| {
                let work = import(ids[index]);
                async move { (index, budget.within(work).await) }
            })
            .buffer_unordered(self.options.concurrency.max(1));
        let mut mark = Watermark::starting_at(start);
        let mut known: HashSet<PersonId> = self.cursor.person_ids.iter().copied().collect();
        let mut since_checkpoint = 0;
        let mut last_checkpoint = Instant::now();
        let mut done = start;
        while let Some((index, result)) = results.next().await {
            match result {
                // Cut off by the deadline: not finished, so the resumption redoes it.
                None => {
                    self.stop = Some(Stop::OutOfTime);
                    halt.store(true, Ordering::Relaxed);
                    continue;
                }
                Some(Ok(imported)) => {
                    for person in &imported.people {
                        if known.insert(*person) {
                            self.cursor.person_ids.push(*person);
                        }
                    }
                    self.count(imported);
                }
                Some(Err(ItemError::Source(error))) => {
                    tracing::warn!(error = %error, "an item failed; the run goes on");
                    self.fail_item(&error);
                    if self.stop.is_some() {
                        halt.store(true, Ordering::Relaxed);
                        continue;
                    }
                }
                Some(Err(ItemError::Store(error))) => {
                    self.record.last_error = Some(error.to_string());
                    self.stop = Some(Stop::Fatal(error.to_string()));
                    halt.store(true, Ordering::Relaxed);
                    continue;
                }
            }
            done = mark.finish(index);
            set_done(&mut self.cursor, done);
            since_checkpoint += 1;
            if since_checkpoint >= self.options.checkpoint_every.max(1)
                || last_checkpoint.elapsed() >= self.options.checkpoint_interval
            {
                since_checkpoint = 0;
                last_checkpoint = Instant::now();
                self.checkpoint().await;
            }
        }
        // Short of the end without a stop set above, only the budget can have ended the stream.
        if done < ids_len && self.stop.is_none() {
            self.stop = Some(Stop::OutOfTime);
        }
    }

    async fn finish(mut self, resumed: bool, started: Instant) -> ImportReport {
        self.record.status = match &self.stop {
            None => SeedStatus::Completed,
            Some(Stop::OutOfTime) => SeedStatus::Interrupted,
            Some(Stop::Fatal(reason)) => {
                self.record.last_error = Some(reason.clone());
                SeedStatus::Failed
            }
        };
        self.record.finished_at = Some(Utc::now());
        if let Err(error) = self.catalog.save_seed_run(&self.snapshot()).await {
            tracing::error!(error = %error, "could not record the end of the seed run");
        }
        if self.changed {
            if let Err(error) = self.catalog.recount_genres().await {
                tracing::error!(error = %error, "could not recount the genres after the import");
            }
            for chunk in self.stale.chunks(500) {
                self.cache.invalidate(chunk).await;
            }
            self.cache.invalidate_lists().await;
        }
        let covered = (
            self.cursor.movie_ids.as_ref().map_or(0, Vec::len),
            self.cursor.person_ids.len(),
        );
        let report = ImportReport::of_run(&self.record, resumed, covered, started);
        tracing::info!(?report, "seed run ended");
        report
    }
}
