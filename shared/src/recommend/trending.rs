//! Trending: what MovieVerse users reviewed lately, blended with catalog popularity.
//!
//! Activity is each movie's decayed score ([`super::decay`]): every review event (creating a
//! review, or changing its rating) weighs 1 when it happens and halves every quarter of the
//! window; deleting the review takes its event back. The reviews store keeps the scores in the
//! movies' aggregate rows, moved by the same transactions as the reviews, so a read is one
//! range of an index on any deployment, with or without Redis, and survives a cache flush.
//! There is no hard window edge: a movie counts while its activity is at least one event a
//! whole window old (1/16). The trending pages themselves are cached like every list.
//!
//! Blend: `0.7 × activity / max activity + 0.3 × popularity / max popularity` over the most
//! active movies and the most popular ones, so a new install (no reviews yet) still trends by
//! popularity. Ties: popularity, then id.

use std::collections::HashMap;

use chrono::{DateTime, Utc};

use crate::catalog_query::DiscoverQuery;
use crate::domain::{MovieId, MovieSummary};
use crate::http::{Page, PageRequest, MAX_PAGE_SIZE};
use crate::stores::{CatalogStore, ReviewStore, StoreError};

pub use super::decay::Window;

pub const ACTIVITY_WEIGHT: f64 = 0.7;
pub const POPULARITY_WEIGHT: f64 = 0.3;
/// The most active movies considered.
pub const MAX_ACTIVE: u32 = 100;

/// The most active movies' decayed activity in `window` at `now` (at most [`MAX_ACTIVE`]).
pub async fn activity(
    reviews: &dyn ReviewStore,
    window: Window,
    now: DateTime<Utc>,
) -> Result<HashMap<MovieId, f64>, StoreError> {
    Ok(reviews
        .trending_activity(window, now, MAX_ACTIVE)
        .await?
        .into_iter()
        .map(|movie| (movie.movie_id, movie.weight))
        .collect())
}

/// Blends activity with popularity over `movies` (active and popular), best first.
pub fn blend(activity: &HashMap<MovieId, f64>, movies: Vec<MovieSummary>) -> Vec<MovieSummary> {
    let top_activity = activity.values().copied().fold(0.0_f64, f64::max);
    let top_popularity = movies.iter().map(|m| m.popularity).fold(0.0_f64, f64::max);
    let share = |value: f64, top: f64| if top > 0.0 { value / top } else { 0.0 };
    let mut scored: Vec<(f64, MovieSummary)> = movies
        .into_iter()
        .map(|movie| {
            let active = activity.get(&movie.id).copied().unwrap_or(0.0);
            let score = ACTIVITY_WEIGHT * share(active, top_activity)
                + POPULARITY_WEIGHT * share(movie.popularity, top_popularity);
            (score, movie)
        })
        .collect();
    scored.sort_by(|a, b| super::similarity::by_score((a.0, &a.1), (b.0, &b.1)));
    scored.into_iter().map(|(_, movie)| movie).collect()
}

/// The whole trending list of `window` (at most [`MAX_ACTIVE`] + one page of popular movies).
pub async fn trending_list(
    catalog: &dyn CatalogStore,
    reviews: &dyn ReviewStore,
    window: Window,
    now: DateTime<Utc>,
) -> Result<Vec<MovieSummary>, StoreError> {
    let activity = activity(reviews, window, now).await?;
    let ids: Vec<MovieId> = activity.keys().copied().collect();
    let mut movies = catalog.movie_summaries(&ids).await?;
    let first =
        PageRequest::new(1, MAX_PAGE_SIZE).map_err(|e| StoreError::Internal(e.to_string()))?;
    for movie in catalog
        .discover(&DiscoverQuery::default(), first)
        .await?
        .results
    {
        if !ids.contains(&movie.id) {
            movies.push(movie);
        }
    }
    Ok(blend(&activity, movies))
}

/// One page of [`trending_list`].
pub async fn trending_page(
    catalog: &dyn CatalogStore,
    reviews: &dyn ReviewStore,
    window: Window,
    page: PageRequest,
) -> Result<Page<MovieSummary>, StoreError> {
    let list = trending_list(catalog, reviews, window, Utc::now()).await?;
    let total = list.len() as u64;
    let results = list
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.limit()).unwrap_or(0))
        .collect();
    Ok(Page::new(page, total, results))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::RatingSummary;

    fn summary(id: i64, popularity: f64) -> MovieSummary {
        MovieSummary {
            id: MovieId::new(id).unwrap(),
            title: format!("m{id}"),
            release_date: None,
            poster_path: None,
            genre_ids: vec![],
            popularity,
            vote_average: 0.0,
            vote_count: 0,
            rating: RatingSummary::default(),
        }
    }

    #[test]
    fn without_activity_trending_is_popularity() {
        let ranked = blend(
            &HashMap::new(),
            vec![summary(1, 5.0), summary(2, 50.0), summary(3, 50.0)],
        );
        let ids: Vec<i64> = ranked.iter().map(|m| m.id.get()).collect();
        assert_eq!(ids, vec![2, 3, 1]);
    }

    #[test]
    fn activity_outweighs_popularity() {
        let activity = HashMap::from([(MovieId::new(1).unwrap(), 1.0)]);
        let ranked = blend(&activity, vec![summary(1, 1.0), summary(2, 100.0)]);
        assert_eq!(ranked[0].id.get(), 1);
    }
}
