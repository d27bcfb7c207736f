//! MySQL / MariaDB adapter of [`ReviewStore`].
//!
//! Writers of one movie lock its `movie_ratings` row first (`SELECT … FOR UPDATE`), then touch
//! reviews: one lock order for every write, so concurrent writers queue instead of deadlocking.
//! A deadlock InnoDB still reports (it can, on index gaps) is retried a few times.

use std::future::Future;
use std::time::Duration;

use chrono::NaiveDateTime;
use sqlx::mysql::MySqlRow;
use sqlx::{MySql, MySqlPool, Row, Transaction};

use super::blocks::{block_of, page_start};
use super::cursor::{ReviewCursor, Slice};
use super::model::{
    now_micros, CreateOutcome, MovieActivity, NewReview, RatingAggregate, Review, ReviewId,
    ReviewPage, ReviewPatch, ReviewSort, Written, AGGREGATE_COLUMNS,
};
use super::row::{RawReview, REVIEW_COLUMNS};
use super::trend::{self, RatingEvent, TREND_COLUMNS};
use super::{
    aggregate_change, block_counts, Deleter, Rating, ReviewStore, BLOCK_COUNTS, UNCOUNT_IN_BLOCK,
};
use crate::domain::{MovieId, UserId};
use crate::http::PageRequest;
use crate::recommend::decay::{self, TrendScores, Window};
use crate::stores::reconnect::read_retrying;
use crate::stores::StoreError;

const STORE: &str = "reviews";
/// Attempts of a transaction InnoDB chose as a deadlock victim.
const MAX_ATTEMPTS: u32 = 5;

pub struct MySqlReviews {
    pool: MySqlPool,
}

/// Why one attempt of a transaction stopped: a database error (maybe retryable) or an answer.
enum Stop {
    Db(sqlx::Error),
    Store(StoreError),
}

impl From<sqlx::Error> for Stop {
    fn from(error: sqlx::Error) -> Self {
        Self::Db(error)
    }
}

impl From<StoreError> for Stop {
    fn from(error: StoreError) -> Self {
        Self::Store(error)
    }
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(STORE, error)
}

/// Deadlock (1213) or serialization failure (40001): the transaction was rolled back and may run
/// again unchanged.
fn is_retryable(error: &sqlx::Error) -> bool {
    match error {
        sqlx::Error::Database(e) => {
            e.code().is_some_and(|c| c == "40001" || c == "1213")
                || e.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
                    .is_some_and(|m| m.number() == 1213)
        }
        _ => false,
    }
}

/// Runs `attempt` until it succeeds, fails for good, or ran [`MAX_ATTEMPTS`] times.
async fn retrying<T, F, Fut>(mut attempt: F) -> Result<T, StoreError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, Stop>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        match attempt().await {
            Ok(value) => return Ok(value),
            Err(Stop::Store(error)) => return Err(error),
            Err(Stop::Db(error)) if tries < MAX_ATTEMPTS && is_retryable(&error) => {
                tracing::debug!(tries, "review write was a deadlock victim; retrying");
                // A short, growing pause lets the winner commit first.
                tokio::time::sleep(Duration::from_millis(5 * u64::from(tries))).await;
            }
            Err(Stop::Db(error)) => return Err(db(error)),
        }
    }
}

fn review_from_row(row: &MySqlRow) -> Result<Review, sqlx::Error> {
    let id: u64 = row.try_get("id")?;
    let version: u64 = row.try_get("version")?;
    let rating: i8 = row.try_get("rating")?;
    let created_at: NaiveDateTime = row.try_get("created_at")?;
    let updated_at: NaiveDateTime = row.try_get("updated_at")?;
    RawReview {
        id: i64::try_from(id).unwrap_or(0),
        movie_id: row.try_get("movie_id")?,
        user_id: row.try_get("user_id")?,
        rating: i64::from(rating),
        title: row.try_get("title")?,
        body: row.try_get("body")?,
        contains_spoilers: row.try_get("contains_spoilers")?,
        version: i64::try_from(version).unwrap_or(-1),
        created_at: created_at.and_utc(),
        updated_at: updated_at.and_utc(),
    }
    .into_review()
    .map_err(|e| sqlx::Error::Decode(e.to_string().into()))
}

