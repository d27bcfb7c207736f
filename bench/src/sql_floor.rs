//! The floor of `GET /movies/{id}/reviews`: the statements the route issues, issued directly.
//!
//! The first page of a movie's reviews is three statements, in this order (copied from
//! `shared/src/stores/reviews/mysql.rs` `movie_reviews`/`movie_rating`/`page` and
//! `shared/src/stores/accounts/postgres.rs` `usernames`): the movie's rating aggregate (its count
//! is the page's total), the page itself, and the authors' names. They run over pools built by
//! the same functions the application uses (`shared::state::{mysql_pool, pg_pool}`), so both
//! sides have the same connection limits.

use std::time::{Duration, Instant};

use sqlx::Row;
use uuid::Uuid;

use crate::fixtures::App;
use crate::stats::{summarise, Latency};
use crate::Fallible;

const AGGREGATE: &str = "SELECT rating_count, rating_sum, r1, r2, r3, r4, r5, r6, r7, r8, r9, \
     r10, revision FROM movie_ratings WHERE movie_id = ?";
/// The route's newest-first first page: along the named index, one row more than the page to
/// tell whether another follows.
const PAGE: &str =
    "SELECT id, movie_id, user_id, rating, title, body, contains_spoilers, version, \
     created_at, updated_at FROM reviews FORCE INDEX (reviews_movie_newest) \
     WHERE movie_id = ? ORDER BY id DESC LIMIT ? OFFSET ?";
const USERNAMES: &str = "SELECT id, username::text AS username FROM users \
     WHERE id = ANY($1) AND status = 'active'";
/// The route's default page.
const PAGE_SIZE: u64 = 20;

#[derive(Clone)]
struct Pools {
    mysql: sqlx::MySqlPool,
    postgres: sqlx::PgPool,
}

/// Runs the three statements back to back from `connections` tasks for `duration` (after an
/// unmeasured `warmup`), one sample per page read.
pub async fn measure(
    app: &App,
    connections: u32,
    warmup: Duration,
    duration: Duration,
) -> Fallible<Latency> {
    let settings = app.state.settings();
    let mysql_url = match &settings.reviews {
        shared::config::StoreSetting::Production(url) => url.expose().to_string(),
        _ => return Err("the reviews store is not MariaDB".into()),
    };
    let postgres_url = match &settings.accounts {
        shared::config::StoreSetting::Production(url) => url.expose().to_string(),
        _ => return Err("the accounts store is not PostgreSQL".into()),
    };
    let pools = Pools {
        mysql: shared::state::mysql_pool(&mysql_url)?,
        postgres: shared::state::pg_pool(&postgres_url)?,
    };
    let movie = app.movie.get();
    // Same answer as the route, or the comparison means nothing.
    let rows = read_page(&pools, movie).await?;
    if rows != PAGE_SIZE as usize {
        return Err(format!("the direct page query found {rows} reviews, not {PAGE_SIZE}").into());
    }
    let _ = run(&pools, movie, connections, warmup).await?;
    let (samples, elapsed) = run(&pools, movie, connections, duration).await?;
    pools.mysql.close().await;
    pools.postgres.close().await;
    Ok(summarise(samples, elapsed))
}

async fn run(
    pools: &Pools,
    movie: i64,
    connections: u32,
    duration: Duration,
) -> Fallible<(Vec<Duration>, Duration)> {
    let started = Instant::now();
    let deadline = started + duration;
    // One spawned task per connection, as the server runs one task per connection.
    let tasks: Vec<_> = (0..connections)
        .map(|_| {
            let pools = pools.clone();
            tokio::spawn(async move {
                let mut samples = Vec::new();
                while Instant::now() < deadline {
                    let begun = Instant::now();
                    read_page(&pools, movie).await?;
                    samples.push(begun.elapsed());
                }
                Ok::<_, sqlx::Error>(samples)
            })
        })
        .collect();
    let mut all = Vec::new();
    for task in tasks {
        all.extend(task.await??);
    }
    Ok((all, started.elapsed()))
}

/// One first page: aggregate, page, author names. Returns the number of reviews on the page.
async fn read_page(pools: &Pools, movie: i64) -> Result<usize, sqlx::Error> {
    let aggregate = sqlx::query(AGGREGATE)
        .bind(movie)
        .fetch_optional(&pools.mysql)
        .await?;
    let total: i64 = match &aggregate {
        Some(row) => row.try_get("rating_count")?,
        None => 0,
    };
    if total == 0 {
        return Ok(0);
    }
    let mut rows = sqlx::query(PAGE)
        .bind(movie)
        .bind(PAGE_SIZE + 1)
        .bind(0u64)
        .fetch_all(&pools.mysql)
        .await?;
    rows.truncate(PAGE_SIZE as usize);
    let mut authors: Vec<Uuid> = rows
        .iter()
        .map(|row| row.try_get::<Option<Uuid>, _>("user_id"))
        .collect::<Result<Vec<_>, _>>()?
        .into_iter()
        .flatten()
        .collect();
    authors.sort_unstable();
    authors.dedup();
    if !authors.is_empty() {
        sqlx::query(USERNAMES)
            .bind(&authors)
            .fetch_all(&pools.postgres)
            .await?;
    }
    Ok(rows.len())
}
