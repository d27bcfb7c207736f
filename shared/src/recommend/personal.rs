//! A user's recommendations, from their own ratings.
//!
//! - Movies the user rated [`LIKED`] or more are seeds: every candidate sharing something with
//!   them scores `Σ similarity(seed, candidate) × (rating − 6) / 4` (a 10 pulls four times as
//!   hard as a 7). Its reason is the seed that pulled hardest.
//! - Movies rated [`DISLIKED`] or less push down: `Σ similarity × (5 − rating) / 4` is subtracted.
//!   A candidate left at or below zero is dropped.
//! - Movies the user reviewed or has on the watchlist are never recommended, nor are candidates
//!   pushed to zero or below (not even as a popular pick).
//! - Short lists are filled with the most popular movies of the user's favorite genres (then of
//!   the genres of the movies they liked), then with the most popular movies overall: that is
//!   all a new user gets.
//!
//! The store is read a bounded number of times whatever the number of ratings or candidates:
//! at most [`MAX_PAGES`] pages of reviews and of watchlist, the profile, the seeds' features in
//! one query, the candidates in at most two, the genre names, the genre fill in at most two and
//! one page of popular movies.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::similarity::{by_score, similarity, MAX_CANDIDATES};
use super::{CandidateProbe, MovieFeatures};
use crate::catalog_query::DiscoverQuery;
use crate::domain::{GenreId, MovieId, MovieSummary, UserId};
use crate::http::{PageRequest, MAX_PAGE_SIZE};
use crate::stores::{CatalogStore, ProfileStore, ReviewStore, StoreError};

/// Ratings at or above this pull similar movies in.
pub const LIKED: u8 = 7;
/// Ratings at or below this push similar movies down.
pub const DISLIKED: u8 = 4;
/// How many movies a recommendation list holds.
pub const LIST_SIZE: usize = 20;
/// Reviews and watchlist entries are read at most this many pages of [`MAX_PAGE_SIZE`] (the
/// newest first): 500 ratings say enough about a taste.
pub const MAX_PAGES: u32 = 5;
/// The seeds used on each side (the highest and lowest rated, newest first among equals).
pub const MAX_SEEDS: usize = 50;

/// Why a movie is recommended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Reason {
    /// The user liked `movie_id`, and this movie is like it.
    SimilarTo { movie_id: MovieId, title: String },
    /// A popular movie of a genre the user favors.
    Genre { genre_id: GenreId, name: String },
    /// A popular movie.
    Popular,
}

/// A recommended movie and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Recommendation {
    #[serde(flatten)]
    pub movie: MovieSummary,
    pub reason: Reason,
}

/// The user's recommendations, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RecommendationList {
    pub results: Vec<Recommendation>,
}

/// A rated movie's features and its rating.
pub struct Seed {
    pub features: MovieFeatures,
    pub rating: u8,
}

fn pull(rating: u8) -> f64 {
    (f64::from(rating) - 6.0) / 4.0
}

fn push(rating: u8) -> f64 {
    (5.0 - f64::from(rating)) / 4.0
}

/// Seed-scored recommendations, and the candidates the disliked seeds pushed out (kept out of
/// the genre and popular fills too).
pub struct Ranked {
    pub results: Vec<Recommendation>,
    pub pushed_out: HashSet<MovieId>,
}

/// Scores `candidates` against the seeds; best first, at most [`LIST_SIZE`], none of `excluded`.
pub fn rank_by_seeds(
    liked: &[Seed],
    disliked: &[Seed],
    candidates: Vec<MovieFeatures>,
    excluded: &HashSet<MovieId>,
) -> Ranked {
    let mut scored: Vec<(f64, Recommendation)> = Vec::new();
    let mut pushed_out = HashSet::new();
    for candidate in candidates {
        if excluded.contains(&candidate.id()) {
            continue;
        }
        let mut total = 0.0;
        // The seed that pulled hardest; the first in seed order wins a tie.
        let mut best: Option<(f64, &Seed)> = None;
        for seed in liked {
            let weight = similarity(&seed.features, &candidate) * pull(seed.rating);
            total += weight;
            if weight > 0.0 && best.is_none_or(|(top, _)| weight > top) {
                best = Some((weight, seed));
            }
        }
        let Some((_, because)) = best else { continue };
        for seed in disliked {
            total -= similarity(&seed.features, &candidate) * push(seed.rating);
        }
        if total <= 0.0 {
            pushed_out.insert(candidate.id());
        } else {
            let reason = Reason::SimilarTo {
                movie_id: because.features.id(),
                title: because.features.summary.title.clone(),
            };
            scored.push((
                total,
                Recommendation {
                    movie: candidate.summary,
                    reason,
                },
            ));
        }
    }
    scored.sort_by(|a, b| by_score((a.0, &a.1.movie), (b.0, &b.1.movie)));
    scored.truncate(LIST_SIZE);
    Ranked {
        results: scored.into_iter().map(|(_, r)| r).collect(),
        pushed_out,
    }
}