fn aggregate_from_row(movie: MovieId, row: &MySqlRow) -> Result<RatingAggregate, StoreError> {
    let get = |column: &str| row.try_get::<i64, _>(column).map_err(db);
    let mut histogram = [0i64; 10];
    for (slot, column) in histogram.iter_mut().zip(super::model::HISTOGRAM_COLUMNS) {
        *slot = get(column)?;
    }
    RatingAggregate::from_columns(
        movie,
        get("rating_count")?,
        get("rating_sum")?,
        histogram,
        get("revision")?,
    )
}

/// Locks the movie's aggregate row for the rest of the transaction and returns its trend
/// scores, which the write then moves.
async fn lock_aggregate(
    tx: &mut Transaction<'_, MySql>,
    movie: MovieId,
) -> Result<TrendScores, Stop> {
    let sql = format!("SELECT {TREND_COLUMNS} FROM movie_ratings WHERE movie_id = ? FOR UPDATE");
    let (day, week): (Option<f64>, Option<f64>) = sqlx::query_as(&sql)
        .bind(movie.get())
        .fetch_optional(&mut **tx)
        .await?
        .ok_or_else(|| StoreError::Internal(format!("movie_ratings row of {movie} is missing")))?;
    Ok(trend::scores_from_columns(day, week))
}

async fn read_aggregate(
    tx: &mut Transaction<'_, MySql>,
    movie: MovieId,
) -> Result<RatingAggregate, Stop> {
    let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM movie_ratings WHERE movie_id = ?");
    let row = sqlx::query(&sql)
        .bind(movie.get())
        .fetch_one(&mut **tx)
        .await?;
    Ok(aggregate_from_row(movie, &row)?)
}

