//! Awards and external ids in the embedded catalog: the rows of `catalog_awards` (one per entry
//! and holder, beside the copy in each document) and the [`AwardStore`] reads and writes.

use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};

use super::awards::{AwardRecord, AwardStore, FoundByExternalId};
use super::embedded::{db, movie_from_row, summary_from_row, EmbeddedCatalog, SUMMARY_COLUMNS};
use super::embedded_rows::{to_json, PersonRow};
use crate::domain::{
    AwardCounts, AwardEntry, AwardId, AwardYear, ExternalId, MovieId, PersonId, PersonSummary,
    UpsertOutcome,
};
use crate::stores::StoreError;

/// Rows per insert statement (6 columns each, far below SQLite's parameter limit).
const ROWS_PER_STATEMENT: usize = 500;

/// Whose awards a row lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Subject {
    Movie,
    Person,
}

impl Subject {
    fn as_str(self) -> &'static str {
        match self {
            Self::Movie => "movie",
            Self::Person => "person",
        }
    }
}

/// One row of `catalog_awards`.
pub(super) struct AwardRow {
    subject: &'static str,
    subject_id: i64,
    position: i64,
    award_id: &'static str,
    category_slug: String,
    year: i32,
    won: bool,
    entry: String,
}

/// The rows of one holder's awards.
pub(super) fn award_rows(
    subject: Subject,
    id: i64,
    awards: &[AwardEntry],
) -> Result<Vec<AwardRow>, StoreError> {
    awards
        .iter()
        .enumerate()
        .map(|(position, entry)| {
            Ok(AwardRow {
                subject: subject.as_str(),
                subject_id: id,
                position: i64::try_from(position).unwrap_or(i64::MAX),
                award_id: entry.award.id.as_str(),
                category_slug: entry.category_slug().as_str().to_string(),
                year: entry.year.get(),
                won: entry.won(),
                entry: to_json(entry)?,
            })
        })
        .collect()
}

/// Inserts `rows` (a fill, or a holder's rows after [`delete_award_rows`]).
pub(super) async fn insert_award_rows(
    connection: &mut SqliteConnection,
    rows: &[AwardRow],
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut statement = QueryBuilder::<Sqlite>::new(
            "INSERT INTO catalog_awards (subject, subject_id, position, award_id, \
             category_slug, year, won, entry) ",
        );
        statement.push_values(chunk, |mut values, row| {
            values
                .push_bind(row.subject)
                .push_bind(row.subject_id)
                .push_bind(row.position)
                .push_bind(row.award_id)
                .push_bind(row.category_slug.as_str())
                .push_bind(row.year)
                .push_bind(row.won)
                .push_bind(row.entry.as_str());
        });
        statement
            .build()
            .persistent(false)
            .execute(&mut *connection)
            .await
            .map_err(db)?;
    }
    Ok(())
}

pub(super) async fn delete_award_rows(
    connection: &mut SqliteConnection,
    subject: Subject,
    id: i64,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM catalog_awards WHERE subject = ? AND subject_id = ?")
        .bind(subject.as_str())
        .bind(id)
        .execute(&mut *connection)
        .await
        .map_err(db)?;
    Ok(())
}

/// Replaces a holder's rows.
pub(super) async fn replace_award_rows(
    connection: &mut SqliteConnection,
    subject: Subject,
    id: i64,
    awards: &[AwardEntry],
) -> Result<(), StoreError> {
    delete_award_rows(connection, subject, id).await?;
    insert_award_rows(connection, &award_rows(subject, id, awards)?).await
}

/// The Wikidata part a stored document holds (`awards` as JSON text, `wikidata_id`).
pub(super) fn stored_record(
    awards: Option<String>,
    wikidata_id: Option<String>,
) -> Result<AwardRecord, StoreError> {
    let awards = match awards {
        Some(text) => serde_json::from_str(&text)
            .map_err(|e| StoreError::Internal(format!("stored awards are malformed: {e}")))?,
        None => Vec::new(),
    };
    let wikidata_id = wikidata_id
        .map(|id| crate::domain::WikidataId::parse(&id))
        .transpose()
        .map_err(StoreError::Internal)?;
    Ok(AwardRecord {
        wikidata_id,
        awards,
    })
}

fn decode_entry(text: &str) -> Result<AwardEntry, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Internal(format!("stored award entry is malformed: {e}")))
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

#[async_trait::async_trait]
impl AwardStore for EmbeddedCatalog {
    async fn award_counts(&self) -> Result<Vec<(AwardId, AwardCounts)>, StoreError> {
        // A movie's entry and its people's copies are one text: DISTINCT counts it once.
        let rows = sqlx::query(
            "SELECT award_id, COUNT(DISTINCT entry) AS nominations, \
             COUNT(DISTINCT CASE WHEN won THEN entry END) AS wins \
             FROM catalog_awards GROUP BY award_id ORDER BY award_id",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.iter()
            .map(|row| {
                let id: String = row.try_get("award_id").map_err(db)?;
                Ok((
                    AwardId::parse(&id).map_err(StoreError::Internal)?,
                    AwardCounts {
                        wins: to_u64(row.try_get("wins").map_err(db)?),
                        nominations: to_u64(row.try_get("nominations").map_err(db)?),
                    },
                ))
            })
            .collect()
    }

    async fn ceremony_entries(
        &self,
        award: &AwardId,
        year: AwardYear,
    ) -> Result<Vec<AwardEntry>, StoreError> {
        let entries: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT entry FROM catalog_awards WHERE award_id = ? AND year = ?",
        )
        .bind(award.as_str())
        .bind(year.get())
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        entries.iter().map(|text| decode_entry(text)).collect()
    }

