//! Embedded (SQLite) adapter of [`CatalogStore`].
//!
//! Each movie and person is one JSON document plus indexed scalar columns; genres, keywords and
//! people of a movie are relation tables, so discover filters are SQL joins. Search runs on FTS5
//! tables whose tokenizer folds case and accents. MovieVerse's rating lives in its own columns
//! (the reviews store owns it) and overrides the document's copy on every read.

use std::collections::HashMap;

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use super::embedded_awards::{delete_award_rows, replace_award_rows, stored_record, Subject};
use super::embedded_rows::{source_text, to_i64, to_json, MovieRow, PersonRow};
use super::embedded_search_index::SearchIndex;
use super::embedded_sql::{bind_all, Value, CARRIERS, KEPT_COUNT};
use super::specific::{Carried, Feature, SpecificProbe, SPECIFIC_ROWS};
use super::CatalogStore;
use crate::catalog_query::{
    movie_content_hash, top_score, DiscoverQuery, MovieSearch, SearchText, FIRST_USER_MOVIE_ID,
    MAX_SEARCH_RESULTS,
};
use crate::domain::{
    AppSettings, Genre, GenreCount, GenreId, Movie, MovieId, MovieSource, MovieSummary, Person,
    PersonId, PersonSummary, RatingSummary, SeedRun, UpsertOutcome,
};
use crate::http::{Page, PageRequest, COUNTED_RESULTS};
use crate::stores::StoreError;

const STORE: &str = "catalog";

pub struct EmbeddedCatalog {
    pool: SqlitePool,
    search_index: SearchIndex,
}

impl EmbeddedCatalog {
    pub fn new(pool: SqlitePool) -> Self {
        Self {
            pool,
            search_index: SearchIndex::default(),
        }
    }

    /// Builds the search tables a bulk fill left pending, if any: before a search reads them
    /// and before a write changes a row they index.
    pub(super) async fn search_index(&self) -> Result<(), StoreError> {
        self.search_index.ensure(&self.pool).await
    }

    /// A fill in this process has just left the search tables pending.
    pub(super) fn search_index_pending(&self) {
        self.search_index.mark_pending();
    }

    pub(super) fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// The rarest of `keywords` and `people` (JSON id arrays), within [`SPECIFIC_ROWS`].
    pub(super) async fn specific_probe(
        &self,
        keywords: String,
        people: String,
    ) -> Result<SpecificProbe, StoreError> {
        let budget = to_i64(SPECIFIC_ROWS + 1);
        let rows: Vec<(i64, i64, i64)> = sqlx::query(CARRIERS)
            .bind(keywords)
            .bind(people)
            .bind(budget)
            .try_map(|row: SqliteRow| Ok((row.try_get(0)?, row.try_get(1)?, row.try_get(2)?)))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let carried = rows
            .into_iter()
            .map(|(person, id, movies)| Carried {
                feature: if person == 0 {
                    Feature::Keyword(id)
                } else {
                    Feature::Person(id)
                },
                movies: to_u64(movies),
            })
            .collect();
        Ok(SpecificProbe::rarest_within(carried, SPECIFIC_ROWS))
    }

    /// A transaction holding the write lock from its first statement: a read-then-write never
    /// fails to upgrade when another writer got in between (concurrent imports queue instead,
    /// through the busy timeout).
    pub(super) async fn write_transaction(
        &self,
    ) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }
}

