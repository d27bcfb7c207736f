//! The awards import: wins and nominations of the catalog's movies and people from Wikidata.
//!
//! Movies first, in id order and in batches (`VALUES` of a few hundred TMDB ids): each batch asks
//! for the films' Wikidata items and for their award statements, which also name the people whose
//! own statements point at the film; each movie's entries are then written whole (unchanged
//! ones report `unchanged`). People next, in batches: their Wikidata items, and as awards the
//! very entries their films now hold, so a movie and its people carry one identical entry. A
//! query that times out is retried with half the batch. The cursor (phase and last id) is saved
//! after each batch in `seed_runs`, so a run stopped by the deadline or an outage resumes there.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::time::Duration;

use chrono::Utc;
use serde::{Deserialize, Serialize};
use tokio::time::Instant;

use super::run::{ImportError, ImportReport};
use crate::cache::Cache;
use crate::domain::{
    AwardBody, AwardEntry, AwardFor, AwardSource, MovieId, Outcome, PersonId, SeedCounts, SeedRun,
    SeedStatus, UpsertOutcome, WikidataId,
};
use crate::stores::{AwardRecord, CatalogStore};
use crate::wikidata::{self, AwardRow, SparqlClient, SparqlError};

/// The `source` of the awards import's seed runs.
pub const AWARDS_SOURCE: &str = "wikidata";

#[derive(Debug, Clone)]
pub struct AwardImportOptions {
    /// Ids per query (halved for a query that times out).
    pub batch_size: u32,
    pub sparql: wikidata::SparqlOptions,
    /// Time kept free before the deadline.
    pub stop_margin: Duration,
    /// An unfinished run older than this is started over rather than resumed.
    pub resume_within: Duration,
}

impl Default for AwardImportOptions {
    fn default() -> Self {
        Self {
            batch_size: 200,
            sparql: wikidata::SparqlOptions::default(),
            stop_margin: Duration::from_secs(70),
            resume_within: Duration::from_secs(7 * 24 * 60 * 60),
        }
    }
}

/// Where a run is: the phase and the last id finished in it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "phase", rename_all = "snake_case")]
enum AwardCursor {
    Movies { after: i64 },
    People { after: i64 },
}

/// Why a run stopped early.
enum Stop {
    OutOfTime,
    Source(SparqlError),
}

struct AwardRun<'a> {
    catalog: &'a dyn CatalogStore,
    client: &'a SparqlClient,
    options: &'a AwardImportOptions,
    record: SeedRun,
    cursor: AwardCursor,
    /// Cache entries holding data this invocation changed.
    stale: Vec<String>,
    cache: &'a Cache,
    movies: usize,
    people: usize,
}

/// Runs (or resumes) the awards import, stopping in time for `deadline`.
pub async fn import_awards(
    catalog: &dyn CatalogStore,
    cache: &Cache,
    client: &SparqlClient,
    options: &AwardImportOptions,
    deadline: Option<Instant>,
) -> Result<ImportReport, ImportError> {
    let started = Instant::now();
    let (record, cursor, resumed) = start(catalog, options).await?;
    let mut run = AwardRun {
        catalog,
        client,
        options,
        record,
        cursor,
        stale: Vec::new(),
        cache,
        movies: 0,
        people: 0,
    };
    catalog.save_seed_run(&run.snapshot()).await?;
    let stop = run.work(deadline).await?;
    run.finish(stop, resumed, started).await
}

async fn start(
    catalog: &dyn CatalogStore,
    options: &AwardImportOptions,
) -> Result<(SeedRun, AwardCursor, bool), ImportError> {
    let now = Utc::now();
    if let Some(previous) = catalog.latest_seed_run_of(AWARDS_SOURCE).await? {
        let recent = chrono::Duration::from_std(options.resume_within)
            .is_ok_and(|limit| now - previous.started_at <= limit);
        let cursor = serde_json::from_value::<AwardCursor>(previous.cursor.clone()).ok();
        if let (Some(cursor), true, false) =
            (cursor, recent, previous.status == SeedStatus::Completed)
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
        source: AWARDS_SOURCE.to_string(),
        started_at: now,
        finished_at: None,
        status: SeedStatus::Running,
        counts: SeedCounts::default(),
        last_error: None,
        cursor: serde_json::Value::Null,
    };
    Ok((record, AwardCursor::Movies { after: 0 }, false))
}

