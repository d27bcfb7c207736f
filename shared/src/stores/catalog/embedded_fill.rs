//! Filling an empty embedded catalog in one transaction: every table gets one statement that
//! unpacks a JSON array of rows with `json_each`. Loading the bundled sample this way takes a
//! few milliseconds, where one upsert per movie and person (a dozen statements each) took
//! about half a second of the first start.

use std::collections::HashSet;

use super::embedded::{db, EmbeddedCatalog, UPSERT_GENRES};
use super::embedded_rows::{to_json, MovieRow, PersonRow};
use crate::domain::{Genre, Movie, Person};
use crate::stores::StoreError;

/// `INSERT … SELECT` over `json_each(?)`: the parameter is the JSON array of [`MovieRow`]s.
const INSERT_MOVIES: &str = "INSERT INTO catalog_movies (id, title, sort_title, release_date, \
     original_language, poster_path, genre_ids, popularity, vote_average, vote_count, \
     rating_average, rating_count, top_score, source, content_hash, updated_at, document) \
     SELECT value ->> 'id', value ->> 'title', value ->> 'sort_title', value ->> 'release_date', \
     value ->> 'original_language', value ->> 'poster_path', value ->> 'genre_ids', \
     value ->> 'popularity', value ->> 'vote_average', value ->> 'vote_count', \
     value ->> 'rating_average', value ->> 'rating_count', value ->> 'top_score', \
     value ->> 'source', value ->> 'content_hash', value ->> 'updated_at', value ->> 'document' \
     FROM json_each(?)";

/// The relation tables, each filled from `[movie id, related id]` pairs.
const RELATIONS: [(&str, &str); 3] = [
    ("catalog_movie_genres", "genre_id"),
    ("catalog_movie_keywords", "keyword_id"),
    ("catalog_movie_people", "person_id"),
];

/// From `[id, title, original title, overview]` rows.
const INSERT_MOVIES_FTS: &str = "INSERT INTO catalog_movies_fts \
     (rowid, title, original_title, overview) \
     SELECT value ->> 0, value ->> 1, value ->> 2, value ->> 3 FROM json_each(?)";

const INSERT_PEOPLE: &str = "INSERT INTO catalog_people \
     (id, name, popularity, content_hash, updated_at, document) \
     SELECT value ->> 'id', value ->> 'name', value ->> 'popularity', value ->> 'content_hash', \
     value ->> 'updated_at', value ->> 'document' FROM json_each(?)";

/// From `[id, name, other names]` rows.
const INSERT_PEOPLE_FTS: &str = "INSERT INTO catalog_people_fts (rowid, name, also_known_as) \
     SELECT value ->> 0, value ->> 1, value ->> 2 FROM json_each(?)";

pub(super) async fn fill_empty(
    catalog: &EmbeddedCatalog,
    genres: &[Genre],
    movies: &[Movie],
    people: &[Person],
) -> Result<bool, StoreError> {
    // An id given twice is written once, from its first occurrence.
    let mut seen = HashSet::new();
    let movie_rows = movies
        .iter()
        .filter(|movie| seen.insert(movie.id.get()))
        .map(|movie| MovieRow::new(movie, movie.rating))
        .collect::<Result<Vec<_>, _>>()?;
    let mut relations: [Vec<(i64, i64)>; 3] = Default::default();
    for row in &movie_rows {
        for (pairs, ids) in relations
            .iter_mut()
            .zip([&row.genres, &row.keywords, &row.people])
        {
            pairs.extend(ids.iter().map(|&id| (row.id, id)));
        }
    }
    let movie_search: Vec<_> = movie_rows
        .iter()
        .map(|row| (row.id, row.title, row.original_title, row.overview))
        .collect();
    let mut seen = HashSet::new();
    let person_rows = people
        .iter()
        .filter(|person| seen.insert(person.id.get()))
        .map(PersonRow::new)
        .collect::<Result<Vec<_>, _>>()?;
    let person_search: Vec<_> = person_rows
        .iter()
        .map(|row| (row.id, row.name, row.also_known_as.as_str()))
        .collect();

    // Serialized before the write lock is taken, so other writers wait only for SQLite.
    let genres = to_json(&genres)?;
    let movie_rows = to_json(&movie_rows)?;
    let relations = relations
        .iter()
        .map(to_json)
        .collect::<Result<Vec<_>, _>>()?;
    let movie_search = to_json(&movie_search)?;
    let person_rows = to_json(&person_rows)?;
    let person_search = to_json(&person_search)?;

    // The write lock is taken before the emptiness check, so two first starts at once (the
    // local functions are separate processes) fill the catalog once.
    let mut tx = catalog.write_transaction().await?;
    let held = sqlx::query("SELECT 1 FROM catalog_movies LIMIT 1")
        .fetch_optional(&mut *tx)
        .await
        .map_err(db)?;
    if held.is_some() {
        return Ok(false);
    }
    sqlx::query(UPSERT_GENRES)
        .bind(&genres)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(INSERT_MOVIES)
        .bind(&movie_rows)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    for ((table, column), pairs) in RELATIONS.into_iter().zip(&relations) {
        sqlx::query(&format!(
            "INSERT OR IGNORE INTO {table} (movie_id, {column}) \
             SELECT value ->> 0, value ->> 1 FROM json_each(?)"
        ))
        .bind(pairs)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    }
    sqlx::query(INSERT_MOVIES_FTS)
        .bind(&movie_search)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(INSERT_PEOPLE)
        .bind(&person_rows)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    sqlx::query(INSERT_PEOPLE_FTS)
        .bind(&person_search)
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    Ok(true)
}
