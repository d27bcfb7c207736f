//! Filling an empty embedded catalog in one transaction, with multi-row `INSERT … VALUES`
//! statements whose values are bound parameters; its search tables are built afterwards
//! (`embedded_search_index.rs`). Loading the bundled sample this way takes a
//! few tens of milliseconds, where one upsert per movie and person (a dozen statements each)
//! took about half a second of the first start. Bound values, not a JSON array unpacked by
//! `json_each`: SQLite then neither parses nor unescapes the stored documents a second time.

use std::collections::HashSet;

use sqlx::query_builder::Separated;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection};

use super::embedded::{db, recount_genres, EmbeddedCatalog, UPSERT_GENRES};
use super::embedded_awards::{award_rows as award_rows_of, insert_award_rows, Subject};
use super::embedded_rows::{to_json, MovieRow, PersonRow};
use crate::domain::{Genre, Movie, Person};
use crate::stores::StoreError;

/// Rows per statement: the widest table (movies, 17 columns) stays far below SQLite's limit of
/// 32,766 bound parameters.
const ROWS_PER_STATEMENT: usize = 500;

/// The relation tables, each filled from `(movie id, related id)` pairs.
const RELATIONS: [(&str, &str); 3] = [
    ("catalog_movie_genres", "genre_id"),
    ("catalog_movie_keywords", "keyword_id"),
    ("catalog_movie_people", "person_id"),
];

pub(super) async fn fill_empty(
    catalog: &EmbeddedCatalog,
    genres: &[Genre],
    movies: &[Movie],
    people: &[Person],
) -> Result<bool, StoreError> {
    // An id given twice is written once, from its first occurrence.
    let mut seen = HashSet::new();
    let mut award_rows = Vec::new();
    let mut movie_rows = Vec::with_capacity(movies.len());
    for movie in movies.iter().filter(|movie| seen.insert(movie.id.get())) {
        movie_rows.push(MovieRow::new(movie, movie.rating)?);
        award_rows.extend(award_rows_of(
            Subject::Movie,
            movie.id.get(),
            &movie.awards,
        )?);
    }
    let mut relations: [Vec<(i64, i64)>; 3] = Default::default();
    for row in &movie_rows {
        for (pairs, ids) in relations
            .iter_mut()
            .zip([&row.genres, &row.keywords, &row.people])
        {
            pairs.extend(ids.iter().map(|&id| (row.id, id)));
        }
    }
    let mut seen = HashSet::new();
    let mut person_rows = Vec::with_capacity(people.len());
    for person in people.iter().filter(|person| seen.insert(person.id.get())) {
        person_rows.push(PersonRow::new(person)?);
        award_rows.extend(award_rows_of(
            Subject::Person,
            person.id.get(),
            &person.awards,
        )?);
    }
    let genres = to_json(&genres)?;

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
    insert_all(
        &mut tx,
        "INSERT INTO catalog_movies (id, title, sort_title, release_date, original_language, \
         poster_path, genre_ids, popularity, vote_average, vote_count, rating_average, \
         rating_count, top_score, source, content_hash, updated_at, document, imdb_id, \
         wikidata_id) ",
        &movie_rows,
        |mut values, row| {
            values
                .push_bind(row.id)
                .push_bind(row.title)
                .push_bind(row.sort_title.as_str())
                .push_bind(row.release_date.as_deref())
                .push_bind(row.original_language)
                .push_bind(row.poster_path)
                .push_bind(row.genre_ids.as_str())
                .push_bind(row.popularity)
                .push_bind(row.vote_average)
                .push_bind(row.vote_count)
                .push_bind(row.rating_average)
                .push_bind(row.rating_count)
                .push_bind(row.top_score)
                .push_bind(row.source)
                .push_bind(row.content_hash.as_str())
                .push_bind(row.updated_at.as_str())
                .push_bind(row.document.as_str())
                .push_bind(row.imdb_id)
                .push_bind(row.wikidata_id);
        },
    )
    .await?;
    for ((table, column), pairs) in RELATIONS.into_iter().zip(&relations) {
        insert_all(
            &mut tx,
            &format!("INSERT OR IGNORE INTO {table} (movie_id, {column}) "),
            pairs,
            |mut values, &(movie_id, related_id)| {
                values.push_bind(movie_id).push_bind(related_id);
            },
        )
        .await?;
    }
    insert_all(
        &mut tx,
        "INSERT INTO catalog_people (id, name, popularity, content_hash, updated_at, document, \
         imdb_id, wikidata_id) ",
        &person_rows,
        |mut values, row| {
            values
                .push_bind(row.id)
                .push_bind(row.name)
                .push_bind(row.popularity)
                .push_bind(row.content_hash.as_str())
                .push_bind(row.updated_at.as_str())
                .push_bind(row.document.as_str())
                .push_bind(row.imdb_id)
                .push_bind(row.wikidata_id);
        },
    )
    .await?;
    insert_award_rows(&mut tx, &award_rows).await?;
    recount_genres(&mut tx).await?;
    // The search tables are built from these rows after the first answer, not before it.
    sqlx::query("INSERT OR IGNORE INTO catalog_search_pending (id) VALUES (1)")
        .execute(&mut *tx)
        .await
        .map_err(db)?;
    tx.commit().await.map_err(db)?;
    catalog.search_index_pending();
    Ok(true)
}

/// `head` followed by `VALUES (…), (…)` for every row, in statements of [`ROWS_PER_STATEMENT`].
/// Not kept in the connection's statement cache: each is run once.
async fn insert_all<'rows, T>(
    tx: &mut SqliteConnection,
    head: &str,
    rows: &'rows [T],
    bind: impl Fn(Separated<'_, 'rows, Sqlite, &'static str>, &'rows T),
) -> Result<(), StoreError> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut statement = QueryBuilder::<Sqlite>::new(head);
        statement.push_values(chunk, &bind);
        statement
            .build()
            .persistent(false)
            .execute(&mut *tx)
            .await
            .map_err(db)?;
    }
    Ok(())
}
