//! Reviews, ratings and rating aggregates.
//!
//! Every write changes `reviews` and the movie's row of `movie_ratings` in one transaction, so the
//! aggregate always equals what the reviews table says. Writers of one movie serialize on its
//! aggregate row (locked first, always), which also rules out deadlocks between them. The same
//! row keeps the movie's trend scores (`trend.rs`), moved by the same writes.

mod blocks;
mod cursor;
mod embedded;
mod model;
mod mysql;
mod row;
mod trend;

pub use cursor::{ReviewCursor, MAX_CURSOR_ID_DIGITS};
pub use embedded::EmbeddedReviews;
pub use model::{
    now_micros, CreateOutcome, MovieActivity, NewReview, Rating, RatingAggregate, Review,
    ReviewBody, ReviewId, ReviewPage, ReviewPatch, ReviewSort, ReviewTitle, Written,
    MAX_BODY_CHARS, MAX_RATING, MAX_TITLE_CHARS, MIN_RATING,
};
pub use mysql::MySqlReviews;

use super::StoreError;
use crate::domain::{MovieId, UserId};
use crate::http::PageRequest;
use crate::recommend::decay::Window;

/// Who is deleting a review: its author (only their own) or an admin (any).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleter {
    Author(UserId),
    Admin,
}

#[async_trait::async_trait]
pub trait ReviewStore: Send + Sync {
    async fn ping(&self) -> Result<(), StoreError>;

    /// Creates a review and counts its rating. A second review of the same movie by the same
    /// user writes nothing and reports the existing one.
    async fn create_review(&self, review: &NewReview) -> Result<CreateOutcome, StoreError>;

    async fn review(&self, id: ReviewId) -> Result<Option<Review>, StoreError>;

    /// Applies `patch` to `author`'s review `id`, if it is still at `expected_version` (`None`:
    /// whatever its version). `NotFound` when there is no such review of that author,
    /// `VersionMismatch` when it changed since.
    async fn update_review(
        &self,
        id: ReviewId,
        author: UserId,
        expected_version: Option<u64>,
        patch: &ReviewPatch,
    ) -> Result<Written, StoreError>;

    /// Deletes review `id` and uncounts its rating. `NotFound` when there is no such review (or
    /// it is not the author's).
    async fn delete_review(&self, id: ReviewId, by: Deleter) -> Result<Written, StoreError>;

    /// A page of a movie's reviews in `sort` order.
    async fn movie_reviews(
        &self,
        movie: MovieId,
        sort: ReviewSort,
        page: PageRequest,
    ) -> Result<ReviewPage, StoreError>;

    /// The `limit` reviews of a movie that follow `cursor`, in the cursor's order. `total` is
    /// all the movie's reviews.
    async fn movie_reviews_after(
        &self,
        movie: MovieId,
        cursor: ReviewCursor,
        limit: u32,
    ) -> Result<ReviewPage, StoreError>;

    /// A page of a user's reviews, newest first.
    async fn user_reviews(&self, user: UserId, page: PageRequest)
        -> Result<ReviewPage, StoreError>;

    /// The movie's aggregate (empty for a movie nobody reviewed).
    async fn movie_rating(&self, movie: MovieId) -> Result<RatingAggregate, StoreError>;

    /// The movies most active in `window` at `now`, most active first, at most `limit` of them
    /// (trending: "most reviewed and rated lately"), from the scores every write keeps. Events
    /// fade rather than leave: a movie counts while its activity is at least 1/16, one event a
    /// whole window old ([`crate::recommend::decay::FLOOR_HALVINGS`]); this floor is the window's
    /// cut-off.
    async fn trending_activity(
        &self,
        window: Window,
        now: chrono::DateTime<chrono::Utc>,
        limit: u32,
    ) -> Result<Vec<MovieActivity>, StoreError>;

