//! Generating the embedded catalog (and the accounts the reviews name) straight into the SQLite
//! file of a data dir, as fast as SQLite allows: the schema is the adapter's own (its migrations
//! run by opening the store), the rows are the columns `embedded_rows.rs` computes, written by
//! multi-row `INSERT`s in large transactions without a journal; the genre counts and the search
//! tables are then built by the adapter itself (`recount_genres`, `finish_deferred_work`).

use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

use shared::catalog_query::{fold, movie_content_hash, person_content_hash, top_score};
use shared::domain::{Genre, GenreId, MovieId};
use shared::stores::catalog::EmbeddedCatalog;
use shared::stores::CatalogStore;
use sqlx::query_builder::Separated;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqliteLockingMode, SqliteSynchronous};
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection};

use crate::config::Sizes;
use crate::plan::{user_id, Plan};
use crate::synth::{self, Role, GENRES};
use crate::Fallible;

/// Movies (or people) generated and written per batch: one transaction each.
const BATCH: u64 = 20_000;
/// Rows per `INSERT`: the widest table (19 columns) stays below SQLite's 32,766 parameters.
const ROWS_PER_STATEMENT: usize = 1_000;
/// A person's filmography in their document is cut at this many credits (the relation table
/// holds them all; documents of people in thousands of movies would be megabytes).
const CREDITS_PER_PERSON: usize = 30;
/// What a generated account's password hash says: nobody logs in as one.
const NO_PASSWORD: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2NhbGViZW5jaA$bm90IGEgcmVhbCBoYXNo";

/// One movie's columns, as `MovieRow` computes them.
struct MovieColumns {
    id: i64,
    title: String,
    sort_title: String,
    release_date: Option<String>,
    language: Option<String>,
    poster_path: Option<String>,
    genre_ids: String,
    popularity: f64,
    vote_average: f64,
    vote_count: i64,
    rating_average: f64,
    rating_count: i64,
    top_score: f64,
    content_hash: String,
    updated_at: String,
    document: String,
    imdb_id: Option<String>,
}

/// A generated batch of movies: rows, relation pairs and who is credited in what.
#[derive(Default)]
struct MovieBatch {
    movies: Vec<MovieColumns>,
    genres: Vec<(i64, i64)>,
    keywords: Vec<(i64, i64)>,
    people: Vec<(i64, i64)>,
    credits: Vec<(u64, u32, Role)>,
}

struct PersonColumns {
    id: i64,
    name: String,
    popularity: f64,
    content_hash: String,
    updated_at: String,
    document: String,
    imdb_id: Option<String>,
}

