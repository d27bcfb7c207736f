//! Trend scores in `movie_ratings` (`trend_day`, `trend_week`; see [`crate::recommend::decay`]),
//! shared by both adapters. A write reads the movie's scores under the lock it holds on the row,
//! moves them in Rust and writes them back with the rating aggregate, in the same transaction.
//!
//! A review's event is timed by its `rated_at` column: set when it is created and whenever its
//! rating changes. `NULL` marks a review written before scores were kept whose event is in no
//! score (the migrations say which), so deleting it subtracts nothing.

use chrono::{DateTime, Utc};

use super::model::{MovieActivity, Rating};
use crate::domain::MovieId;
use crate::recommend::decay::{self, TrendScores, Window};

/// The scores as a SELECT list, in the order [`scores_from_columns`] wants.
pub const TREND_COLUMNS: &str = "trend_day, trend_week";

/// A review's part in its movie's row: its rating, and when its event happened (`None`: the
/// review's event is in no score, see the module).
#[derive(Debug, Clone, Copy)]
pub struct RatingEvent {
    pub rating: Rating,
    pub at: Option<DateTime<Utc>>,
}

impl RatingEvent {
    /// The event once an edit left the rating at `rating`, at `at`: re-timed when the rating
    /// changed, as it was otherwise (a text edit does not move it).
    pub fn re_rated(self, rating: Rating, at: DateTime<Utc>) -> Self {
        if rating == self.rating {
            self
        } else {
            Self {
                rating,
                at: Some(at),
            }
        }
    }
}

pub fn scores_from_columns(day: Option<f64>, week: Option<f64>) -> TrendScores {
    TrendScores {
        day: decay::TrendScore(day),
        week: decay::TrendScore(week),
    }
}

/// The scores once `removed`'s event left and `added`'s joined.
pub fn moved(
    scores: TrendScores,
    removed: Option<RatingEvent>,
    added: Option<RatingEvent>,
) -> TrendScores {
    let without = match removed.and_then(|event| event.at) {
        Some(at) => scores.without_event(at),
        None => scores,
    };
    match added.and_then(|event| event.at) {
        Some(at) => without.with_event(at),
        None => without,
    }
}

/// The column holding `window`'s scores: a fixed name, the only text spliced into the read.
fn column(window: Window) -> &'static str {
    match window {
        Window::Day => "trend_day",
        Window::Week => "trend_week",
    }
}

/// The most active movies of `window`, served by the index on its column: a range from the top
/// down to the floor (binds: the floor, the limit). Ties, rare between floats, go to the higher
/// id, which the index holds next to the score.
pub fn trending_sql(window: Window) -> String {
    let column = column(window);
    format!(
        "SELECT movie_id, {column} FROM movie_ratings WHERE {column} >= ? \
         ORDER BY {column} DESC, movie_id DESC LIMIT ?"
    )
}

/// Rows of [`trending_sql`] as decayed activity at `now`.
pub fn activity_from_rows(
    window: Window,
    now: DateTime<Utc>,
    rows: Vec<(i64, f64)>,
) -> Vec<MovieActivity> {
    rows.into_iter()
        .filter_map(|(movie, score)| {
            Some(MovieActivity {
                movie_id: MovieId::new(movie)?,
                weight: decay::weight(window, score, now),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_rating_change_re_times_the_event() {
        let created = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let changed = created + chrono::Duration::hours(6);
        let rating = Rating::new(7).unwrap();
        let event = |at| RatingEvent {
            rating,
            at: Some(at),
        };
        let first = moved(TrendScores::default(), None, Some(event(created)));
        let retimed = moved(first, Some(event(created)), Some(event(changed)));
        let expected = TrendScores::default().with_event(changed);
        assert!((retimed.day.0.unwrap() - expected.day.0.unwrap()).abs() < 1e-9);
        // An event in no score subtracts nothing.
        let uncounted = RatingEvent { rating, at: None };
        assert_eq!(moved(first, Some(uncounted), None), first);
    }

    #[test]
    fn the_read_names_only_its_window_column() {
        assert!(trending_sql(Window::Week).contains("WHERE trend_week >= ?"));
        assert!(!trending_sql(Window::Day).contains("trend_week"));
    }
}