pub(super) fn db(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(STORE, error)
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, StoreError> {
    serde_json::from_str(text)
        .map_err(|e| StoreError::Internal(format!("stored catalog document is malformed: {e}")))
}

/// Ids as a JSON array, for `json_each(?)`: one bound parameter whatever the number of ids.
pub(super) fn id_array<T: Copy + Into<i64>>(ids: &[T]) -> String {
    let ids: Vec<i64> = ids.iter().map(|&id| id.into()).collect();
    serde_json::to_string(&ids).unwrap_or_else(|_| "[]".into())
}

fn to_u64(value: i64) -> u64 {
    u64::try_from(value).unwrap_or(0)
}

/// Inserts or renames genres from one JSON array of genres (`upsert_genres`, and a fill).
/// Counts each genre's movies into `catalog_genres.movie_count` (an index-only count per genre).
pub(super) const RECOUNT_GENRES: &str = "UPDATE catalog_genres SET movie_count = \
     (SELECT COUNT(*) FROM catalog_movie_genres mg WHERE mg.genre_id = catalog_genres.id)";

pub(super) const UPSERT_GENRES: &str = "INSERT INTO catalog_genres (id, name) \
     SELECT value ->> 'id', value ->> 'name' FROM json_each(?) \
     WHERE true ON CONFLICT (id) DO UPDATE SET name = excluded.name";

/// Removes movie `?`'s search row, keyed by its stored slot (run before the row changes).
const DELETE_MOVIE_SEARCH_ROW: &str = "DELETE FROM catalog_movies_fts WHERE rowid = \
     (SELECT search_slot FROM catalog_movies WHERE id = ?)";

/// Columns of `catalog_movies` that a summary reads.
pub(super) const SUMMARY_COLUMNS: &str = "id, title, release_date, poster_path, genre_ids, \
     popularity, vote_average, vote_count, rating_average, rating_count";

pub(super) fn summary_from_row(row: &SqliteRow) -> Result<MovieSummary, StoreError> {
    let id: i64 = row.try_get("id").map_err(db)?;
    let release_date: Option<String> = row.try_get("release_date").map_err(db)?;
    let genre_ids: String = row.try_get("genre_ids").map_err(db)?;
    Ok(MovieSummary {
        id: MovieId::new(id).ok_or_else(|| StoreError::Internal("stored movie id".into()))?,
        title: row.try_get("title").map_err(db)?,
        release_date: release_date.and_then(|d| d.parse().ok()),
        poster_path: row.try_get("poster_path").map_err(db)?,
        genre_ids: from_json(&genre_ids)?,
        popularity: row.try_get("popularity").map_err(db)?,
        vote_average: row.try_get("vote_average").map_err(db)?,
        vote_count: to_u64(row.try_get("vote_count").map_err(db)?),
        rating: RatingSummary {
            average: row.try_get("rating_average").map_err(db)?,
            count: to_u64(row.try_get("rating_count").map_err(db)?),
        },
    })
}

/// A whole movie from a row holding `document`, `rating_average` and `rating_count`.
pub(super) fn movie_from_row(row: &SqliteRow) -> Result<Movie, StoreError> {
    let document: String = row.try_get("document").map_err(db)?;
    let mut movie: Movie = from_json(&document)?;
    movie.rating = RatingSummary {
        average: row.try_get("rating_average").map_err(db)?,
        count: to_u64(row.try_get("rating_count").map_err(db)?),
    };
    Ok(movie)
}

/// Writes a movie's row (insert or full update, keeping `rating`), its relation rows and its
/// search row, inside `tx`.
pub(super) async fn write_movie(
    tx: &mut Transaction<'_, Sqlite>,
    movie: &Movie,
    rating: RatingSummary,
    insert: bool,
) -> Result<(), StoreError> {
    let row = MovieRow::new(movie, rating)?;
    // The search row is keyed by the stored row's slot, which a new popularity moves.
    sqlx::query(DELETE_MOVIE_SEARCH_ROW)
        .bind(row.id)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    let sql = if insert {
        "INSERT INTO catalog_movies (title, sort_title, release_date, original_language, \
         poster_path, genre_ids, popularity, vote_average, vote_count, rating_average, \
         rating_count, top_score, source, content_hash, updated_at, document, imdb_id, \
         wikidata_id, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    } else {
        "UPDATE catalog_movies SET title = ?, sort_title = ?, release_date = ?, \
         original_language = ?, poster_path = ?, genre_ids = ?, popularity = ?, \
         vote_average = ?, vote_count = ?, rating_average = ?, rating_count = ?, top_score = ?, \
         source = ?, content_hash = ?, updated_at = ?, document = ?, imdb_id = ?, \
         wikidata_id = ? WHERE id = ?"
    };
    sqlx::query(sql)
        .bind(row.title)
        .bind(&row.sort_title)
        .bind(&row.release_date)
        .bind(row.original_language)
        .bind(row.poster_path)
        .bind(&row.genre_ids)
        .bind(row.popularity)
        .bind(row.vote_average)
        .bind(row.vote_count)
        .bind(row.rating_average)
        .bind(row.rating_count)
        .bind(row.top_score)
        .bind(row.source)
        .bind(&row.content_hash)
        .bind(&row.updated_at)
        .bind(&row.document)
        .bind(row.imdb_id)
        .bind(row.wikidata_id)
        .bind(row.id)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    replace_award_rows(tx, Subject::Movie, row.id, &movie.awards).await?;

    for table in [
        "catalog_movie_genres",
        "catalog_movie_keywords",
        "catalog_movie_people",
    ] {
        sqlx::query(&format!("DELETE FROM {table} WHERE movie_id = ?"))
            .bind(row.id)
            .execute(&mut **tx)
            .await
            .map_err(db)?;
    }
    for (table, column, ids) in [
        ("catalog_movie_genres", "genre_id", &row.genres),
        ("catalog_movie_keywords", "keyword_id", &row.keywords),
        ("catalog_movie_people", "person_id", &row.people),
    ] {
        if ids.is_empty() {
            continue;
        }
        // One statement per relation: the ids go in as one JSON parameter.
        sqlx::query(&format!(
            "INSERT OR IGNORE INTO {table} (movie_id, {column}) \
             SELECT ?, value FROM json_each(?)"
        ))
        .bind(row.id)
        .bind(to_json(ids)?)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    }

    sqlx::query(
        "INSERT INTO catalog_movies_fts (rowid, title, original_title, overview) \
         SELECT search_slot, ?, ?, ? FROM catalog_movies WHERE id = ?",
    )
    .bind(row.title)
    .bind(row.original_title)
    .bind(row.overview)
    .bind(row.id)
    .execute(&mut **tx)
    .await
    .map_err(db)?;
    Ok(())
}

#[async_trait::async_trait]
impl CatalogStore for EmbeddedCatalog {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn movie_summaries(&self, ids: &[MovieId]) -> Result<Vec<MovieSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM catalog_movies \
             WHERE id IN (SELECT value FROM json_each(?))"
        ))
        .bind(id_array(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut found: HashMap<MovieId, MovieSummary> = rows
            .iter()
            .map(|row| summary_from_row(row).map(|s| (s.id, s)))
            .collect::<Result<_, _>>()?;
        // The order asked for; a repeated id appears once, where it was first asked.
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    async fn movies(&self, ids: &[MovieId]) -> Result<Vec<Movie>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = sqlx::query(
            "SELECT document, rating_average, rating_count FROM catalog_movies \
             WHERE id IN (SELECT value FROM json_each(?))",
        )
        .bind(id_array(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        let mut found: HashMap<MovieId, Movie> = rows
            .iter()
            .map(|row| movie_from_row(row).map(|m| (m.id, m)))
            .collect::<Result<_, _>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    async fn movie_exists(&self, id: MovieId) -> Result<bool, StoreError> {
        sqlx::query("SELECT 1 FROM catalog_movies WHERE id = ?")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map(|row| row.is_some())
            .map_err(db)
    }

    async fn existing_genres(&self, ids: &[GenreId]) -> Result<Vec<GenreId>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM catalog_genres WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
        )
        .bind(id_array(ids))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        Ok(rows.into_iter().filter_map(GenreId::new).collect())
    }

    async fn set_movie_rating(&self, id: MovieId, rating: RatingSummary) -> Result<(), StoreError> {
        let count = to_i64(rating.count);
        // The top-rated score follows the rating, computed from the row's own TMDB votes.
        let row = sqlx::query("SELECT vote_average, vote_count FROM catalog_movies WHERE id = ?")
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        let Some(row) = row else {
            return Ok(());
        };
        let vote_average: f64 = row.try_get("vote_average").map_err(db)?;
        let vote_count = to_u64(row.try_get("vote_count").map_err(db)?);
        sqlx::query(
            "UPDATE catalog_movies SET rating_average = ?, rating_count = ?, top_score = ? \
             WHERE id = ?",
        )
        .bind(rating.average)
        .bind(count)
        .bind(top_score(rating, vote_average, vote_count))
        .bind(id.get())
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn upsert_movie(&self, movie: &Movie) -> Result<UpsertOutcome, StoreError> {
        self.search_index().await?;
        let hash = movie_content_hash(movie);
        let mut tx = self.write_transaction().await?;
        let existing = sqlx::query(
            "SELECT source, content_hash, rating_average, rating_count, wikidata_id, \
             json_extract(document, '$.awards') AS awards FROM catalog_movies WHERE id = ?",
        )
        .bind(movie.id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let outcome = match existing {
            None => {
                write_movie(&mut tx, movie, movie.rating, true).await?;
                UpsertOutcome::Inserted
            }
            Some(row) => {
                let source: String = row.try_get("source").map_err(db)?;
                let stored_hash: String = row.try_get("content_hash").map_err(db)?;
                if source == source_text(MovieSource::User) || stored_hash == hash {
                    UpsertOutcome::Unchanged
                } else {
                    let rating = RatingSummary {
                        average: row.try_get("rating_average").map_err(db)?,
                        count: to_u64(row.try_get("rating_count").map_err(db)?),
                    };
                    // The Wikidata part belongs to the awards import: kept as stored.
                    let kept = stored_record(
                        row.try_get("awards").map_err(db)?,
                        row.try_get("wikidata_id").map_err(db)?,
                    )?;
                    let mut movie = movie.clone();
                    movie.awards = kept.awards;
                    movie.wikidata_id = kept.wikidata_id;
                    write_movie(&mut tx, &movie, rating, false).await?;
                    UpsertOutcome::Updated
                }
            }
        };
        tx.commit().await.map_err(db)?;
        Ok(outcome)
    }

    async fn upsert_person(&self, person: &Person) -> Result<UpsertOutcome, StoreError> {
        self.search_index().await?;
        let hash = crate::catalog_query::person_content_hash(person);
        let mut tx = self.write_transaction().await?;
        let stored = sqlx::query(
            "SELECT content_hash, wikidata_id, json_extract(document, '$.awards') AS awards \
             FROM catalog_people WHERE id = ?",
        )
        .bind(person.id.get())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
        let mut person = person.clone();
        if let Some(stored) = &stored {
            let stored_hash: String = stored.try_get("content_hash").map_err(db)?;
            if stored_hash == hash {
                return Ok(UpsertOutcome::Unchanged);
            }
            // The Wikidata part belongs to the awards import: kept as stored.
            let kept = stored_record(
                stored.try_get("awards").map_err(db)?,
                stored.try_get("wikidata_id").map_err(db)?,
            )?;
            person.awards = kept.awards;
            person.wikidata_id = kept.wikidata_id;
        }
        let row = PersonRow::new(&person)?;
        sqlx::query(
            "DELETE FROM catalog_people_fts WHERE rowid = \
             (SELECT search_slot FROM catalog_people WHERE id = ?)",
        )
        .bind(row.id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        sqlx::query(
            "INSERT INTO catalog_people (id, name, popularity, content_hash, updated_at, document, \
             imdb_id, wikidata_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET name = excluded.name, \
             popularity = excluded.popularity, content_hash = excluded.content_hash, \
             updated_at = excluded.updated_at, document = excluded.document, \
             imdb_id = excluded.imdb_id, wikidata_id = excluded.wikidata_id",
        )
        .bind(row.id)
        .bind(row.name)
        .bind(row.popularity)
        .bind(&row.content_hash)
        .bind(&row.updated_at)
        .bind(&row.document)
        .bind(row.imdb_id)
        .bind(row.wikidata_id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        replace_award_rows(&mut tx, Subject::Person, row.id, &person.awards).await?;
        sqlx::query(
            "INSERT INTO catalog_people_fts (rowid, name, also_known_as) \
             SELECT search_slot, ?, ? FROM catalog_people WHERE id = ?",
        )
        .bind(row.name)
        .bind(&row.also_known_as)
        .bind(row.id)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        tx.commit().await.map_err(db)?;
        Ok(if stored.is_some() {
            UpsertOutcome::Updated
        } else {
            UpsertOutcome::Inserted
        })
    }

    async fn fill_empty(
        &self,
        genres: &[Genre],
        movies: &[Movie],
        people: &[Person],
    ) -> Result<bool, StoreError> {
        super::embedded_fill::fill_empty(self, genres, movies, people).await
    }

    async fn upsert_genres(&self, genres: &[Genre]) -> Result<(), StoreError> {
        if genres.is_empty() {
            return Ok(());
        }
        sqlx::query(UPSERT_GENRES)
            .bind(to_json(&genres)?)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn finish_deferred_work(&self) -> Result<(), StoreError> {
        self.search_index().await
    }

    async fn recount_genres(&self) -> Result<(), StoreError> {
        sqlx::query(RECOUNT_GENRES)
            .execute(&self.pool)
            .await
            .map_err(db)?;
        Ok(())
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        sqlx::query("SELECT 1 FROM catalog_movies LIMIT 1")
            .fetch_optional(&self.pool)
            .await
            .map(|row| row.is_none())
            .map_err(db)
    }

    async fn save_seed_run(&self, run: &SeedRun) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO catalog_seed_runs (id, started_at_ms, document) VALUES (?, ?, ?) \
             ON CONFLICT (id) DO UPDATE SET started_at_ms = excluded.started_at_ms, \
             document = excluded.document",
        )
        .bind(&run.id)
        .bind(run.started_at.timestamp_millis())
        .bind(to_json(run)?)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn latest_seed_run(&self) -> Result<Option<SeedRun>, StoreError> {
        let document: Option<String> = sqlx::query_scalar(
            "SELECT document FROM catalog_seed_runs ORDER BY started_at_ms DESC, id DESC LIMIT 1",
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        document.as_deref().map(from_json).transpose()
    }

    async fn latest_seed_run_of(&self, source: &str) -> Result<Option<SeedRun>, StoreError> {
        let document: Option<String> = sqlx::query_scalar(
            "SELECT document FROM catalog_seed_runs WHERE document ->> '$.source' = ? \
             ORDER BY started_at_ms DESC, id DESC LIMIT 1",
        )
        .bind(source)
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?;
        document.as_deref().map(from_json).transpose()
    }

    async fn movie(&self, id: MovieId) -> Result<Option<Movie>, StoreError> {
        sqlx::query(
            "SELECT document, rating_average, rating_count FROM catalog_movies WHERE id = ?",
        )
        .bind(id.get())
        .fetch_optional(&self.pool)
        .await
        .map_err(db)?
        .as_ref()
        .map(movie_from_row)
        .transpose()
    }

    async fn count_discover(&self, query: &DiscoverQuery) -> Result<u64, StoreError> {
        super::embedded_discover::count(&self.pool, query).await
    }

    async fn discover_page(
        &self,
        query: &DiscoverQuery,
        page: PageRequest,
        total: u64,
    ) -> Result<Page<MovieSummary>, StoreError> {
        super::embedded_discover::read_page(&self.pool, query, page, total).await
    }

    async fn search_movies(
        &self,
        search: &MovieSearch,
        page: PageRequest,
    ) -> Result<Page<MovieSummary>, StoreError> {
        if search.text.words().is_empty() {
            return Ok(Page::new(page, 0, Vec::new()));
        }
        self.search_index().await?;
        let mut values = vec![Value::Text(search.text.all_words_query())];
        let mut filter = String::new();
        if let Some(year) = search.year {
            let (first, last) = year.date_range();
            filter = " AND m.release_date BETWEEN ? AND ?".into();
            values.push(Value::Text(first));
            values.push(Value::Text(last));
        }
        // The matches in popularity order (the search rows' slots), only as many as a client
        // can page to: a common word's other matches are never read.
        let matches = format!(
            "FROM catalog_movies_fts CROSS JOIN catalog_movies m \
               ON m.search_slot = catalog_movies_fts.rowid \
             WHERE catalog_movies_fts MATCH ?{filter} \
             ORDER BY catalog_movies_fts.rowid LIMIT {MAX_SEARCH_RESULTS}"
        );
        let search = RankedSearch {
            // bm25 is lower for better matches; titles weigh most, then original titles,
            // overviews.
            scores: "m.id AS id, bm25(catalog_movies_fts, 10.0, 5.0, 1.0) AS score",
            page_rows: format!(
                "{} FROM ranked r CROSS JOIN catalog_movies m ON m.id = r.id \
                 ORDER BY r.score, m.popularity DESC, m.id",
                prefixed_summary_columns()
            ),
            matches,
        };
        let (total, rows) = search.page(&self.pool, &values, page).await?;
        summaries_page(page, total, &rows)
    }

    async fn top_rated(&self, page: PageRequest) -> Result<Page<MovieSummary>, StoreError> {
        let total: i64 = sqlx::query_scalar(&format!(
            "SELECT COUNT(*) FROM \
             (SELECT 1 FROM catalog_movies WHERE top_score >= 0 LIMIT {COUNTED_RESULTS})"
        ))
        .fetch_one(&self.pool)
        .await
        .map_err(db)?;
        let rows = sqlx::query(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM catalog_movies WHERE top_score >= 0 \
             ORDER BY top_score DESC, vote_count DESC, id LIMIT ? OFFSET ?"
        ))
        .bind(to_i64(page.limit()))
        .bind(to_i64(page.offset()))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        summaries_page(page, total, &rows)
    }

    async fn genres_with_counts(&self) -> Result<Vec<GenreCount>, StoreError> {
        let rows =
            sqlx::query("SELECT id, name, movie_count FROM catalog_genres ORDER BY name, id")
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
        rows.iter()
            .map(|row| {
                let id: i64 = row.try_get("id").map_err(db)?;
                Ok(GenreCount {
                    id: GenreId::new(id)
                        .ok_or_else(|| StoreError::Internal("stored genre id".into()))?,
                    name: row.try_get("name").map_err(db)?,
                    movie_count: to_u64(row.try_get("movie_count").map_err(db)?),
                })
            })
            .collect()
    }

    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError> {
        let document: Option<String> =
            sqlx::query_scalar("SELECT document FROM catalog_people WHERE id = ?")
                .bind(id.get())
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        document.as_deref().map(from_json).transpose()
    }

    async fn popular_people(&self, page: PageRequest) -> Result<Page<PersonSummary>, StoreError> {
        // All of them, as kept by triggers, not counted.
        let total: i64 = sqlx::query_scalar(KEPT_COUNT)
            .bind("people")
            .fetch_one(&self.pool)
            .await
            .map_err(db)?;
        let rows = sqlx::query(&format!(
            "SELECT {PERSON_SUMMARY_COLUMNS} FROM catalog_people p \
             ORDER BY p.popularity DESC, p.id LIMIT ? OFFSET ?"
        ))
        .bind(to_i64(page.limit()))
        .bind(to_i64(page.offset()))
        .fetch_all(&self.pool)
        .await
        .map_err(db)?;
        people_page(page, total, &rows)
    }

    async fn search_people(
        &self,
        text: &SearchText,
        page: PageRequest,
    ) -> Result<Page<PersonSummary>, StoreError> {
        if text.words().is_empty() {
            return Ok(Page::new(page, 0, Vec::new()));
        }
        self.search_index().await?;
        // As for movies: the first matches in popularity order, as many as can be paged to.
        let matches = format!(
            "FROM catalog_people_fts CROSS JOIN catalog_people p \
               ON p.search_slot = catalog_people_fts.rowid \
             WHERE catalog_people_fts MATCH ? \
             ORDER BY catalog_people_fts.rowid LIMIT {MAX_SEARCH_RESULTS}"
        );
        let search = RankedSearch {
            scores: "p.id AS id, bm25(catalog_people_fts, 10.0, 1.0) AS score",
            page_rows: format!(
                "{PERSON_SUMMARY_COLUMNS} FROM ranked r CROSS JOIN catalog_people p \
                   ON p.id = r.id \
                 ORDER BY r.score, p.popularity DESC, p.id"
            ),
            matches,
        };
        let (total, rows) = search
            .page(&self.pool, &[Value::Text(text.all_words_query())], page)
            .await?;
        people_page(page, total, &rows)
    }

    async fn settings(&self) -> Result<Option<AppSettings>, StoreError> {
        let document: Option<String> =
            sqlx::query_scalar("SELECT document FROM catalog_settings WHERE id = 1")
                .fetch_optional(&self.pool)
                .await
                .map_err(db)?;
        document.as_deref().map(from_json).transpose()
    }

    async fn put_settings(&self, settings: &AppSettings) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO catalog_settings (id, document) VALUES (1, ?) \
             ON CONFLICT (id) DO UPDATE SET document = excluded.document",
        )
        .bind(to_json(settings)?)
        .execute(&self.pool)
        .await
        .map_err(db)?;
        Ok(())
    }

    async fn create_movie(&self, movie: &Movie) -> Result<(), StoreError> {
        self.search_index().await?;
        let mut tx = self.write_transaction().await?;
        write_movie(&mut tx, movie, movie.rating, true)
            .await
            .map_err(|error| match error {
                StoreError::Conflict(_) => StoreError::Conflict("id".into()),
                other => other,
            })?;
        recount_genres(&mut tx).await?;
        tx.commit().await.map_err(db)
    }

    async fn next_user_movie_id(&self) -> Result<MovieId, StoreError> {
        let highest: Option<i64> =
            sqlx::query_scalar("SELECT MAX(id) FROM catalog_movies WHERE id >= ?")
                .bind(FIRST_USER_MOVIE_ID)
                .fetch_one(&self.pool)
                .await
                .map_err(db)?;
        highest
            .map_or(Some(FIRST_USER_MOVIE_ID), |id| id.checked_add(1))
            .and_then(MovieId::new)
            .ok_or_else(|| StoreError::Internal("movie ids are exhausted".into()))
    }

    async fn update_movie(&self, movie: &Movie) -> Result<(), StoreError> {
        self.search_index().await?;
        let mut tx = self.write_transaction().await?;
        let row =
            sqlx::query("SELECT rating_average, rating_count FROM catalog_movies WHERE id = ?")
                .bind(movie.id.get())
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?
                .ok_or_else(|| StoreError::NotFound("movie".into()))?;
        let rating = RatingSummary {
            average: row.try_get("rating_average").map_err(db)?,
            count: to_u64(row.try_get("rating_count").map_err(db)?),
        };
        write_movie(&mut tx, movie, rating, false).await?;
        recount_genres(&mut tx).await?;
        tx.commit().await.map_err(db)
    }

    async fn delete_movie(&self, id: MovieId) -> Result<bool, StoreError> {
        self.search_index().await?;
        let mut tx = self.write_transaction().await?;
        // Relation rows go with the movie (ON DELETE CASCADE); the search row by hand, first
        // (it is found by the movie's slot).
        sqlx::query(DELETE_MOVIE_SEARCH_ROW)
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let deleted = sqlx::query("DELETE FROM catalog_movies WHERE id = ?")
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(db)?
            .rows_affected();
        delete_award_rows(&mut tx, Subject::Movie, id.get()).await?;
        recount_genres(&mut tx).await?;
        tx.commit().await.map_err(db)?;
        Ok(deleted > 0)
    }
}

pub(super) async fn recount_genres(tx: &mut Transaction<'_, Sqlite>) -> Result<(), StoreError> {
    sqlx::query(RECOUNT_GENRES)
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    Ok(())
}

/// [`SUMMARY_COLUMNS`] qualified with the `m` alias, for joins.
pub(super) fn prefixed_summary_columns() -> String {
    SUMMARY_COLUMNS
        .split(", ")
        .map(|column| format!("m.{column}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A search over an FTS table, as three parts of SQL that bind the same values.
struct RankedSearch {
    /// `FROM … WHERE … MATCH ? … LIMIT n`: the matches a client can page to.
    matches: String,
    /// `… AS id, … AS score`: the matches' ids and relevance.
    scores: &'static str,
    /// `… FROM ranked r … ORDER BY …`: what a page's rows select, in the answer's order.
    page_rows: String,
}

impl RankedSearch {
    /// One page and the number of matches. The count rides on the page's rows (a window count
    /// over the ranked matches), so a common word's matches are read once rather than once to
    /// count and again to rank; a page past the last match has no row to carry it, and only
    /// then are the matches counted on their own.
    async fn page(
        &self,
        pool: &SqlitePool,
        values: &[Value],
        page: PageRequest,
    ) -> Result<(i64, Vec<SqliteRow>), StoreError> {
        let sql = format!(
            "WITH ranked AS (SELECT {} {}) \
             SELECT COUNT(*) OVER () AS matches_total, {} LIMIT ? OFFSET ?",
            self.scores, self.matches, self.page_rows
        );
        let rows = bind_all(sqlx::query(&sql), values)
            .bind(to_i64(page.limit()))
            .bind(to_i64(page.offset()))
            .fetch_all(pool)
            .await
            .map_err(db)?;
        let total = match rows.first() {
            Some(row) => row.try_get("matches_total").map_err(db)?,
            None if page.offset() == 0 => 0,
            None => bind_all(
                sqlx::query(&format!("SELECT COUNT(*) FROM (SELECT 1 {})", self.matches)),
                values,
            )
            .fetch_one(pool)
            .await
            .and_then(|row| row.try_get(0))
            .map_err(db)?,
        };
        Ok((total, rows))
    }
}

pub(super) fn summaries_page(
    page: PageRequest,
    total: i64,
    rows: &[SqliteRow],
) -> Result<Page<MovieSummary>, StoreError> {
    let results = rows
        .iter()
        .map(summary_from_row)
        .collect::<Result<_, _>>()?;
    Ok(Page::new(page, to_u64(total), results))
}

pub(super) const PERSON_SUMMARY_COLUMNS: &str = "p.id, p.name, p.popularity, \
     json_extract(p.document, '$.profile_path') AS profile_path, \
     json_extract(p.document, '$.known_for_department') AS known_for_department";

fn people_page(
    page: PageRequest,
    total: i64,
    rows: &[SqliteRow],
) -> Result<Page<PersonSummary>, StoreError> {
    let results = rows
        .iter()
        .map(person_summary_from_row)
        .collect::<Result<_, StoreError>>()?;
    Ok(Page::new(page, to_u64(total), results))
}

/// A person summary from a row of [`PERSON_SUMMARY_COLUMNS`].
pub(super) fn person_summary_from_row(row: &SqliteRow) -> Result<PersonSummary, StoreError> {
    let id: i64 = row.try_get("id").map_err(db)?;
    Ok(PersonSummary {
        id: PersonId::new(id).ok_or_else(|| StoreError::Internal("stored person id".into()))?,
        name: row.try_get("name").map_err(db)?,
        profile_path: row.try_get("profile_path").map_err(db)?,
        known_for_department: row.try_get("known_for_department").map_err(db)?,
        popularity: row.try_get("popularity").map_err(db)?,
    })
}
