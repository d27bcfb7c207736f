//! The compact movie shape that lists, watchlists and recommendations embed.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::MovieId;

/// MovieVerse's own rating of a movie, copied from the reviews store into the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RatingSummary {
    /// Mean of all ratings (1–10), 0 when there are none.
    pub average: f64,
    pub count: u64,
}

/// A movie as lists show it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct MovieSummary {
    pub id: MovieId,
    pub title: String,
    pub release_date: Option<NaiveDate>,
    pub poster_path: Option<String>,
    pub genre_ids: Vec<i64>,
    pub popularity: f64,
    pub vote_average: f64,
    pub vote_count: u64,
    pub rating: RatingSummary,
}