    async fn person_summaries(&self, ids: &[PersonId]) -> Result<Vec<PersonSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = ids.iter().map(|id| id.get()).collect();
        let rows = sqlx::query(&format!(
            "SELECT {} FROM catalog_people p WHERE p.id IN (SELECT value FROM json_each(?))",
            super::embedded::PERSON_SUMMARY_COLUMNS
        ))
        .bind(to_json(&ids)?)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        rows.iter()
            .map(super::embedded::person_summary_from_row)
            .collect()
    }

    async fn find_by_external_id(&self, id: &ExternalId) -> Result<FoundByExternalId, StoreError> {
        let (column, value) = match id {
            ExternalId::Imdb(id) => ("imdb_id", id.as_str()),
            ExternalId::Wikidata(id) => ("wikidata_id", id.as_str()),
        };
        // `column` is one of two fixed names; the id is a bound value.
        let movies = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM catalog_movies WHERE {column} = ? ORDER BY id"
        ))
        .bind(value)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        let people = sqlx::query(&format!(
            "SELECT {} FROM catalog_people p WHERE p.{column} = ? ORDER BY p.id",
            super::embedded::PERSON_SUMMARY_COLUMNS
        ))
        .bind(value)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        Ok(FoundByExternalId {
            movies: movies
                .iter()
                .map(summary_from_row)
                .collect::<Result<_, _>>()?,
            people: people
                .iter()
                .map(super::embedded::person_summary_from_row)
                .collect::<Result<_, _>>()?,
        })
    }

    async fn set_movie_awards(
        &self,
        id: MovieId,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError> {
        self.search_index().await?;
        let mut tx = self.write_transaction().await?;
        let Some(row) = sqlx::query(
            "SELECT document, rating_average, rating_count FROM catalog_movies WHERE id = ?",
        )
        .bind(id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?
        else {
            return Ok(None);
        };
        let mut movie = movie_from_row(&row)?;
        if movie.awards == record.awards && movie.wikidata_id == record.wikidata_id {
            return Ok(Some(UpsertOutcome::Unchanged));
        }
        movie.awards = record.awards.clone();
        movie.wikidata_id = record.wikidata_id.clone();
        let rating = movie.rating;
        super::embedded::write_movie(&mut tx, &movie, rating, false).await?;
        tx.commit().await.map_err(db)?;
        Ok(Some(UpsertOutcome::Updated))
    }

    async fn set_person_awards(
        &self,
        id: PersonId,
        record: &AwardRecord,
    ) -> Result<Option<UpsertOutcome>, StoreError> {
        let mut tx = self.write_transaction().await?;
        let Some(document): Option<String> =
            sqlx::query_scalar("SELECT document FROM catalog_people WHERE id = ?")
                .bind(id.get())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?
        else {
            return Ok(None);
        };
        let mut person: crate::domain::Person = serde_json::from_str(&document)
            .map_err(|e| StoreError::Internal(format!("stored person is malformed: {e}")))?;
        if person.awards == record.awards && person.wikidata_id == record.wikidata_id {
            return Ok(Some(UpsertOutcome::Unchanged));
        }
        person.awards = record.awards.clone();
        person.wikidata_id = record.wikidata_id.clone();
        let row = PersonRow::new(&person)?;
        sqlx::query("UPDATE catalog_people SET wikidata_id = ?, document = ? WHERE id = ?")
            .bind(row.wikidata_id)
            .bind(&row.document)
            .bind(row.id)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        replace_award_rows(&mut tx, Subject::Person, row.id, &person.awards).await?;
        tx.commit().await.map_err(db)?;
        Ok(Some(UpsertOutcome::Updated))
    }

    async fn movie_entries_naming(
        &self,
        people: &[PersonId],
    ) -> Result<Vec<AwardEntry>, StoreError> {
        if people.is_empty() {
            return Ok(Vec::new());
        }
        let ids: Vec<i64> = people.iter().map(|id| id.get()).collect();
        // A batch job's read: it looks through every movie's award rows once.
        let entries: Vec<String> = sqlx::query_scalar(
            "SELECT DISTINCT a.entry FROM catalog_awards a, \
             json_each(a.entry, '$.for.person_ids') p \
             WHERE a.subject = 'movie' AND p.value IN (SELECT value FROM json_each(?))",
        )
        .bind(to_json(&ids)?)
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        entries.iter().map(|text| decode_entry(text)).collect()
    }

    async fn imported_movie_ids_after(
        &self,
        after: i64,
        limit: u32,
    ) -> Result<Vec<MovieId>, StoreError> {
        let ids: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM catalog_movies WHERE id > ? AND source <> 'user' ORDER BY id LIMIT ?",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.pool())
        .await
        .map_err(db)?;
        Ok(ids.into_iter().filter_map(MovieId::new).collect())
    }

    async fn person_ids_after(&self, after: i64, limit: u32) -> Result<Vec<PersonId>, StoreError> {
        let ids: Vec<i64> =
            sqlx::query_scalar("SELECT id FROM catalog_people WHERE id > ? ORDER BY id LIMIT ?")
                .bind(after)
                .bind(i64::from(limit))
                .fetch_all(self.pool())
                .await
                .map_err(db)?;
        Ok(ids.into_iter().filter_map(PersonId::new).collect())
    }
}