/// The entries of each movie in `rows`: one per award, category, year and outcome, naming every
/// person the rows name for it. A win makes the nomination for the same thing redundant.
fn entries_by_movie(rows: Vec<AwardRow>) -> HashMap<i64, Vec<AwardEntry>> {
    type Key = (i64, String, String, i32, Outcome);
    let mut grouped: BTreeMap<Key, (AwardRow, BTreeSet<i64>)> = BTreeMap::new();
    for row in rows {
        let key = (
            row.tmdb,
            row.body.as_str().to_string(),
            row.category.clone(),
            row.year.get(),
            row.outcome,
        );
        let person = row.person;
        let slot = grouped.entry(key).or_insert_with(|| (row, BTreeSet::new()));
        slot.1.extend(person);
    }
    let won: BTreeSet<(i64, String, String, i32)> = grouped
        .keys()
        .filter(|k| k.4 == Outcome::Won)
        .map(|k| (k.0, k.1.clone(), k.2.clone(), k.3))
        .collect();
    let mut by_movie: HashMap<i64, Vec<AwardEntry>> = HashMap::new();
    for ((tmdb, body, category, year, outcome), (row, people)) in grouped {
        if outcome == Outcome::Nominated && won.contains(&(tmdb, body, category, year)) {
            continue;
        }
        let ceremony = row
            .ceremony
            .clone()
            .unwrap_or_else(|| format!("{} {}", row.year, row.body.name()));
        by_movie.entry(tmdb).or_default().push(AwardEntry {
            award: AwardBody::from(row.body),
            category: row.category,
            year: row.year,
            ceremony,
            outcome,
            recipients: AwardFor {
                movie_id: MovieId::new(tmdb),
                person_ids: people.into_iter().filter_map(PersonId::new).collect(),
            },
            source: AwardSource::Wikidata,
        });
    }
    by_movie
}

/// What one batch's queries returned.
#[derive(Default)]
struct Fetched {
    items: HashMap<i64, WikidataId>,
    rows: Vec<AwardRow>,
    malformed: u64,
    /// Ids whose queries timed out even alone.
    failed: Vec<i64>,
}

