//! Movies as similarity sees them (genres, keywords, directors, top-billed cast), fetched in
//! bulk: the similar-movies ranking and personal recommendations score them in memory, so a
//! ranking reads the catalog a fixed number of times whatever the number of candidates.
//!
//! The existing reads do not serve: summaries carry no keywords or credits, and
//! `similar_movies` ranks against one movie with the catalog's generic weights.

use futures::TryStreamExt;
use mongodb::bson::{self, doc, Document};

use super::embedded::movie_from_row;
use super::mongo::mongo_error;
use super::{EmbeddedCatalog, MongoCatalog};
use crate::domain::{Movie, MovieId};
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

/// Candidates in two tiers: `specific` (a shared keyword or person) before genre-only matches.
/// Every id list is one JSON parameter, whatever its length.
const EMBEDDED_CANDIDATES: &str = "WITH specific AS ( \
      SELECT movie_id AS id FROM catalog_movie_keywords \
       WHERE keyword_id IN (SELECT value FROM json_each(?2)) \
      UNION SELECT movie_id FROM catalog_movie_people \
       WHERE person_id IN (SELECT value FROM json_each(?3)) \
    ), broad AS ( \
      SELECT movie_id AS id FROM catalog_movie_genres \
       WHERE genre_id IN (SELECT value FROM json_each(?1)) \
    ) \
    SELECT m.document, m.rating_average, m.rating_count, \
           m.id IN (SELECT id FROM specific) AS is_specific \
      FROM catalog_movies m \
     WHERE (m.id IN (SELECT id FROM specific) OR m.id IN (SELECT id FROM broad)) \
       AND m.id NOT IN (SELECT value FROM json_each(?4)) \
     ORDER BY is_specific DESC, m.popularity DESC, m.id \
     LIMIT ?5";

#[async_trait::async_trait]
impl CandidateStore for EmbeddedCatalog {
    async fn movie_features(&self, ids: &[MovieId]) -> Result<Vec<MovieFeatures>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT document, rating_average, rating_count FROM catalog_movies \
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(json_ids(ids))
        .fetch_all(self.pool())
        .await
        .map_err(sqlite)?;
        rows.iter()
            .map(|row| movie_from_row(row).map(|movie| MovieFeatures::from_movie(&movie)))
            .collect()
    }

    async fn candidate_features(
        &self,
        probe: &CandidateProbe,
        limit: u32,
    ) -> Result<Vec<MovieFeatures>, StoreError> {
        if probe.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(EMBEDDED_CANDIDATES)
            .bind(json_ids(&probe.genres))
            .bind(json_ids(&probe.keywords))
            .bind(json_ids(&probe.people))
            .bind(json_ids(&probe.exclude))
            .bind(i64::from(limit))
            .fetch_all(self.pool())
            .await
            .map_err(sqlite)?;
        rows.iter()
            .map(|row| movie_from_row(row).map(|movie| MovieFeatures::from_movie(&movie)))
            .collect()
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
            .sort(doc! { "popularity": -1, "_id": 1 })
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
