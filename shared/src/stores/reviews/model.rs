//! The reviews store's values. Each text or number a client sends is parsed into one of these
//! types at the edge, so a `Rating` is always 1–10 and a `ReviewBody` always 1–10 000 characters.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::{MovieId, RatingSummary, UserId};
use crate::error::ApiError;

pub const MIN_RATING: u8 = 1;
pub const MAX_RATING: u8 = 10;
/// Limits count characters (Unicode scalar values), not bytes: "10 000 characters" means the same
/// for English, Arabic or emoji.
pub const MAX_BODY_CHARS: usize = 10_000;
pub const MAX_TITLE_CHARS: usize = 200;

/// A review id: a positive integer.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(try_from = "i64", into = "i64")]
pub struct ReviewId(i64);

impl ReviewId {
    pub fn new(value: i64) -> Option<Self> {
        (value > 0).then_some(Self(value))
    }

    pub fn get(self) -> i64 {
        self.0
    }
}

impl TryFrom<i64> for ReviewId {
    type Error = String;

    fn try_from(value: i64) -> Result<Self, String> {
        Self::new(value).ok_or_else(|| "review ids are positive integers".to_string())
    }
}

impl From<ReviewId> for i64 {
    fn from(id: ReviewId) -> i64 {
        id.0
    }
}

impl FromStr for ReviewId {
    type Err = ApiError;

    /// Parses a path segment: anything but a positive integer is a 400.
    fn from_str(text: &str) -> Result<Self, ApiError> {
        text.parse::<i64>()
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| ApiError::BadRequest("review ids are positive integers".into()))
    }
}

impl fmt::Display for ReviewId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A rating: an integer from 1 to 10.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(into = "u8")]
#[schema(value_type = u8)]
pub struct Rating(u8);

impl Rating {
    pub fn new(value: i64) -> Option<Self> {
        u8::try_from(value)
            .ok()
            .filter(|v| (MIN_RATING..=MAX_RATING).contains(v))
            .map(Self)
    }

    pub fn get(self) -> u8 {
        self.0
    }

    /// Zero-based slot in a histogram.
    pub fn index(self) -> usize {
        usize::from(self.0 - MIN_RATING)
    }

    /// Every rating, lowest first.
    pub fn all() -> impl Iterator<Item = Rating> {
        (MIN_RATING..=MAX_RATING).map(Rating)
    }
}

impl From<Rating> for u8 {
    fn from(rating: Rating) -> u8 {
        rating.0
    }
}

/// A review's text: 1–10 000 characters, not only whitespace. Stored exactly as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewBody(String);

impl ReviewBody {
    pub fn parse(text: String) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().count() > MAX_BODY_CHARS {
            return Err(format!("must be at most {MAX_BODY_CHARS} characters"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A review's optional headline: 1–200 characters, not only whitespace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewTitle(String);

impl ReviewTitle {
    pub fn parse(text: String) -> Result<Self, String> {
        if text.trim().is_empty() {
            return Err("must not be empty; leave it out or send null for no title".into());
        }
        if text.chars().count() > MAX_TITLE_CHARS {
            return Err(format!("must be at most {MAX_TITLE_CHARS} characters"));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A review to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReview {
    pub movie_id: MovieId,
    pub user_id: UserId,
    pub rating: Rating,
    pub title: Option<ReviewTitle>,
    pub body: ReviewBody,
    pub contains_spoilers: bool,
}

/// A partial update: `None` leaves a field as it is; `title: Some(None)` removes the title.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReviewPatch {
    pub rating: Option<Rating>,
    pub title: Option<Option<ReviewTitle>>,
    pub body: Option<ReviewBody>,
    pub contains_spoilers: Option<bool>,
}

/// A stored review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub id: ReviewId,
    pub movie_id: MovieId,
    /// `None` once the author's account was deleted.
    pub user_id: Option<UserId>,
    pub rating: Rating,
    pub title: Option<String>,
    pub body: String,
    pub contains_spoilers: bool,
    /// Starts at 1; every change adds one.
    pub version: u64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Review {
    /// This review with `patch` applied, its version and update time moved on.
    pub fn patched(&self, patch: &ReviewPatch) -> Review {
        Review {
            rating: patch.rating.unwrap_or(self.rating),
            title: match &patch.title {
                Some(title) => title.as_ref().map(|t| t.as_str().to_string()),
                None => self.title.clone(),
            },
            body: patch
                .body
                .as_ref()
                .map_or_else(|| self.body.clone(), |b| b.as_str().to_string()),
            contains_spoilers: patch.contains_spoilers.unwrap_or(self.contains_spoilers),
            version: self.version + 1,
            updated_at: now_micros(),
            ..self.clone()
        }
    }
}

/// Orders of a movie's reviews. Ties are broken by id, in the same direction, so every order is
/// total (pages never repeat or skip a review) and served by one index.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ReviewSort {
    #[default]
    Newest,
    Oldest,
    RatingDesc,
    RatingAsc,
}

impl ReviewSort {
    /// Every accepted spelling, as the API documents them.
    pub const NAMES: &'static str = "newest, oldest, rating.desc, rating.asc";

    /// Parses a `sort` query value; anything else is `None`.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "newest" => Some(Self::Newest),
            "oldest" => Some(Self::Oldest),
            "rating.desc" => Some(Self::RatingDesc),
            "rating.asc" => Some(Self::RatingAsc),
            _ => None,
        }
    }

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Newest => "newest",
            Self::Oldest => "oldest",
            Self::RatingDesc => "rating.desc",
            Self::RatingAsc => "rating.asc",
        }
    }

    /// The ORDER BY clause: a fixed string per variant, never text from a request.
    pub fn order_by(self) -> &'static str {
        match self {
            Self::Newest => "id DESC",
            Self::Oldest => "id ASC",
            Self::RatingDesc => "rating DESC, id DESC",
            Self::RatingAsc => "rating ASC, id ASC",
        }
    }
}