/// What the user did: their ratings (newest first), watchlist and favorite genres.
#[derive(Debug, Default)]
pub struct Taste {
    pub ratings: Vec<(MovieId, u8)>,
    pub watchlist: Vec<MovieId>,
    pub favorite_genres: Vec<GenreId>,
}

impl Taste {
    /// Reads it: at most [`MAX_PAGES`] pages each of reviews and watchlist, and the profile.
    pub async fn read(
        reviews: &dyn ReviewStore,
        profiles: &dyn ProfileStore,
        user: UserId,
    ) -> Result<Self, StoreError> {
        let mut taste = Taste::default();
        for number in 1..=MAX_PAGES {
            let page = page(number)?;
            let read = reviews.user_reviews(user, page).await?;
            let short = read.reviews.len() < MAX_PAGE_SIZE as usize;
            taste
                .ratings
                .extend(read.reviews.iter().map(|r| (r.movie_id, r.rating.get())));
            if short {
                break;
            }
        }
        for number in 1..=MAX_PAGES {
            let read = profiles.watchlist(user, page(number)?).await?;
            let short = read.items.len() < MAX_PAGE_SIZE as usize;
            taste
                .watchlist
                .extend(read.items.iter().map(|e| e.movie_id));
            if short {
                break;
            }
        }
        if let Some(profile) = profiles.profile(user).await? {
            taste.favorite_genres = profile.favorite_genres.ids().to_vec();
        }
        Ok(taste)
    }

    fn excluded(&self) -> HashSet<MovieId> {
        self.ratings
            .iter()
            .map(|(id, _)| *id)
            .chain(self.watchlist.iter().copied())
            .collect()
    }
}

fn page(number: u32) -> Result<PageRequest, StoreError> {
    PageRequest::new(number, MAX_PAGE_SIZE).map_err(|e| StoreError::Internal(e.to_string()))
}

/// The seeds of one side: the ratings `keep` accepts, the strongest first (the highest when
/// `higher_first`, else the lowest), newest first among equals (as `ratings` is).
fn seed_ids(
    ratings: &[(MovieId, u8)],
    keep: impl Fn(u8) -> bool,
    higher_first: bool,
) -> Vec<(MovieId, u8)> {
    let mut chosen: Vec<(MovieId, u8)> =
        ratings.iter().copied().filter(|(_, r)| keep(*r)).collect();
    // A stable sort keeps the newest first among equal ratings.
    if higher_first {
        chosen.sort_by_key(|seed| std::cmp::Reverse(seed.1));
    } else {
        chosen.sort_by_key(|seed| seed.1);
    }
    chosen.truncate(MAX_SEEDS);
    chosen
}

/// The user's recommendations, computed from the stores.
pub async fn recommend(
    catalog: &dyn CatalogStore,
    taste: &Taste,
) -> Result<RecommendationList, StoreError> {
    let liked_ids = seed_ids(&taste.ratings, |r| r >= LIKED, true);
    let disliked_ids = seed_ids(&taste.ratings, |r| r <= DISLIKED, false);
    let wanted: Vec<MovieId> = liked_ids
        .iter()
        .chain(&disliked_ids)
        .map(|(id, _)| *id)
        .collect();
    let mut features: HashMap<MovieId, MovieFeatures> = catalog
        .movie_features(&wanted)
        .await?
        .into_iter()
        .map(|f| (f.id(), f))
        .collect();
    let mut seeds = |ids: &[(MovieId, u8)]| -> Vec<Seed> {
        ids.iter()
            .filter_map(|(id, rating)| {
                features.remove(id).map(|features| Seed {
                    features,
                    rating: *rating,
                })
            })
            .collect()
    };
    let liked = seeds(&liked_ids);
    let disliked = seeds(&disliked_ids);
    let mut excluded = taste.excluded();

    let mut results = Vec::new();
    if !liked.is_empty() {
        let mut probe = CandidateProbe::around(liked.iter().map(|s| &s.features));
        probe.exclude.extend(excluded.iter().copied());
        probe.dedup();
        let candidates = catalog.candidate_features(&probe, MAX_CANDIDATES).await?;
        let ranked = rank_by_seeds(&liked, &disliked, candidates, &excluded);
        results = ranked.results;
        excluded.extend(ranked.pushed_out);
    }
    if results.len() < LIST_SIZE {
        let mut genres = taste.favorite_genres.clone();
        for seed in &liked {
            for genre in &seed.features.genres {
                if !genres.contains(genre) {
                    genres.push(*genre);
                }
            }
        }
        fill_by_genre(catalog, &genres, &excluded, &mut results).await?;
    }
    if results.len() < LIST_SIZE {
        fill_popular(catalog, &excluded, &mut results).await?;
    }
    Ok(RecommendationList { results })
}