impl AwardRun<'_> {
    fn snapshot(&self) -> SeedRun {
        SeedRun {
            cursor: serde_json::to_value(self.cursor).unwrap_or(serde_json::Value::Null),
            ..self.record.clone()
        }
    }

    fn count(&mut self, outcome: Option<UpsertOutcome>) {
        let counts = &mut self.record.counts;
        match outcome {
            Some(UpsertOutcome::Inserted) => counts.inserted += 1,
            Some(UpsertOutcome::Updated) => counts.updated += 1,
            // Unchanged, or gone since the batch was listed.
            Some(UpsertOutcome::Unchanged) | None => counts.unchanged += 1,
        }
    }

    async fn work(&mut self, deadline: Option<Instant>) -> Result<Option<Stop>, ImportError> {
        loop {
            if deadline.is_some_and(|at| Instant::now() + self.options.stop_margin >= at) {
                return Ok(Some(Stop::OutOfTime));
            }
            let step = match self.cursor {
                AwardCursor::Movies { after } => self.movie_batch(after).await?,
                AwardCursor::People { after } => self.people_batch(after).await?,
            };
            match step {
                Ok(true) => self.catalog.save_seed_run(&self.snapshot()).await?,
                Ok(false) => return Ok(None),
                Err(error) => return Ok(Some(Stop::Source(error))),
            }
        }
    }

    /// Runs `query` over `ids`, halving a batch whose query times out; an id that times out
    /// alone is counted as failed.
    async fn fetch(
        &self,
        ids: &[i64],
        query: impl Fn(&[i64]) -> (String, Option<String>),
    ) -> Result<Fetched, SparqlError> {
        let mut fetched = Fetched::default();
        let mut pending: Vec<Vec<i64>> = vec![ids.to_vec()];
        while let Some(chunk) = pending.pop() {
            let (items_query, awards_query) = query(&chunk);
            let answers = async {
                let items = self.client.select(&items_query).await?;
                let awards = match &awards_query {
                    Some(text) => Some(self.client.select(text).await?),
                    None => None,
                };
                Ok::<_, SparqlError>((items, awards))
            };
            match answers.await {
                Ok((items, awards)) => {
                    let items = wikidata::item_rows(&items)?;
                    fetched.malformed += items.malformed;
                    fetched.items.extend(items.rows);
                    if let Some(awards) = awards {
                        let awards = wikidata::award_rows(&awards)?;
                        fetched.malformed += awards.malformed;
                        fetched.rows.extend(awards.rows);
                    }
                }
                Err(SparqlError::Timeout) if chunk.len() > 1 => {
                    let (first, second) = chunk.split_at(chunk.len() / 2);
                    tracing::warn!(
                        ids = chunk.len(),
                        "SPARQL query timed out; halving the batch"
                    );
                    pending.push(second.to_vec());
                    pending.push(first.to_vec());
                }
                Err(SparqlError::Timeout) => fetched.failed.extend(chunk),
                Err(error) => return Err(error),
            }
        }
        Ok(fetched)
    }

    /// One batch of movies; `Ok(false)` when none are left (the people come next).
    async fn movie_batch(&mut self, after: i64) -> Result<Result<bool, SparqlError>, ImportError> {
        let ids = self
            .catalog
            .imported_movie_ids_after(after, self.options.batch_size)
            .await?;
        let Some(last) = ids.last().map(|id| id.get()) else {
            self.cursor = AwardCursor::People { after: 0 };
            return Ok(Ok(true));
        };
        let raw: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let fetched = match self
            .fetch(&raw, |chunk| {
                let chunk: Vec<MovieId> = chunk.iter().copied().filter_map(MovieId::new).collect();
                (
                    wikidata::movie_items_query(&chunk),
                    Some(wikidata::award_query(&chunk)),
                )
            })
            .await
        {
            Ok(fetched) => fetched,
            Err(error) => return Ok(Err(error)),
        };
        self.record.counts.failed += fetched.malformed + fetched.failed.len() as u64;
        let mut entries = entries_by_movie(fetched.rows);
        for id in ids {
            if fetched.failed.contains(&id.get()) {
                continue;
            }
            let record = AwardRecord::new(
                fetched.items.get(&id.get()).cloned(),
                entries.remove(&id.get()).unwrap_or_default(),
            );
            let outcome = self.catalog.set_movie_awards(id, &record).await?;
            if outcome == Some(UpsertOutcome::Updated) {
                self.stale.extend(self.cache.movie_keys(id));
            }
            self.count(outcome);
            self.movies += 1;
        }
        self.cursor = AwardCursor::Movies { after: last };
        Ok(Ok(true))
    }

    /// One batch of people; `Ok(false)` when none are left (the run is done).
    async fn people_batch(&mut self, after: i64) -> Result<Result<bool, SparqlError>, ImportError> {
        let ids = self
            .catalog
            .person_ids_after(after, self.options.batch_size)
            .await?;
        let Some(last) = ids.last().map(|id| id.get()) else {
            return Ok(Ok(false));
        };
        let raw: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let fetched = match self
            .fetch(&raw, |chunk| {
                let chunk: Vec<PersonId> =
                    chunk.iter().copied().filter_map(PersonId::new).collect();
                (wikidata::person_items_query(&chunk), None)
            })
            .await
        {
            Ok(fetched) => fetched,
            Err(error) => return Ok(Err(error)),
        };
        self.record.counts.failed += fetched.malformed + fetched.failed.len() as u64;
        // The people's entries are their films' own: one read for the whole batch.
        let entries = self.catalog.movie_entries_naming(&ids).await?;
        for id in ids {
            if fetched.failed.contains(&id.get()) {
                continue;
            }
            let theirs: Vec<AwardEntry> = entries
                .iter()
                .filter(|e| e.recipients.person_ids.contains(&id))
                .cloned()
                .collect();
            let record = AwardRecord::new(fetched.items.get(&id.get()).cloned(), theirs);
            let outcome = self.catalog.set_person_awards(id, &record).await?;
            if outcome == Some(UpsertOutcome::Updated) {
                self.stale.push(self.cache.person_key(id));
            }
            self.count(outcome);
            self.people += 1;
        }
        self.cursor = AwardCursor::People { after: last };
        Ok(Ok(true))
    }

    async fn finish(
        mut self,
        stop: Option<Stop>,
        resumed: bool,
        started: Instant,
    ) -> Result<ImportReport, ImportError> {
        self.record.status = match &stop {
            None => SeedStatus::Completed,
            Some(Stop::OutOfTime) => SeedStatus::Interrupted,
            Some(Stop::Source(error)) => {
                // The batch was not written: the next run resumes at it.
                self.record.last_error = Some(error.to_string());
                SeedStatus::Interrupted
            }
        };
        self.record.finished_at = Some(Utc::now());
        self.catalog.save_seed_run(&self.snapshot()).await?;
        if !self.stale.is_empty() {
            for chunk in self.stale.chunks(500) {
                self.cache.invalidate(chunk).await;
            }
            self.cache.invalidate_lists().await;
        }
        let report =
            ImportReport::of_run(&self.record, resumed, (self.movies, self.people), started);
        tracing::info!(?report, "awards import ended");
        Ok(report)
    }
}
