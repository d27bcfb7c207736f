//! Embedded (SQLite) adapter of [`ReviewStore`].
//!
//! Write transactions start with `BEGIN IMMEDIATE`: SQLite then takes its one write lock up
//! front, so concurrent writers queue on the busy timeout instead of failing when a read lock
//! would have to be upgraded.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, Sqlite, SqlitePool, Transaction};

use super::blocks::{block_of, page_start};
use super::cursor::{ReviewCursor, Slice};
use super::model::{
    now_micros, CreateOutcome, MovieActivity, NewReview, RatingAggregate, Review, ReviewId,
    ReviewPage, ReviewPatch, ReviewSort, Written, AGGREGATE_COLUMNS, HISTOGRAM_COLUMNS,
};
use super::row::{RawReview, REVIEW_COLUMNS};
use super::trend::{self, RatingEvent, TREND_COLUMNS};
use super::{
    aggregate_change, block_counts, Deleter, Rating, ReviewStore, BLOCK_COUNTS, UNCOUNT_IN_BLOCK,
};
use crate::domain::{MovieId, UserId};
use crate::http::PageRequest;
use crate::recommend::decay::{self, Window};
use crate::stores::StoreError;

const STORE: &str = "reviews";

pub struct EmbeddedReviews {
    pool: SqlitePool,
}

fn db(error: sqlx::Error) -> StoreError {
    StoreError::from_sqlx(STORE, error)
}

/// User ids are stored as hyphenated text, readable in the SQLite shell.
fn user_text(user: UserId) -> String {
    user.0.hyphenated().to_string()
}

fn review_from_row(row: &SqliteRow) -> Result<Review, StoreError> {
    let user_id: Option<String> = row.try_get("user_id").map_err(db)?;
    let user_id = user_id
        .map(|text| uuid::Uuid::parse_str(&text))
        .transpose()
        .map_err(|_| StoreError::Internal("a review has a malformed user id".into()))?;
    let created_at: DateTime<Utc> = row.try_get("created_at").map_err(db)?;
    let updated_at: DateTime<Utc> = row.try_get("updated_at").map_err(db)?;
    RawReview {
        id: row.try_get("id").map_err(db)?,
        movie_id: row.try_get("movie_id").map_err(db)?,
        user_id,
        rating: row.try_get("rating").map_err(db)?,
        title: row.try_get("title").map_err(db)?,
        body: row.try_get("body").map_err(db)?,
        contains_spoilers: row.try_get("contains_spoilers").map_err(db)?,
        version: row.try_get("version").map_err(db)?,
        created_at,
        updated_at,
    }
    .into_review()
}

