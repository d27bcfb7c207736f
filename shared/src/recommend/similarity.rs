//! How alike two movies are, and the similar-movies ranking.
//!
//! Score = sum over what the two movies share, each shared item weighing:
//!
//! | shared              | weight | why |
//! |---------------------|--------|-----|
//! | director            | 3.0    | the strongest single signal of style |
//! | keyword             | 2.0    | specific (a theme, a setting), and movies have many |
//! | top-billed actor    | 1.5    | the first [`super::TOP_BILLED`] of the cast only: extras say little |
//! | genre               | 1.0    | broad: most movies share one with many others |
//!
//! Ties are broken by popularity (higher first), then by id (lower first), so the order is the
//! same on every request and on every store.

use std::cmp::Ordering;

use super::MovieFeatures;
use crate::domain::MovieSummary;

pub const DIRECTOR_WEIGHT: f64 = 3.0;
pub const KEYWORD_WEIGHT: f64 = 2.0;
pub const TOP_CAST_WEIGHT: f64 = 1.5;
pub const GENRE_WEIGHT: f64 = 1.0;

/// A similar list keeps at most this many movies.
pub const MAX_SIMILAR: usize = 100;
/// Candidates fetched to rank a similar list (or a user's recommendations).
pub const MAX_CANDIDATES: u32 = 500;

fn shared<T: PartialEq>(a: &[T], b: &[T]) -> f64 {
    let count = a.iter().filter(|item| b.contains(item)).count();
    // Counts stay tiny (a movie's genres, keywords, people), far below f64's exact range.
    #[allow(clippy::cast_precision_loss)]
    let count = count as f64;
    count
}

/// How alike `a` and `b` are (0 when they share nothing). Symmetric.
pub fn similarity(a: &MovieFeatures, b: &MovieFeatures) -> f64 {
    DIRECTOR_WEIGHT * shared(&a.directors, &b.directors)
        + KEYWORD_WEIGHT * shared(&a.keywords, &b.keywords)
        + TOP_CAST_WEIGHT * shared(&a.top_cast, &b.top_cast)
        + GENRE_WEIGHT * shared(&a.genres, &b.genres)
}

/// The stable order of scored movies: score, then popularity (both higher first), then id.
pub fn by_score(a: (f64, &MovieSummary), b: (f64, &MovieSummary)) -> Ordering {
    b.0.total_cmp(&a.0)
        .then(b.1.popularity.total_cmp(&a.1.popularity))
        .then(a.1.id.cmp(&b.1.id))
}

/// The movies among `candidates` most similar to `source`, best first, at most [`MAX_SIMILAR`];
/// movies sharing nothing, and the source itself, are left out.
pub fn rank_similar(source: &MovieFeatures, candidates: Vec<MovieFeatures>) -> Vec<MovieSummary> {
    let mut scored: Vec<(f64, MovieSummary)> = candidates
        .into_iter()
        .filter(|c| c.id() != source.id())
        .map(|c| (similarity(source, &c), c.summary))
        .filter(|(score, _)| *score > 0.0)
        .collect();
    scored.sort_by(|a, b| by_score((a.0, &a.1), (b.0, &b.1)));
    scored.truncate(MAX_SIMILAR);
    scored.into_iter().map(|(_, movie)| movie).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{GenreId, MovieId, PersonId, RatingSummary};

    fn features(
        id: i64,
        popularity: f64,
        genres: &[i64],
        keywords: &[i64],
        directors: &[i64],
        cast: &[i64],
    ) -> MovieFeatures {
        MovieFeatures {
            summary: MovieSummary {
                id: MovieId::new(id).unwrap(),
                title: format!("m{id}"),
                release_date: None,
                poster_path: None,
                genre_ids: genres.to_vec(),
                popularity,
                vote_average: 0.0,
                vote_count: 0,
                rating: RatingSummary::default(),
            },
            genres: genres.iter().map(|g| GenreId::new(*g).unwrap()).collect(),
            keywords: keywords.to_vec(),
            directors: directors
                .iter()
                .map(|p| PersonId::new(*p).unwrap())
                .collect(),
            top_cast: cast.iter().map(|p| PersonId::new(*p).unwrap()).collect(),
        }
    }

    #[test]
    fn weights_add_up_per_shared_item() {
        let a = features(1, 1.0, &[1, 2], &[10, 11], &[100], &[200, 201]);
        let b = features(2, 1.0, &[2, 3], &[10, 11], &[100], &[201]);
        // 1 genre + 2 keywords + 1 director + 1 actor.
        assert_eq!(similarity(&a, &b), 1.0 + 4.0 + 3.0 + 1.5);
        assert_eq!(similarity(&a, &b), similarity(&b, &a));
    }

    #[test]
    fn ranking_is_by_score_then_popularity_then_id() {
        let source = features(1, 1.0, &[1], &[10], &[100], &[]);
        let ranked = rank_similar(
            &source,
            vec![
                features(5, 9.0, &[1], &[], &[], &[]),       // 1.0
                features(4, 1.0, &[], &[], &[100], &[]),     // 3.0
                features(3, 5.0, &[1], &[], &[], &[]),       // 1.0, less popular than 5
                features(2, 5.0, &[1], &[], &[], &[]),       // 1.0, same popularity as 3: id first
                features(6, 99.0, &[7], &[], &[], &[]),      // nothing shared: left out
                features(1, 99.0, &[1], &[10], &[100], &[]), // the source itself
            ],
        );
        let ids: Vec<i64> = ranked.iter().map(|m| m.id.get()).collect();
        assert_eq!(ids, vec![4, 5, 2, 3]);
    }
}