fn listed(results: &[Recommendation]) -> HashSet<MovieId> {
    results.iter().map(|r| r.movie.id).collect()
}

/// Adds the most popular movies of `genres` (in the order of `genres`' preference).
async fn fill_by_genre(
    catalog: &dyn CatalogStore,
    genres: &[GenreId],
    excluded: &HashSet<MovieId>,
    results: &mut Vec<Recommendation>,
) -> Result<(), StoreError> {
    if genres.is_empty() {
        return Ok(());
    }
    let mut taken = listed(results);
    let probe = CandidateProbe {
        genres: genres.to_vec(),
        exclude: excluded.iter().chain(&taken).copied().collect(),
        ..CandidateProbe::default()
    };
    let room = u32::try_from(LIST_SIZE - results.len()).unwrap_or(0);
    let candidates = catalog.candidate_features(&probe, room).await?;
    if candidates.is_empty() {
        return Ok(());
    }
    let names: HashMap<GenreId, String> = catalog
        .genres_with_counts()
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect();
    for candidate in candidates {
        let Some(genre) = genres.iter().find(|g| candidate.genres.contains(g)) else {
            continue;
        };
        if excluded.contains(&candidate.id()) || !taken.insert(candidate.id()) {
            continue;
        }
        results.push(Recommendation {
            movie: candidate.summary,
            reason: Reason::Genre {
                genre_id: *genre,
                name: names.get(genre).cloned().unwrap_or_default(),
            },
        });
    }
    Ok(())
}

/// Adds the most popular movies overall.
async fn fill_popular(
    catalog: &dyn CatalogStore,
    excluded: &HashSet<MovieId>,
    results: &mut Vec<Recommendation>,
) -> Result<(), StoreError> {
    let mut taken = listed(results);
    let popular = catalog
        .discover(&DiscoverQuery::default(), page(1)?)
        .await?;
    for movie in popular.results {
        if results.len() >= LIST_SIZE {
            break;
        }
        if excluded.contains(&movie.id) || !taken.insert(movie.id) {
            continue;
        }
        results.push(Recommendation {
            movie,
            reason: Reason::Popular,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{PersonId, RatingSummary};

    fn features(id: i64, genres: &[i64], directors: &[i64]) -> MovieFeatures {
        MovieFeatures {
            summary: MovieSummary {
                id: MovieId::new(id).unwrap(),
                title: format!("m{id}"),
                release_date: None,
                poster_path: None,
                genre_ids: genres.to_vec(),
                popularity: 1.0,
                vote_average: 0.0,
                vote_count: 0,
                rating: RatingSummary::default(),
            },
            genres: genres.iter().map(|g| GenreId::new(*g).unwrap()).collect(),
            keywords: vec![],
            directors: directors
                .iter()
                .map(|p| PersonId::new(*p).unwrap())
                .collect(),
            top_cast: vec![],
        }
    }

    fn seed(features: MovieFeatures, rating: u8) -> Seed {
        Seed { features, rating }
    }

    #[test]
    fn the_seed_that_pulls_hardest_is_the_reason_and_dislikes_push_out() {
        let liked = [
            seed(features(1, &[10], &[]), 7),    // pull 0.25
            seed(features(2, &[10], &[50]), 10), // pull 1.0
        ];
        let disliked = [seed(features(3, &[20], &[60]), 1)]; // push 1.0
        let ranked = rank_by_seeds(
            &liked,
            &disliked,
            vec![
                features(4, &[10], &[50]),     // 0.25 + 4.0 = 4.25, because of 2
                features(5, &[10], &[]),       // 0.25 + 1.0 = 1.25, because of 2
                features(6, &[10, 20], &[60]), // 1.25 − 4.0 < 0: pushed out
                features(7, &[10], &[]),       // reviewed
            ],
            &HashSet::from([MovieId::new(7).unwrap()]),
        );
        let ids: Vec<i64> = ranked.results.iter().map(|r| r.movie.id.get()).collect();
        assert_eq!(ids, vec![4, 5]);
        assert_eq!(
            ranked.results[0].reason,
            Reason::SimilarTo {
                movie_id: MovieId::new(2).unwrap(),
                title: "m2".into()
            }
        );
        assert_eq!(ranked.pushed_out, HashSet::from([MovieId::new(6).unwrap()]));
    }

    #[test]
    fn seeds_are_the_strongest_ratings_newest_first() {
        let id = |n| MovieId::new(n).unwrap();
        let ratings = [(id(1), 8), (id(2), 10), (id(3), 8), (id(4), 2), (id(5), 5)];
        assert_eq!(
            seed_ids(&ratings, |r| r >= LIKED, true),
            vec![(id(2), 10), (id(1), 8), (id(3), 8)]
        );
        assert_eq!(
            seed_ids(&ratings, |r| r <= DISLIKED, false),
            vec![(id(4), 2)]
        );
    }
}