fn aggregate_from_row(movie: MovieId, row: &SqliteRow) -> Result<RatingAggregate, StoreError> {
    let get = |column: &str| row.try_get::<i64, _>(column).map_err(db);
    let mut histogram = [0i64; 10];
    for (slot, column) in histogram.iter_mut().zip(HISTOGRAM_COLUMNS) {
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

async fn read_aggregate(
    tx: &mut Transaction<'_, Sqlite>,
    movie: MovieId,
) -> Result<RatingAggregate, StoreError> {
    let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM movie_ratings WHERE movie_id = ?");
    let row = sqlx::query(&sql)
        .bind(movie.get())
        .fetch_one(&mut **tx)
        .await
        .map_err(db)?;
    aggregate_from_row(movie, &row)
}

/// Moves `removed`'s rating and event out of the movie's row and `added`'s in. The transaction
/// holds SQLite's write lock (`BEGIN IMMEDIATE`), so the scores read here cannot change before
/// they are written back.
async fn change_aggregate(
    tx: &mut Transaction<'_, Sqlite>,
    movie: MovieId,
    removed: Option<RatingEvent>,
    added: Option<RatingEvent>,
) -> Result<(), StoreError> {
    let sql = format!("SELECT {TREND_COLUMNS} FROM movie_ratings WHERE movie_id = ?");
    let (day, week): (Option<f64>, Option<f64>) = sqlx::query_as(&sql)
        .bind(movie.get())
        .fetch_one(&mut **tx)
        .await
        .map_err(db)?;
    let scores = trend::moved(trend::scores_from_columns(day, week), removed, added);
    let rating = |event: Option<RatingEvent>| event.map(|e| e.rating);
    sqlx::query(&aggregate_change(rating(removed), rating(added)))
        .bind(scores.day.0)
        .bind(scores.week.0)
        .bind(now_micros())
        .bind(movie.get())
        .execute(&mut **tx)
        .await
        .map(|_| ())
        .map_err(db)
}

/// Moves review `id` between its movie's block counts ([`super::blocks`]): out of `removed`'s,
/// into `added`'s.
async fn recount_block(
    tx: &mut Transaction<'_, Sqlite>,
    movie: MovieId,
    id: ReviewId,
    removed: Option<Rating>,
    added: Option<Rating>,
) -> Result<(), StoreError> {
    if let Some(rating) = removed {
        sqlx::query(UNCOUNT_IN_BLOCK)
            .bind(movie.get())
            .bind(i64::from(rating.get()))
            .bind(block_of(id))
            .execute(&mut **tx)
            .await
            .map_err(db)?;
    }
    if let Some(rating) = added {
        sqlx::query(
            "INSERT INTO movie_review_blocks (movie_id, rating, block, reviews) \
             VALUES (?, ?, ?, 1) \
             ON CONFLICT (movie_id, rating, block) DO UPDATE SET reviews = reviews + 1",
        )
        .bind(movie.get())
        .bind(i64::from(rating.get()))
        .bind(block_of(id))
        .execute(&mut **tx)
        .await
        .map_err(db)?;
    }
    Ok(())
}

/// The review and its rating event (see `trend.rs`).
async fn review_in(
    tx: &mut Transaction<'_, Sqlite>,
    id: ReviewId,
) -> Result<Option<(Review, RatingEvent)>, StoreError> {
    let sql = format!("SELECT {REVIEW_COLUMNS}, rated_at FROM reviews WHERE id = ?");
    let Some(row) = sqlx::query(&sql)
        .bind(id.get())
        .fetch_optional(&mut **tx)
        .await
        .map_err(db)?
    else {
        return Ok(None);
    };
    let review = review_from_row(&row)?;
    let event = RatingEvent {
        rating: review.rating,
        at: row.try_get("rated_at").map_err(db)?,
    };
    Ok(Some((review, event)))
}

impl EmbeddedReviews {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }

    async fn write_transaction(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        self.pool.begin_with("BEGIN IMMEDIATE").await.map_err(db)
    }

    async fn count(&self, sql: &str, bind: Bind) -> Result<u64, StoreError> {
        let query = sqlx::query_scalar::<_, i64>(sql);
        let query = match bind {
            Bind::Movie(movie) => query.bind(movie.get()),
            Bind::User(user) => query.bind(user_text(user)),
        };
        let total = query.fetch_one(&self.pool).await.map_err(db)?;
        Ok(u64::try_from(total).unwrap_or(0))
    }

    async fn page(
        &self,
        filter: &str,
        bind: Bind,
        order: &str,
        slice: Slice,
        total: u64,
    ) -> Result<ReviewPage, StoreError> {
        let (range, keys) = slice.after.map(range_after).unwrap_or_default();
        let sql = if slice.offset == 0 {
            // Nothing to skip (a first page, or the page after a cursor): the rows are read
            // along the index as they come, without the join below (a sixth of a first page).
            format!(
                "SELECT {REVIEW_COLUMNS} FROM reviews WHERE {filter}{range} \
                 ORDER BY {order} LIMIT ? OFFSET ?"
            )
        } else {
            // A deferred join: the page's ids come from the index alone (it holds the sort
            // keys and the id), so an offset skips index entries, not whole rows; only the
            // page's rows are read. Page 500 of a movie with 200 000 reviews skips 49 900.
            format!(
                "SELECT {REVIEW_COLUMNS} FROM reviews JOIN (SELECT id AS page_id FROM reviews \
                 WHERE {filter}{range} ORDER BY {order} LIMIT ? OFFSET ?) page \
                 ON reviews.id = page.page_id ORDER BY {order}"
            )
        };
        let query = sqlx::query(&sql);
        let query = match bind {
            Bind::Movie(movie) => query.bind(movie.get()),
            Bind::User(user) => query.bind(user_text(user)),
        };
        let rows = keys
            .iter()
            .fold(query, |query, key| query.bind(*key))
            .bind(slice.rows_to_read())
            .bind(i64::try_from(slice.offset).unwrap_or(i64::MAX))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        let reviews = rows.iter().map(review_from_row).collect::<Result<_, _>>()?;
        Ok(slice.page(reviews, total))
    }
}

/// The reviews past `cursor` in its order. SQLite reads a row-value comparison as a range of the
/// `(movie_id, rating, id)` index.
fn range_after(cursor: ReviewCursor) -> (&'static str, Vec<i64>) {
    let id = cursor.id().get();
    match cursor {
        ReviewCursor::Newest(_) => (" AND id < ?", vec![id]),
        ReviewCursor::Oldest(_) => (" AND id > ?", vec![id]),
        ReviewCursor::RatingDesc(rating, _) => (
            " AND (rating, id) < (?, ?)",
            vec![i64::from(rating.get()), id],
        ),
        ReviewCursor::RatingAsc(rating, _) => (
            " AND (rating, id) > (?, ?)",
            vec![i64::from(rating.get()), id],
        ),
    }
}

/// The one value a list query filters on.
enum Bind {
    Movie(MovieId),
    User(UserId),
}

#[async_trait::async_trait]
impl ReviewStore for EmbeddedReviews {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn create_review(&self, review: &NewReview) -> Result<CreateOutcome, StoreError> {
        let movie = review.movie_id;
        let user = user_text(review.user_id);
        let mut tx = self.write_transaction().await?;
        let existing: Option<i64> =
            sqlx::query_scalar("SELECT id FROM reviews WHERE movie_id = ? AND user_id = ?")
                .bind(movie.get())
                .bind(&user)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db)?;
        if let Some(existing) = existing.and_then(ReviewId::new) {
            tx.rollback().await.map_err(db)?;
            return Ok(CreateOutcome::Duplicate(existing));
        }
        sqlx::query("INSERT INTO movie_ratings (movie_id) VALUES (?) ON CONFLICT DO NOTHING")
            .bind(movie.get())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let now = now_micros();
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reviews (movie_id, user_id, rating, title, body, contains_spoilers, \
             version, created_at, updated_at, rated_at) VALUES (?, ?, ?, ?, ?, ?, 1, ?, ?, ?) \
             RETURNING id",
        )
        .bind(movie.get())
        .bind(&user)
        .bind(i64::from(review.rating.get()))
        .bind(review.title.as_ref().map(|t| t.as_str()))
        .bind(review.body.as_str())
        .bind(review.contains_spoilers)
        .bind(now)
        .bind(now)
        .bind(now)
        .fetch_one(&mut *tx)
        .await
        .map_err(db)?;
        let id =
            ReviewId::new(id).ok_or_else(|| StoreError::Internal("bad id for a review".into()))?;
        let event = RatingEvent {
            rating: review.rating,
            at: Some(now),
        };
        change_aggregate(&mut tx, movie, None, Some(event)).await?;
        recount_block(&mut tx, movie, id, None, Some(review.rating)).await?;
        let rating = read_aggregate(&mut tx, movie).await?;
        tx.commit().await.map_err(db)?;
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

    async fn review(&self, id: ReviewId) -> Result<Option<Review>, StoreError> {
        let sql = format!("SELECT {REVIEW_COLUMNS} FROM reviews WHERE id = ?");
        let row = sqlx::query(&sql)
            .bind(id.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        row.as_ref().map(review_from_row).transpose()
    }

    async fn update_review(
        &self,
        id: ReviewId,
        author: UserId,
        expected_version: Option<u64>,
        patch: &ReviewPatch,
    ) -> Result<Written, StoreError> {
        let mut tx = self.write_transaction().await?;
        let (current, event) = review_in(&mut tx, id)
            .await?
            .filter(|(r, _)| r.user_id == Some(author))
            .ok_or_else(|| StoreError::NotFound("review".into()))?;
        if expected_version.is_some_and(|v| v != current.version) {
            return Err(StoreError::VersionMismatch);
        }
        let updated = current.patched(patch);
        let rerated = event.re_rated(updated.rating, updated.updated_at);
        sqlx::query(
            "UPDATE reviews SET rating = ?, title = ?, body = ?, contains_spoilers = ?, \
             version = version + 1, updated_at = ?, rated_at = ? WHERE id = ? AND version = ?",
        )
        .bind(i64::from(updated.rating.get()))
        .bind(updated.title.as_deref())
        .bind(updated.body.as_str())
        .bind(updated.contains_spoilers)
        .bind(updated.updated_at)
        .bind(rerated.at)
        .bind(id.get())
        .bind(i64::try_from(current.version).unwrap_or(i64::MAX))
        .execute(&mut *tx)
        .await
        .map_err(db)?;
        let movie = current.movie_id;
        if updated.rating != current.rating {
            change_aggregate(&mut tx, movie, Some(event), Some(rerated)).await?;
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
        tx.commit().await.map_err(db)?;
        Ok(Written {
            review: updated,
            rating,
        })
    }

    async fn delete_review(&self, id: ReviewId, by: Deleter) -> Result<Written, StoreError> {
        let mut tx = self.write_transaction().await?;
        let (current, event) = review_in(&mut tx, id)
            .await?
            .filter(|(r, _)| match by {
                Deleter::Admin => true,
                Deleter::Author(user) => r.user_id == Some(user),
            })
            .ok_or_else(|| StoreError::NotFound("review".into()))?;
        sqlx::query("DELETE FROM reviews WHERE id = ?")
            .bind(id.get())
            .execute(&mut *tx)
            .await
            .map_err(db)?;
        let movie = current.movie_id;
        change_aggregate(&mut tx, movie, Some(event), None).await?;
        recount_block(&mut tx, movie, id, Some(current.rating), None).await?;
        let rating = read_aggregate(&mut tx, movie).await?;
        tx.commit().await.map_err(db)?;
        Ok(Written {
            review: current,
            rating,
        })
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
            let rows = sqlx::query_as(BLOCK_COUNTS)
                .bind(movie.get())
                .fetch_all(&self.pool)
                .await
                .map_err(db)?;
            slice.starting(page_start(sort, slice.offset, &block_counts(rows)?))
        } else {
            slice
        };
        self.page(
            "movie_id = ?",
            Bind::Movie(movie),
            sort.order_by(),
            slice,
            total,
        )
        .await
    }

    async fn movie_reviews_after(
        &self,
        movie: MovieId,
        cursor: ReviewCursor,
        limit: u32,
    ) -> Result<ReviewPage, StoreError> {
        let total = self.movie_rating(movie).await?.count;
        let order = cursor.sort().order_by();
        let slice = Slice::after(cursor, limit);
        self.page("movie_id = ?", Bind::Movie(movie), order, slice, total)
            .await
    }

    async fn user_reviews(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> Result<ReviewPage, StoreError> {
        let total = self
            .count(
                "SELECT COUNT(*) FROM reviews WHERE user_id = ?",
                Bind::User(user),
            )
            .await?;
        let slice = Slice::of_page(page);
        if slice.offset >= total {
            return Ok(slice.page(Vec::new(), total));
        }
        let newest = ReviewSort::Newest.order_by();
        self.page("user_id = ?", Bind::User(user), newest, slice, total)
            .await
    }

    async fn movie_rating(&self, movie: MovieId) -> Result<RatingAggregate, StoreError> {
        let sql = format!("SELECT {AGGREGATE_COLUMNS} FROM movie_ratings WHERE movie_id = ?");
        let row = sqlx::query(&sql)
            .bind(movie.get())
            .fetch_optional(&self.pool)
            .await
            .map_err(db)?;
        match row {
            Some(row) => aggregate_from_row(movie, &row),
            None => Ok(RatingAggregate::empty(movie)),
        }
    }

    async fn trending_activity(
        &self,
        window: Window,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<MovieActivity>, StoreError> {
        let rows: Vec<(i64, f64)> = sqlx::query_as(&trend::trending_sql(window))
            .bind(decay::floor(window, now))
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db)?;
        Ok(trend::activity_from_rows(window, now, rows))
    }

    async fn anonymise_user(&self, user: UserId) -> Result<(), StoreError> {
        // The version moves on: the review's author changed, so must its ETag.
        sqlx::query("UPDATE reviews SET user_id = NULL, version = version + 1 WHERE user_id = ?")
            .bind(user_text(user))
            .execute(&self.pool)
            .await
            .map(|_| ())
            .map_err(db)
    }
}
