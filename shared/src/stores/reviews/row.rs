//! Turning stored rows into domain values, shared by both adapters. A row the schema should have
//! made impossible (a rating of 0, a negative id) is an internal error, never a panic.

use chrono::{DateTime, Utc};

use super::model::{Rating, Review, ReviewId};
use crate::domain::{MovieId, UserId};
use crate::stores::StoreError;

/// The columns of a review, in the order both adapters select them.
pub const REVIEW_COLUMNS: &str =
    "id, movie_id, user_id, rating, title, body, contains_spoilers, version, created_at, updated_at";

/// A review row with database-neutral types.
pub struct RawReview {
    pub id: i64,
    pub movie_id: i64,
    pub user_id: Option<uuid::Uuid>,
    pub rating: i64,
    pub title: Option<String>,
    pub body: String,
    pub contains_spoilers: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl RawReview {
    pub fn into_review(self) -> Result<Review, StoreError> {
        let corrupt = |what: &str| StoreError::Internal(format!("review {}: bad {what}", self.id));
        Ok(Review {
            id: ReviewId::new(self.id).ok_or_else(|| corrupt("id"))?,
            movie_id: MovieId::new(self.movie_id).ok_or_else(|| corrupt("movie id"))?,
            user_id: self.user_id.map(UserId),
            rating: Rating::new(self.rating).ok_or_else(|| corrupt("rating"))?,
            version: u64::try_from(self.version).map_err(|_| corrupt("version"))?,
            title: self.title,
            body: self.body,
            contains_spoilers: self.contains_spoilers,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}