/// The rating aggregate of one movie, as `movie_ratings` holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RatingAggregate {
    pub movie_id: Option<MovieId>,
    pub count: u64,
    pub sum: u64,
    /// `histogram[i]` counts the ratings equal to `i + 1`.
    pub histogram: [u64; 10],
    /// Grows with every change of the aggregate (0 for a movie never reviewed).
    pub revision: u64,
}

impl RatingAggregate {
    pub fn empty(movie_id: MovieId) -> Self {
        Self {
            movie_id: Some(movie_id),
            ..Self::default()
        }
    }

    /// The mean rating (sum / count, unrounded: clients round for display); 0 without ratings.
    pub fn average(&self) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        #[allow(clippy::cast_precision_loss)] // counts and sums stay far below 2^52
        let mean = self.sum as f64 / self.count as f64;
        mean
    }

    pub fn summary(&self) -> RatingSummary {
        RatingSummary {
            average: self.average(),
            count: self.count,
        }
    }

    /// Builds an aggregate from its stored columns; negative numbers (which the schema forbids)
    /// are reported rather than wrapped.
    pub fn from_columns(
        movie_id: MovieId,
        count: i64,
        sum: i64,
        histogram: [i64; 10],
        revision: i64,
    ) -> Result<Self, crate::stores::StoreError> {
        let unsigned = |value: i64| {
            u64::try_from(value).map_err(|_| {
                crate::stores::StoreError::Internal(format!(
                    "movie_ratings of {movie_id} holds a negative number"
                ))
            })
        };
        let mut buckets = [0u64; 10];
        for (slot, value) in buckets.iter_mut().zip(histogram) {
            *slot = unsigned(value)?;
        }
        Ok(Self {
            movie_id: Some(movie_id),
            count: unsigned(count)?,
            sum: unsigned(sum)?,
            histogram: buckets,
            revision: unsigned(revision)?,
        })
    }
}

/// A review as a write left it, with the movie's aggregate after the write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    pub review: Review,
    pub rating: RatingAggregate,
}

/// What creating a review did. (Returned once per request: the size gap between the variants
/// costs nothing worth a box.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateOutcome {
    Created(Written),
    /// The user already reviewed this movie: nothing was written.
    Duplicate(ReviewId),
}

/// How active a movie is in a trending window: its reviews' events (creations and rating
/// changes) weighed by age, a fresh one 1, halving every quarter of the window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MovieActivity {
    pub movie_id: MovieId,
    pub weight: f64,
}

/// A page of reviews and the total number matching.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviewPage {
    pub reviews: Vec<Review>,
    pub total: u64,
    /// Whether more reviews follow the last one of the page.
    pub more: bool,
}

/// Histogram column names of `movie_ratings`, by rating index. Fixed strings: only these are ever
/// spliced into SQL.
pub const HISTOGRAM_COLUMNS: [&str; 10] =
    ["r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10"];

/// The aggregate's columns as a SELECT list, in the order [`RatingAggregate::from_columns`] wants.
pub const AGGREGATE_COLUMNS: &str =
    "rating_count, rating_sum, r1, r2, r3, r4, r5, r6, r7, r8, r9, r10, revision";

/// Truncates a time to microseconds, the precision both databases keep, so what a write returns
/// equals what a later read returns.
pub fn now_micros() -> DateTime<Utc> {
    let now = Utc::now();
    DateTime::from_timestamp_micros(now.timestamp_micros()).unwrap_or(now)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratings_are_1_to_10() {
        assert!(Rating::new(0).is_none());
        assert!(Rating::new(11).is_none());
        assert!(Rating::new(-3).is_none());
        assert!(Rating::new(300).is_none());
        assert_eq!(Rating::new(10).map(Rating::index), Some(9));
        assert_eq!(Rating::all().count(), 10);
    }

    #[test]
    fn bodies_count_characters_not_bytes() {
        assert!(ReviewBody::parse("é".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(ReviewBody::parse("😀".repeat(MAX_BODY_CHARS)).is_ok());
        assert!(ReviewBody::parse("a".repeat(MAX_BODY_CHARS + 1)).is_err());
        assert!(ReviewBody::parse("  \n".into()).is_err());
        assert!(ReviewBody::parse(String::new()).is_err());
        assert!(ReviewTitle::parse("t".repeat(MAX_TITLE_CHARS + 1)).is_err());
    }

    #[test]
    fn averages_are_sum_over_count() {
        let aggregate = RatingAggregate {
            count: 3,
            sum: 20,
            ..RatingAggregate::default()
        };
        assert!((aggregate.average() - 20.0 / 3.0).abs() < f64::EPSILON);
        assert!(RatingAggregate::default().average().abs() < f64::EPSILON);
    }
}
