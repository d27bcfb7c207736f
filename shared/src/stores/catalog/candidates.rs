//! Movies as similarity sees them (genres, keywords, directors, top-billed cast), fetched in
//! bulk: the similar-movies ranking and personal recommendations score them in memory, so a
//! ranking reads the catalog a fixed number of times whatever the number of candidates.
//!
//! Summaries do not serve: they carry no keywords or credits.

use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use sqlx::sqlite::SqliteRow;
use sqlx::Row;

use super::embedded::{summary_from_row, SUMMARY_COLUMNS};
use super::mongo::mongo_error;
use super::{EmbeddedCatalog, MongoCatalog};
use crate::domain::{Movie, MovieId, PersonId};
use crate::recommend::TOP_BILLED;
use crate::recommend::{CandidateProbe, MovieFeatures};
use crate::stores::StoreError;

#[async_trait::async_trait]
pub trait CandidateStore: Send + Sync {
    /// The features of those of `ids` that exist, in no particular order. One query.
    async fn movie_features(&self, ids: &[MovieId]) -> Result<Vec<MovieFeatures>, StoreError>;

    /// At most `limit` movies matching `probe`: those sharing a keyword or person first, then
    /// those sharing only a genre, each group most popular first (then by id). At most two
    /// queries.
    async fn candidate_features(
        &self,
        probe: &CandidateProbe,
        limit: u32,
    ) -> Result<Vec<MovieFeatures>, StoreError>;
}

fn json_ids<T: Copy + Into<i64>>(ids: &[T]) -> String {
    let ids: Vec<i64> = ids.iter().map(|&id| id.into()).collect();
    serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())
}

fn sqlite(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx("catalog", error)
}

/// Candidates in two tiers: `specific` (a probed keyword or person: the rarest of the probe's,
/// [`SpecificProbe`](super::specific::SpecificProbe)), most popular first, then genre-only
/// matches read in popularity order, only while the limit is not reached: when the specific
/// movies fill it (a well-connected movie's do), no genre match is read at all, and scanning
/// every movie of a common genre would read most of the catalog. Every id list is one JSON
/// parameter, whatever its length. The features are extracted only for the chosen rows (after
/// the limit), not for every match looked at.
fn embedded_candidates_sql() -> String {
    format!(
        "WITH specific AS ( \
      SELECT movie_id AS id FROM catalog_movie_keywords \
       WHERE keyword_id IN (SELECT value FROM json_each(?2)) \
      UNION SELECT movie_id FROM catalog_movie_people \
       WHERE person_id IN (SELECT value FROM json_each(?3)) \
    ), chosen AS ( \
      SELECT * FROM (SELECT c.id AS cid, c.popularity AS cpop, 1 AS is_specific \
        FROM specific JOIN catalog_movies c ON c.id = specific.id \
       WHERE c.id NOT IN (SELECT value FROM json_each(?4)) \
       ORDER BY c.popularity DESC, c.id LIMIT ?5) \
      UNION ALL \
      SELECT * FROM (SELECT m.id, m.popularity, 0 FROM catalog_movies m \
       WHERE EXISTS (SELECT 1 FROM json_each(?1)) \
         AND m.id NOT IN (SELECT value FROM json_each(?4)) \
         AND m.id NOT IN (SELECT id FROM specific) \
         AND EXISTS (SELECT 1 FROM catalog_movie_genres g \
                      WHERE g.movie_id = m.id \
                        AND g.genre_id IN (SELECT value FROM json_each(?1))) \
       ORDER BY m.popularity DESC, m.id) \
      LIMIT ?5 \
    ) \
    SELECT {SUMMARY_COLUMNS}, {FEATURE_COLUMNS} \
      FROM chosen JOIN catalog_movies m ON m.id = chosen.cid \
     ORDER BY chosen.is_specific DESC, chosen.cpop DESC, chosen.cid"
    )
}

/// What similarity needs beyond the summary, extracted in SQL (`?6`: the top-billed bound), so
/// a candidate's overview, crew and other credits are never decoded: keyword ids, the ids of
/// the crew whose job is Director, and the ids of the top-billed cast.
const FEATURE_COLUMNS: &str = "\
    (SELECT json_group_array(json_extract(k.value, '$.id')) \
       FROM json_each(m.document, '$.keywords') k) AS f_keywords, \
    (SELECT json_group_array(json_extract(c.value, '$.person_id')) \
       FROM json_each(m.document, '$.credits.crew') c \
      WHERE json_extract(c.value, '$.job') = 'Director') AS f_directors, \
    (SELECT json_group_array(pid) FROM ( \
       SELECT json_extract(c.value, '$.person_id') AS pid \
         FROM json_each(m.document, '$.credits.cast') c \
        WHERE json_extract(c.value, '$.order') < ?6 \
        ORDER BY json_extract(c.value, '$.order'))) AS f_cast";

