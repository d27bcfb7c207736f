//! Response shapes, and the author names they show (looked up in one query per answer).

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use shared::domain::{MovieId, UserId};
use shared::http::total_pages;
use shared::stores::reviews::{
    Rating, RatingAggregate, Review, ReviewCursor, ReviewId, ReviewPage, ReviewSort,
};
use shared::AppState;

/// A review's author.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AuthorView {
    pub id: UserId,
    /// `null` only when the accounts store could not be asked.
    pub username: Option<String>,
}

/// A review as the API shows it.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct ReviewView {
    pub id: ReviewId,
    pub movie_id: MovieId,
    /// `null` when the author deleted their account.
    pub author: Option<AuthorView>,
    pub author_deleted: bool,
    pub rating: Rating,
    pub title: Option<String>,
    pub body: String,
    /// Spoilers are flagged for clients to hide; the text is always sent.
    pub contains_spoilers: bool,
    /// Also the review's `ETag`; send it back as `If-Match` to edit.
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// What is known about the authors of some reviews.
pub enum Authors {
    /// Usernames of the accounts that exist; an author missing here deleted their account.
    Known(HashMap<UserId, String>),
    /// The accounts store could not answer: show ids without names rather than fail the read.
    Unknown,
}

impl Authors {
    /// Looks up every author of `reviews` in one query.
    pub async fn of(state: &AppState, reviews: &[Review]) -> Self {
        let mut ids: Vec<UserId> = reviews.iter().filter_map(|r| r.user_id).collect();
        ids.sort_unstable();
        ids.dedup();
        if ids.is_empty() {
            return Self::Known(HashMap::new());
        }
        let looked_up = match state.accounts() {
            Ok(accounts) => accounts.usernames(&ids).await,
            Err(error) => Err(error),
        };
        match looked_up {
            Ok(names) => Self::Known(names),
            Err(error) => {
                tracing::warn!(error = %error, "author names unavailable; showing ids only");
                Self::Unknown
            }
        }
    }

    pub fn view(&self, review: Review) -> ReviewView {
        let author = review.user_id.and_then(|id| match self {
            Self::Known(names) => names.get(&id).map(|name| AuthorView {
                id,
                username: Some(name.clone()),
            }),
            Self::Unknown => Some(AuthorView { id, username: None }),
        });
        ReviewView {
            id: review.id,
            movie_id: review.movie_id,
            author_deleted: author.is_none(),
            author,
            rating: review.rating,
            title: review.title,
            body: review.body,
            contains_spoilers: review.contains_spoilers,
            version: review.version,
            created_at: review.created_at,
            updated_at: review.updated_at,
        }
    }
}

/// A page of a movie's reviews: numbered like every list, and with the cursor of the page after
/// it, which reaches every review however deep.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MovieReviewsPage {
    /// The page's number; `null` for a page read after a cursor.
    pub page: Option<u32>,
    pub page_size: u32,
    pub total_pages: u64,
    pub total_results: u64,
    pub results: Vec<ReviewView>,
    /// Send as `cursor` for the next page; `null` on the last page.
    pub next_cursor: Option<String>,
}

impl MovieReviewsPage {
    /// `number` is the page's number, if it was asked for by number.
    pub fn new(
        number: Option<u32>,
        page_size: u32,
        found: ReviewPage,
        sort: ReviewSort,
        authors: &Authors,
    ) -> Self {
        let next_cursor = found
            .reviews
            .last()
            .filter(|_| found.more)
            .map(|last| ReviewCursor::after(sort, last).to_string());
        Self {
            page: number,
            page_size,
            total_pages: total_pages(found.total, page_size),
            total_results: found.total,
            results: found.reviews.into_iter().map(|r| authors.view(r)).collect(),
            next_cursor,
        }
    }
}

/// `GET /movies/{id}/rating`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MovieRatingView {
    pub movie_id: MovieId,
    /// Mean of all ratings, 0 when there are none.
    pub average: f64,
    pub count: u64,
    /// Number of ratings of each value, keys "1" to "10".
    #[schema(value_type = HashMap<String, u64>)]
    pub histogram: Histogram,
}

impl MovieRatingView {
    pub fn new(movie_id: MovieId, aggregate: &RatingAggregate) -> Self {
        Self {
            movie_id,
            average: aggregate.average(),
            count: aggregate.count,
            histogram: Histogram(aggregate.histogram),
        }
    }
}

/// Ratings per value, written as a JSON object with keys "1" to "10" in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Histogram(pub [u64; 10]);

impl Serialize for Histogram {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (rating, count) in Rating::all().zip(self.0) {
            map.serialize_entry(&rating.get().to_string(), &count)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Histogram {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = HashMap::<String, u64>::deserialize(deserializer)?;
        let mut buckets = [0u64; 10];
        for (rating, slot) in Rating::all().zip(buckets.iter_mut()) {
            *slot = map.get(&rating.get().to_string()).copied().unwrap_or(0);
        }
        Ok(Self(buckets))
    }
}