pub async fn generate(sizes: Sizes, plan: Arc<Plan>, dir: &Path) -> Fallible<()> {
    let started = Instant::now();
    // The adapter's schema, through its own migrations.
    shared::stores::embedded::open(dir).await?.close().await;
    let mut db = bulk_connection(&dir.join(shared::stores::embedded::DATABASE_FILE)).await?;

    let mut filmographies: Vec<Vec<(u32, Role)>> = (0..=sizes.people).map(|_| Vec::new()).collect();
    let mut next = Some(spawn_movies(sizes, plan.clone(), 1));
    while let Some(pending) = next.take() {
        let (first, batch) = pending.await??;
        let after = first + BATCH;
        if after <= sizes.movies {
            next = Some(spawn_movies(sizes, plan.clone(), after));
        }
        for &(person, movie, role) in &batch.credits {
            if let Some(list) = filmographies.get_mut(usize::try_from(person)?) {
                if list.len() < CREDITS_PER_PERSON {
                    list.push((movie, role));
                }
            }
        }
        write_movies(&mut db, &batch).await?;
        if after % 200_000 < BATCH {
            eprintln!(
                "scale: {} movies written ({:.0} s)",
                after.min(sizes.movies + 1) - 1,
                started.elapsed().as_secs_f64()
            );
        }
    }
    let filmographies = Arc::new(filmographies);
    let mut next = Some(spawn_people(sizes, filmographies.clone(), 1));
    while let Some(pending) = next.take() {
        let (first, people) = pending.await??;
        if first + BATCH <= sizes.people {
            next = Some(spawn_people(sizes, filmographies.clone(), first + BATCH));
        }
        write_people(&mut db, &people).await?;
    }
    drop(filmographies);
    eprintln!(
        "scale: {} people written ({:.0} s)",
        sizes.people,
        started.elapsed().as_secs_f64()
    );
    write_accounts(&mut db, sizes.users).await?;
    // The search tables are built by the adapter below, from the stored rows.
    sqlx::query("INSERT OR IGNORE INTO catalog_search_pending (id) VALUES (1)")
        .execute(&mut db)
        .await?;
    db.close().await?;

    // Back through the adapter (which also puts the file back in WAL mode).
    let pool = shared::stores::embedded::open(dir).await?;
    let catalog = EmbeddedCatalog::new(pool.clone());
    let genres: Vec<Genre> = GENRES
        .iter()
        .filter_map(|&(id, name, _)| {
            Some(Genre {
                id: GenreId::new(id)?,
                name: name.to_string(),
            })
        })
        .collect();
    catalog.upsert_genres(&genres).await?;
    catalog.recount_genres().await?;
    eprintln!(
        "scale: building the search tables ({:.0} s)",
        started.elapsed().as_secs_f64()
    );
    catalog.finish_deferred_work().await?;
    verify(&sizes, &plan, &catalog).await?;
    sqlx::query("ANALYZE").execute(&pool).await?;
    pool.close().await;
    eprintln!(
        "scale: catalog done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// One connection for the bulk load: no journal (a failed generation is deleted, never rolled
/// back), no syncs, a large page cache, the file to itself.
async fn bulk_connection(path: &Path) -> Fallible<SqliteConnection> {
    let options = SqliteConnectOptions::new()
        .filename(path)
        .journal_mode(SqliteJournalMode::Off)
        .synchronous(SqliteSynchronous::Off)
        .locking_mode(SqliteLockingMode::Exclusive)
        .foreign_keys(false)
        .pragma("cache_size", "-1048576")
        .pragma("temp_store", "memory");
    Ok(SqliteConnection::connect_with(&options).await?)
}

type Spawned<T> = tokio::task::JoinHandle<Fallible<(u64, T)>>;

/// Generates movies `first..first + BATCH` on a blocking thread, while the previous batch is
/// being written.
fn spawn_movies(sizes: Sizes, plan: Arc<Plan>, first: u64) -> Spawned<MovieBatch> {
    tokio::task::spawn_blocking(move || {
        let mut batch = MovieBatch::default();
        for id in first..(first + BATCH).min(sizes.movies + 1) {
            let rating = plan.rating(id);
            let Some((movie, credited)) = synth::movie(&sizes, id, rating) else {
                continue;
            };
            let movie_id = movie.id.get();
            let genre_ids: Vec<i64> = movie.genres.iter().map(|g| g.id.get()).collect();
            batch
                .genres
                .extend(genre_ids.iter().map(|&g| (movie_id, g)));
            batch
                .keywords
                .extend(movie.keywords.iter().map(|k| (movie_id, k.id)));
            for &(person, role) in &credited {
                batch.people.push((movie_id, i64::try_from(person)?));
                batch.credits.push((person, u32::try_from(id)?, role));
            }
            batch.movies.push(MovieColumns {
                id: movie_id,
                sort_title: fold(&movie.title),
                release_date: movie.release_date.map(|d| d.to_string()),
                language: movie.original_language.clone(),
                poster_path: movie.poster_path.clone(),
                genre_ids: serde_json::to_string(&genre_ids)?,
                popularity: movie.popularity,
                vote_average: movie.vote_average,
                vote_count: i64::try_from(movie.vote_count)?,
                rating_average: rating.average,
                rating_count: i64::try_from(rating.count)?,
                top_score: top_score(rating, movie.vote_average, movie.vote_count),
                content_hash: movie_content_hash(&movie),
                updated_at: movie.updated_at.to_rfc3339(),
                document: serde_json::to_string(&movie)?,
                imdb_id: movie.imdb_id.clone(),
                title: movie.title,
            });
        }
        Ok((first, batch))
    })
}

fn spawn_people(
    sizes: Sizes,
    filmographies: Arc<Vec<Vec<(u32, Role)>>>,
    first: u64,
) -> Spawned<Vec<PersonColumns>> {
    tokio::task::spawn_blocking(move || {
        let mut rows = Vec::with_capacity(usize::try_from(BATCH)?);
        for id in first..(first + BATCH).min(sizes.people + 1) {
            let credits = filmographies
                .get(usize::try_from(id)?)
                .map_or(&[][..], Vec::as_slice);
            let Some(person) = synth::person(&sizes, id, credits) else {
                continue;
            };
            rows.push(PersonColumns {
                id: person.id.get(),
                popularity: person.popularity,
                content_hash: person_content_hash(&person),
                updated_at: person.updated_at.to_rfc3339(),
                document: serde_json::to_string(&person)?,
                imdb_id: person.imdb_id.clone(),
                name: person.name,
            });
        }
        Ok((first, rows))
    })
}

async fn write_movies(db: &mut SqliteConnection, batch: &MovieBatch) -> Fallible<()> {
    let mut tx = db.begin().await?;
    insert_all(
        &mut tx,
        "INSERT INTO catalog_movies (id, title, sort_title, release_date, original_language, \
         poster_path, genre_ids, popularity, vote_average, vote_count, rating_average, \
         rating_count, top_score, source, content_hash, updated_at, document, imdb_id) ",
        &batch.movies,
        |mut values, row| {
            values
                .push_bind(row.id)
                .push_bind(row.title.as_str())
                .push_bind(row.sort_title.as_str())
                .push_bind(row.release_date.as_deref())
                .push_bind(row.language.as_deref())
                .push_bind(row.poster_path.as_deref())
                .push_bind(row.genre_ids.as_str())
                .push_bind(row.popularity)
                .push_bind(row.vote_average)
                .push_bind(row.vote_count)
                .push_bind(row.rating_average)
                .push_bind(row.rating_count)
                .push_bind(row.top_score)
                .push_bind("tmdb")
                .push_bind(row.content_hash.as_str())
                .push_bind(row.updated_at.as_str())
                .push_bind(row.document.as_str())
                .push_bind(row.imdb_id.as_deref());
        },
    )
    .await?;
    for (table, column, pairs) in [
        ("catalog_movie_genres", "genre_id", &batch.genres),
        ("catalog_movie_keywords", "keyword_id", &batch.keywords),
        ("catalog_movie_people", "person_id", &batch.people),
    ] {
        insert_all(
            &mut tx,
            &format!("INSERT OR IGNORE INTO {table} (movie_id, {column}) "),
            pairs,
            |mut values, &(movie, related)| {
                values.push_bind(movie).push_bind(related);
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

async fn write_people(db: &mut SqliteConnection, rows: &[PersonColumns]) -> Fallible<()> {
    let mut tx = db.begin().await?;
    insert_all(
        &mut tx,
        "INSERT INTO catalog_people (id, name, popularity, content_hash, updated_at, document, \
         imdb_id) ",
        rows,
        |mut values, row| {
            values
                .push_bind(row.id)
                .push_bind(row.name.as_str())
                .push_bind(row.popularity)
                .push_bind(row.content_hash.as_str())
                .push_bind(row.updated_at.as_str())
                .push_bind(row.document.as_str())
                .push_bind(row.imdb_id.as_deref());
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The accounts of every generated user (the reviews pages show their usernames, and the rater
/// signs in for recommendations).
async fn write_accounts(db: &mut SqliteConnection, users: u64) -> Fallible<()> {
    let created = chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap_or_default();
    let ids: Vec<u64> = (0..users).collect();
    let mut tx = db.begin().await?;
    insert_all(
        &mut tx,
        "INSERT INTO users (id, username, email, password_hash, role, status, created_at, \
         updated_at) ",
        &ids,
        |mut values, &index| {
            values
                .push_bind(user_id(index))
                .push_bind(format!("scale_user_{index}"))
                .push_bind(format!("user{index}@scale.example.com"))
                .push_bind(NO_PASSWORD)
                .push_bind("user")
                .push_bind("active")
                .push_bind(created)
                .push_bind(created);
        },
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// `head` followed by `VALUES (…), (…)` for every row, [`ROWS_PER_STATEMENT`] at a time.
async fn insert_all<'rows, T>(
    db: &mut SqliteConnection,
    head: &str,
    rows: &'rows [T],
    bind: impl Fn(Separated<'_, 'rows, Sqlite, &'static str>, &'rows T),
) -> Fallible<()> {
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut statement = QueryBuilder::<Sqlite>::new(head);
        statement.push_values(chunk, &bind);
        statement
            .build()
            .persistent(false)
            .execute(&mut *db)
            .await?;
    }
    Ok(())
}

/// The store reads generated movies back exactly as they were generated (the first, the most
/// reviewed and the last), and counts every one.
async fn verify(sizes: &Sizes, plan: &Plan, catalog: &EmbeddedCatalog) -> Fallible<()> {
    for id in [1, crate::plan::BIG_MOVIE, sizes.movies / 2, sizes.movies] {
        let (expected, _) = synth::movie(sizes, id, plan.rating(id)).ok_or("bad id")?;
        let movie_id = MovieId::new(i64::try_from(id)?).ok_or("bad id")?;
        let stored = catalog.movie(movie_id).await?;
        if stored.as_ref() != Some(&expected) {
            return Err(format!("the store reads movie {id} back differently").into());
        }
    }
    let counted: u64 = catalog
        .genres_with_counts()
        .await?
        .iter()
        .map(|g| g.movie_count)
        .max()
        .unwrap_or(0);
    if counted == 0 {
        return Err("the genre counts were not kept".into());
    }
    Ok(())
}