    /// Detaches the user's reviews from the account (author shown as deleted); the reviews and
    /// their ratings stay, so aggregates do not change. Idempotent.
    async fn anonymise_user(&self, user: UserId) -> Result<(), StoreError>;
}

/// A movie's nonzero block counts ([`blocks`]), as `(rating, block, reviews)` rows.
const BLOCK_COUNTS: &str =
    "SELECT rating, block, reviews FROM movie_review_blocks WHERE movie_id = ? AND reviews > 0";

/// One review fewer in `(movie_id, rating, block)`.
const UNCOUNT_IN_BLOCK: &str = "UPDATE movie_review_blocks SET reviews = reviews - 1 \
     WHERE movie_id = ? AND rating = ? AND block = ?";

/// Block counts from `(rating, block, reviews)` rows; a row that breaks the table's rules is
/// an internal error, not a page read from the wrong place.
fn block_counts(rows: Vec<(i64, i64, i64)>) -> Result<Vec<blocks::BlockCount>, StoreError> {
    rows.into_iter()
        .map(|(rating, block, reviews)| {
            Ok(blocks::BlockCount {
                rating: Rating::new(rating)
                    .ok_or_else(|| StoreError::Internal("stored block rating".into()))?,
                block,
                reviews: u64::try_from(reviews)
                    .map_err(|_| StoreError::Internal("stored block count".into()))?,
            })
        })
        .collect()
}

/// The histogram slot of a rating, as a column name.
fn histogram_column(rating: Rating) -> &'static str {
    model::HISTOGRAM_COLUMNS[rating.index()]
}

/// `SET` clause moving one rating between histogram slots (or adding/removing one). Binds: the
/// new trend scores (day, week), the update time, the movie. Built only from fixed column names
/// and numbers, never from request text.
fn aggregate_change(removed: Option<Rating>, added: Option<Rating>) -> String {
    let mut parts = Vec::new();
    let mut count_delta = 0i64;
    let mut sum_delta = 0i64;
    if let Some(old) = removed {
        let column = histogram_column(old);
        parts.push(format!("{column} = {column} - 1"));
        count_delta -= 1;
        sum_delta -= i64::from(old.get());
    }
    if let Some(new) = added {
        let column = histogram_column(new);
        if removed == Some(new) {
            // Same slot: the two changes cancel out.
            parts.clear();
        } else {
            parts.push(format!("{column} = {column} + 1"));
        }
        count_delta += 1;
        sum_delta += i64::from(new.get());
    }
    parts.push(format!("rating_count = rating_count + ({count_delta})"));
    parts.push(format!("rating_sum = rating_sum + ({sum_delta})"));
    parts.push("revision = revision + 1".into());
    parts.push("trend_day = ?, trend_week = ?".into());
    parts.push("updated_at = ?".into());
    format!(
        "UPDATE movie_ratings SET {} WHERE movie_id = ?",
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rating(value: i64) -> Rating {
        Rating::new(value).unwrap()
    }

    #[test]
    fn aggregate_changes_touch_only_the_right_slots() {
        assert_eq!(
            aggregate_change(None, Some(rating(7))),
            "UPDATE movie_ratings SET r7 = r7 + 1, rating_count = rating_count + (1), \
             rating_sum = rating_sum + (7), revision = revision + 1, trend_day = ?, \
             trend_week = ?, updated_at = ? WHERE movie_id = ?"
        );
        let moved = aggregate_change(Some(rating(3)), Some(rating(9)));
        assert!(moved.contains("r3 = r3 - 1") && moved.contains("r9 = r9 + 1"));
        assert!(moved.contains("rating_count + (0)") && moved.contains("rating_sum + (6)"));
        let same = aggregate_change(Some(rating(5)), Some(rating(5)));
        assert!(!same.contains("r5 ="), "{same}");
        let removed = aggregate_change(Some(rating(10)), None);
        assert!(removed.contains("r10 = r10 - 1") && removed.contains("rating_count + (-1)"));
    }
}