/// Moves `removed`'s rating and event out of the movie's row and `added`'s in; `scores` are the
/// row's trend scores as locked.
async fn change_aggregate(
    tx: &mut Transaction<'_, MySql>,
    movie: MovieId,
    scores: TrendScores,
    removed: Option<RatingEvent>,
    added: Option<RatingEvent>,
) -> Result<(), Stop> {
    let scores = trend::moved(scores, removed, added);
    let rating = |event: Option<RatingEvent>| event.map(|e| e.rating);
    sqlx::query(&aggregate_change(rating(removed), rating(added)))
        .bind(scores.day.0)
        .bind(scores.week.0)
        .bind(now_micros().naive_utc())
        .bind(movie.get())
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves review `id` between its movie's block counts ([`super::blocks`]): out of `removed`'s,
/// into `added`'s.
async fn recount_block(
    tx: &mut Transaction<'_, MySql>,
    movie: MovieId,
    id: ReviewId,
    removed: Option<Rating>,
    added: Option<Rating>,
) -> Result<(), Stop> {
    if let Some(rating) = removed {
        sqlx::query(UNCOUNT_IN_BLOCK)
            .bind(movie.get())
            .bind(i64::from(rating.get()))
            .bind(block_of(id))
            .execute(&mut **tx)
            .await?;
    }
    if let Some(rating) = added {
        sqlx::query(
            "INSERT INTO movie_review_blocks (movie_id, rating, block, reviews) \
             VALUES (?, ?, ?, 1) ON DUPLICATE KEY UPDATE reviews = reviews + 1",
        )
        .bind(movie.get())
        .bind(i64::from(rating.get()))
        .bind(block_of(id))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// The review, locked, and its rating event (see `trend.rs`).
async fn locked_review(
    tx: &mut Transaction<'_, MySql>,
    id: ReviewId,
) -> Result<Option<(Review, RatingEvent)>, Stop> {
    let sql = format!("SELECT {REVIEW_COLUMNS}, rated_at FROM reviews WHERE id = ? FOR UPDATE");
    let Some(row) = sqlx::query(&sql)
        .bind(id.get())
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let review = review_from_row(&row)?;
    let rated_at: Option<NaiveDateTime> = row.try_get("rated_at")?;
    let event = RatingEvent {
        rating: review.rating,
        at: rated_at.map(|at| at.and_utc()),
    };
    Ok(Some((review, event)))
}

impl MySqlReviews {
    pub fn new(pool: MySqlPool) -> Self {
        Self { pool }
    }

    pub fn pool(&self) -> &MySqlPool {
        &self.pool
    }

    /// The movie a review belongs to (it never changes), to lock its aggregate first.
    async fn movie_of(&self, id: ReviewId) -> Result<MovieId, StoreError> {
        let movie: Option<i64> = read_retrying(STORE, || {
            sqlx::query_scalar("SELECT movie_id FROM reviews WHERE id = ?")
                .bind(id.get())
                .fetch_optional(&self.pool)
        })
        .await?;
        movie
            .and_then(MovieId::new)
            .ok_or_else(|| StoreError::NotFound("review".into()))
    }

    async fn try_create(&self, review: &NewReview) -> Result<CreateOutcome, Stop> {
        let movie = review.movie_id;
        let mut tx = self.pool.begin().await?;
        let scores = lock_aggregate(&mut tx, movie).await?;
        let existing: Option<u64> =
            sqlx::query_scalar("SELECT id FROM reviews WHERE movie_id = ? AND user_id = ?")
                .bind(movie.get())
                .bind(review.user_id.0)
                .fetch_optional(&mut *tx)
                .await?;
        if let Some(existing) = existing.and_then(|id| ReviewId::new(i64::try_from(id).ok()?)) {
            tx.rollback().await?;
            return Ok(CreateOutcome::Duplicate(existing));
        }
        let now = now_micros();
        let inserted = sqlx::query(
            "INSERT INTO reviews (movie_id, user_id, rating, title, body, contains_spoilers, \
             version, created_at, updated_at, rated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?)",
        )
        .bind(movie.get())
        .bind(review.user_id.0)
        .bind(review.rating.get())
        .bind(review.title.as_ref().map(|t| t.as_str()))
        .bind(review.body.as_str())
        .bind(review.contains_spoilers)
        .bind(now.naive_utc())
        .bind(now.naive_utc())
        .bind(now.naive_utc())
        .execute(&mut *tx)
        .await?;
        let id = i64::try_from(inserted.last_insert_id())
            .ok()
            .and_then(ReviewId::new)
            .ok_or_else(|| StoreError::Internal("no id for the new review".into()))?;
        let event = RatingEvent {
            rating: review.rating,
            at: Some(now),
        };
        change_aggregate(&mut tx, movie, scores, None, Some(event)).await?;
        recount_block(&mut tx, movie, id, None, Some(review.rating)).await?;
        let rating = read_aggregate(&mut tx, movie).await?;
        tx.commit().await?;
        Ok(CreateOutcome::Created(Written {
            review: Review {
                id,
                movie_id: movie,
                user_id: Some(review.user_id),
                rating: review.rating,
                title: review.title.as_ref().map(|t| t.as_str().to_string()),
                body: review.body.as_str().to_string(),
                contains_spoilers: review.contains_spoilers,
                version: 1,
                created_at: now,
                updated_at: now,
            },
            rating,
        }))
    }

    async fn try_update(
        &self,
        movie: MovieId,
        id: ReviewId,
        author: UserId,
        expected_version: Option<u64>,
        patch: &ReviewPatch,
    ) -> Result<Written, Stop> {
        let mut tx = self.pool.begin().await?;
        let scores = lock_aggregate(&mut tx, movie).await?;
        let (current, event) = locked_review(&mut tx, id)
            .await?
            .filter(|(r, _)| r.user_id == Some(author))
            .ok_or_else(|| StoreError::NotFound("review".into()))?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(StoreError::VersionMismatch.into());
        }
        let updated = current.patched(patch);
        let rerated = event.re_rated(updated.rating, updated.updated_at);
        sqlx::query(
            "UPDATE reviews SET rating = ?, title = ?, body = ?, contains_spoilers = ?, \
             version = version + 1, updated_at = ?, rated_at = ? WHERE id = ? AND version = ?",
        )
        .bind(updated.rating.get())
        .bind(updated.title.as_deref())
        .bind(updated.body.as_str())
        .bind(updated.contains_spoilers)
        .bind(updated.updated_at.naive_utc())
        .bind(rerated.at.map(|at| at.naive_utc()))
        .bind(id.get())
        .bind(current.version)
        .execute(&mut *tx)
        .await?;
        if updated.rating != current.rating {
            change_aggregate(&mut tx, movie, scores, Some(event), Some(rerated)).await?;
            recount_block(
                &mut tx,
                movie,
                id,
                Some(current.rating),
                Some(updated.rating),
            )
            .await?;
        }
        let rating = read_aggregate(&mut tx, movie).await?;
        tx.commit().await?;
        Ok(Written {
            review: updated,
            rating,
        })
    }

    async fn try_delete(&self, movie: MovieId, id: ReviewId, by: Deleter) -> Result<Written, Stop> {
        let mut tx = self.pool.begin().await?;
        let scores = lock_aggregate(&mut tx, movie).await?;
        let (current, event) = locked_review(&mut tx, id)
            .await?
            .filter(|(r, _)| match by {
                Deleter::Admin => true,
                Deleter::Author(user) => r.user_id == Some(user),
            })
            .ok_or_else(|| StoreError::NotFound("review".into()))?;
        sqlx::query("DELETE FROM reviews WHERE id = ?")
            .bind(id.get())
            .execute(&mut *tx)
            .await?;
        change_aggregate(&mut tx, movie, scores, Some(event), None).await?;
        recount_block(&mut tx, movie, id, Some(current.rating), None).await?;
        let rating = read_aggregate(&mut tx, movie).await?;
        tx.commit().await?;
        Ok(Written {
            review: current,
            rating,
        })
    }

    async fn page(
        &self,
        bind: Bind,
        sort: ReviewSort,
        slice: Slice,
        total: u64,
    ) -> Result<ReviewPage, StoreError> {
        let (range, keys) = slice.after.map(range_after).unwrap_or_default();
        let (filter, index) = bind.filter_and_index(sort);
        let order = sort.order_by();
        // The index is named: with a few hundred thousand reviews of one movie, MariaDB's
        // estimates picked the rating index for the newest order and sorted every review of
        // the movie.
        let sql = if slice.offset == 0 {
            // Nothing to skip (a first page, or the page after a cursor): the rows are read
            // along the index as they come. The deferred join below would cost MariaDB a
            // derived table for nothing: about 70 µs of the first page's 170 µs on the server.
            format!(
                "SELECT {REVIEW_COLUMNS} FROM reviews FORCE INDEX ({index}) \
                 WHERE {filter}{range} ORDER BY {order} LIMIT ? OFFSET ?"
            )
        } else {
            // A deferred join: the page's ids come from the index alone (it holds the sort
            // keys and the id), so an offset skips index entries, not whole rows; only the
            // page's rows are read. Page 500 of a movie with 200 000 reviews skips 49 900.
            format!(
                "SELECT {REVIEW_COLUMNS} FROM reviews JOIN (SELECT id AS page_id FROM reviews \
                 FORCE INDEX ({index}) WHERE {filter}{range} ORDER BY {order} LIMIT ? OFFSET ?) \
                 page ON reviews.id = page.page_id ORDER BY {order}"
            )
        };
        let rows = read_retrying(STORE, || {
            let query = sqlx::query(&sql);
            let query = match bind {
                Bind::Movie(movie) => query.bind(movie.get()),
                Bind::User(user) => query.bind(user.0),
            };
            keys.iter()
                .fold(query, |query, key| query.bind(*key))
                .bind(slice.rows_to_read())
                .bind(slice.offset)
                .fetch_all(&self.pool)
        })
        .await?;
        let reviews = rows
            .iter()
            .map(|row| review_from_row(row).map_err(db))
            .collect::<Result<_, _>>()?;
        Ok(slice.page(reviews, total))
    }
}

/// The reviews past `cursor` in its order, written as MariaDB's range optimiser reads them: an
/// `OR` of two ranges of the `(movie_id, rating, id)` index. It does not turn a row comparison
/// `(rating, id) < (?, ?)` into a range, and would walk the movie's reviews from the start.
fn range_after(cursor: ReviewCursor) -> (&'static str, Vec<i64>) {
    let id = cursor.id().get();
    match cursor {
        ReviewCursor::Newest(_) => (" AND id < ?", vec![id]),
        ReviewCursor::Oldest(_) => (" AND id > ?", vec![id]),
        ReviewCursor::RatingDesc(rating, _) => {
            let rating = i64::from(rating.get());
            (
                " AND (rating < ? OR (rating = ? AND id < ?))",
                vec![rating, rating, id],
            )
        }
        ReviewCursor::RatingAsc(rating, _) => {
            let rating = i64::from(rating.get());
            (
                " AND (rating > ? OR (rating = ? AND id > ?))",
                vec![rating, rating, id],
            )
        }
    }
}

/// The one value a list query filters on.
#[derive(Clone, Copy)]
enum Bind {
    Movie(MovieId),
    User(UserId),
}

impl Bind {
    /// The condition of a list and the index that serves it in `sort` order (a user's reviews
    /// are listed newest first only).
    fn filter_and_index(self, sort: ReviewSort) -> (&'static str, &'static str) {
        match (self, sort) {
            (Self::Movie(_), ReviewSort::Newest | ReviewSort::Oldest) => {
                ("movie_id = ?", "reviews_movie_newest")
            }
            (Self::Movie(_), ReviewSort::RatingDesc | ReviewSort::RatingAsc) => {
                ("movie_id = ?", "reviews_movie_rating")
            }
            (Self::User(_), _) => ("user_id = ?", "reviews_user_newest"),
        }
    }
}

#[async_trait::async_trait]
impl ReviewStore for MySqlReviews {
    async fn ping(&self) -> Result<(), StoreError> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }

    async fn create_review(&self, review: &NewReview) -> Result<CreateOutcome, StoreError> {
        // The aggregate row must exist before it can be locked. Created outside the transaction
        // (autocommit), so no transaction ever holds a shared lock it later has to upgrade.
        sqlx::query("INSERT IGNORE INTO movie_ratings (movie_id) VALUES (?)")
            .bind(review.movie_id.get())
            .execute(&self.pool)
            .await
            .map_err(db)?;
        let outcome = retrying(|| self.try_create(review)).await;
        match outcome {
            // The unique key backs the check above up; report the review that won.
            Err(StoreError::Conflict(_)) => {
                let existing: Option<u64> =
                    sqlx::query_scalar("SELECT id FROM reviews WHERE movie_id = ? AND user_id = ?")
                        .bind(review.movie_id.get())
                        .bind(review.user_id.0)
                        .fetch_optional(&self.pool)
                        .await
                        .map_err(db)?;
                existing
                    .and_then(|id| ReviewId::new(i64::try_from(id).ok()?))
                    .map(CreateOutcome::Duplicate)
                    .ok_or_else(|| StoreError::Conflict("review".into()))
            }
            other => other,
        }
    }

    async fn review(&self, id: ReviewId) -> Result<Option<Review>, StoreError> {
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE id = ?");
        let row = read_retrying(STORE, || {
            sqlx::query(&sql).bind(id.get()).fetch_optional(&self.pool)
        })
        .await?;
        row.as_ref().map(review_from_row).transpose().map_err(db)
    }

    async fn update_review(
        &self,
        id: ReviewId,
        author: UserId,
        expected_version: Option<u64>,
        patch: &ReviewPatch,
    ) -> Result<Written, StoreError> {
        let movie = self.movie_of(id).await?;
        retrying(|| self.try_update(movie, id, author, expected_version, patch)).await
    }

    async fn delete_review(&self, id: ReviewId, by: Deleter) -> Result<Written, StoreError> {
        let movie = self.movie_of(id).await?;
        retrying(|| self.try_delete(movie, id, by)).await
    }

    async fn movie_reviews(
        &self,
        movie: MovieId,
        sort: ReviewSort,
        page: PageRequest,
    ) -> Result<ReviewPage, StoreError> {
        // The aggregate's count is the number of the movie's reviews (same transactions), and
        // costs one primary-key read instead of a COUNT over the index.
        let total = self.movie_rating(movie).await?.count;
        let slice = Slice::of_page(page);
        if slice.offset >= total {
            return Ok(slice.page(Vec::new(), total));
        }
        let slice = if slice.offset > 0 {
            let rows = read_retrying(STORE, || {
                sqlx::query_as(BLOCK_COUNTS)
                    .bind(movie.get())
                    .fetch_all(&self.pool)
            })
            .await?;
            slice.starting(page_start(sort, slice.offset, &block_counts(rows)?))
        } else {
            slice
        };
        self.page(Bind::Movie(movie), sort, slice, total).await
    }

    async fn movie_reviews_after(
        &self,
        movie: MovieId,
        cursor: ReviewCursor,
        limit: u32,
    ) -> Result<ReviewPage, StoreError> {
        let total = self.movie_rating(movie).await?.count;
        let slice = Slice::after(cursor, limit);
        self.page(Bind::Movie(movie), cursor.sort(), slice, total)
            .await
    }

    async fn user_reviews(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<ReviewPage, StoreError> {
        let total: i64 = read_retrying(STORE, || {
            sqlx::query_scalar("SELECT COUNT(*) FROM reviews WHERE user_id = ?")
                .bind(user.0)
                .fetch_one(&self.pool)
        })
        .await?;
        let total = u64::try_from(total).unwrap_or(0);
        let slice = Slice::of_page(page);
        if slice.offset >= total {
            return Ok(slice.page(Vec::new(), total));
        }
        self.page(Bind::User(user), ReviewSort::Newest, slice, total)
            .await
    }

    async fn movie_rating(&self, movie: MovieId) -> Result<RatingAggregate, StoreError> {
        let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM movie_ratings WHERE movie_id = ?");
        let row = read_retrying(STORE, || {
            sqlx::query(&sql)
                .bind(movie.get())
                .fetch_optional(&self.pool)
        })
        .await?;
        match row {
            Some(row) => aggregate_from_row(movie, &row),
            None => Ok(RatingAggregate::empty(movie)),
        }
    }

    async fn trending_activity(
        &self,
        window: Window,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<MovieActivity>, StoreError> {
        let sql = trend::trending_sql(window);
        let rows: Vec<(i64, f64)> = read_retrying(STORE, || {
            sqlx::query_as(&sql)
                .bind(decay::floor(window, now))
                .bind(limit)
                .fetch_all(&self.pool)
        })
        .await?;
        Ok(trend::activity_from_rows(window, now, rows))
    }

    async fn anonymise_user(&self, user: UserId) -> Result<(), StoreError> {
        // The version moves on: the review's author changed, so must its ETag.
        sqlx::query("UPDATE reviews SET user_id = NULL, version = version + 1 WHERE user_id = ?")
            .bind(user.0)
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }
}