fn id_list(row: &SqliteRow, column: &str) -> Result<Vec<i64>, StoreError> {
    let text: String = row.try_get(column).map_err(sqlite)?;
    serde_json::from_str::<Vec<Option<i64>>>(&text)
        .map(|ids| ids.into_iter().flatten().collect())
        .map_err(|e| StoreError::Internal(format!("stored movie features: {e}")))
}

fn people(row: &SqliteRow, column: &str) -> Result<Vec<PersonId>, StoreError> {
    Ok(id_list(row, column)?
        .into_iter()
        .filter_map(PersonId::new)
        .collect())
}

fn features_from_row(row: &SqliteRow) -> Result<MovieFeatures, StoreError> {
    Ok(MovieFeatures::from_parts(
        summary_from_row(row)?,
        id_list(row, "f_keywords")?,
        people(row, "f_directors")?,
        people(row, "f_cast")?,
    ))
}

#[async_trait::async_trait]
impl CandidateStore for EmbeddedCatalog {
    async fn movie_features(&self, ids: &[MovieId]) -> Result<Vec<MovieFeatures>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        // The same extraction, its bound numbered after this query's one other parameter.
        let features = FEATURE_COLUMNS.replace("?6", "?2");
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS}, {features} FROM catalog_movies m \
             WHERE m.id IN (SELECT value FROM json_each(?1))"
        ))
        .bind(json_ids(ids))
        .bind(i64::from(TOP_BILLED))
        .fetch_all(self.pool())
        .await
        .map_err(sqlite)?;
        rows.iter().map(features_from_row).collect()
    }

    async fn candidate_features(
        &self,
        probe: &CandidateProbe,
        limit: u32,
    ) -> Result<Vec<MovieFeatures>, StoreError> {
        if probe.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let specific = self
            .specific_probe(json_ids(&probe.keywords), json_ids(&probe.people))
            .await?;
        let rows = sqlx::query(&embedded_candidates_sql())
            .bind(json_ids(&probe.genres))
            .bind(json_ids(&specific.keywords))
            .bind(json_ids(&specific.people))
            .bind(json_ids(&probe.exclude))
            .bind(i64::from(limit))
            .bind(i64::from(TOP_BILLED))
            .fetch_all(self.pool())
            .await
            .map_err(sqlite)?;
        rows.iter().map(features_from_row).collect()
    }
}

fn ids_bson<T: Copy + Into<i64>>(ids: &[T]) -> Vec<i64> {
    ids.iter().map(|&id| id.into()).collect()
}

fn features_from(document: Document) -> Result<MovieFeatures, StoreError> {
    let movie: Movie = bson::from_document(document)
        .map_err(|e| StoreError::Internal(format!("catalog document: {e}")))?;
    Ok(MovieFeatures::from_movie(&movie))
}

impl MongoCatalog {
    /// Whole documents matching `filter`, most popular first, at most `limit`.
    async fn features_where(
        &self,
        filter: Document,
        limit: u32,
    ) -> Result<Vec<MovieFeatures>, StoreError> {
        let documents: Vec<Document> = self
            .database()
            .collection::<Document>("movies")
            .find(filter)
            .sort(super::mongo_indexes::popularity_sort())
            .limit(i64::from(limit))
            .await
            .map_err(mongo_error)?
            .try_collect()
            .await
            .map_err(mongo_error)?;
        documents.into_iter().map(features_from).collect()
    }
}

#[async_trait::async_trait]
impl CandidateStore for MongoCatalog {
    async fn movie_features(&self, ids: &[MovieId]) -> Result<Vec<MovieFeatures>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let limit = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        self.features_where(doc! { "_id": { "$in": ids_bson(ids) } }, limit)
            .await
    }

    async fn candidate_features(
        &self,
        probe: &CandidateProbe,
        limit: u32,
    ) -> Result<Vec<MovieFeatures>, StoreError> {
        if probe.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let exclude = ids_bson(&probe.exclude);
        let mut found = Vec::new();
        if !probe.keywords.is_empty() || !probe.people.is_empty() {
            let filter = doc! {
                "_id": { "$nin": exclude.clone() },
                "$or": [
                    { "keyword_ids": { "$in": probe.keywords.clone() } },
                    { "people_ids": { "$in": ids_bson(&probe.people) } },
                ],
            };
            found = self.features_where(filter, limit).await?;
        }
        let room = limit.saturating_sub(u32::try_from(found.len()).unwrap_or(u32::MAX));
        if room > 0 && !probe.genres.is_empty() {
            let mut taken = exclude;
            taken.extend(found.iter().map(|f| f.id().get()));
            let filter = doc! {
                "_id": { "$nin": taken },
                "genre_ids": { "$in": ids_bson(&probe.genres) },
            };
            found.extend(self.features_where(filter, room).await?);
        }
        Ok(found)
    }
}
