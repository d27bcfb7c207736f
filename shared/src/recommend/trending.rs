//! Trending: what MovieVerse users reviewed lately, blended with catalog popularity.
//!
//! Activity lives in one Redis sorted set per window: member `{movie}:{review}`, score the time
//! of the review's last write (creating it, or changing its rating) in ms; deleting the review
//! removes it. Reading trims what fell out of the window, then weighs each event by its age,
//! halving every quarter of the window ([`half_life`]). When the set is missing (Redis
//! flushed, or no activity for a long time) it is rebuilt from the reviews store
//! (`recent_activity`), which knows counts but not times: rebuilt events are dated at the
//! middle of the window. Without Redis (the embedded default, or Redis down) the same ranking
//! is computed from `recent_activity` directly.
//!
//! Blend: `0.7 × activity / max activity + 0.3 × popularity / max popularity` over the most
//! active movies and the most popular ones, so a new install (no reviews yet) still trends by
//! popularity. Ties: popularity, then id.

use std::collections::HashMap;
use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::cache::{Cache, Rankings};
use crate::catalog_query::DiscoverQuery;
use crate::domain::{MovieId, MovieSummary};
use crate::http::{Page, PageRequest, MAX_PAGE_SIZE};
use crate::stores::reviews::ReviewId;
use crate::stores::{CatalogStore, ReviewStore, StoreError};

pub const ACTIVITY_WEIGHT: f64 = 0.7;
pub const POPULARITY_WEIGHT: f64 = 0.3;
/// The most active movies considered.
pub const MAX_ACTIVE: u32 = 100;
/// Events read back from a rebuilt set are capped per movie (counts beyond say nothing new).
const MAX_REBUILT_EVENTS_PER_MOVIE: u64 = 1000;
/// The kind part of the sorted sets' keys.
const KIND: &str = "trending";

/// The window trending looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Day,
    Week,
}

impl Window {
    pub const ALL: [Window; 2] = [Window::Day, Window::Week];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
        }
    }

    pub fn length(self) -> Duration {
        match self {
            Self::Day => Duration::from_secs(24 * 60 * 60),
            Self::Week => Duration::from_secs(7 * 24 * 60 * 60),
        }
    }

    fn length_ms(self) -> i64 {
        i64::try_from(self.length().as_millis()).unwrap_or(i64::MAX)
    }

    /// How long the set is kept without writes: past that, a rebuild is as good.
    fn keep_for(self) -> Duration {
        self.length() * 2
    }
}

/// Activity halves every quarter of the window.
pub fn half_life(window: Window) -> f64 {
    // Window lengths are far inside f64's exact range.
    #[allow(clippy::cast_precision_loss)]
    let length = window.length_ms() as f64;
    length / 4.0
}

/// What one event weighs at `age_ms`.
pub fn decayed(window: Window, age_ms: i64) -> f64 {
    #[allow(clippy::cast_precision_loss)]
    let age = age_ms.max(0) as f64;
    (-age * std::f64::consts::LN_2 / half_life(window)).exp()
}

fn key(cache: &Cache, window: Window) -> String {
    cache.key(KIND, window.as_str())
}

fn member(movie: MovieId, review: ReviewId) -> String {
    format!("{movie}:{}", review.get())
}

/// After a review was written (created, or its rating changed): one event in each window.
/// Failures are logged: trending is an optimisation, and a flushed set is rebuilt.
pub async fn record(cache: &Cache, movie: MovieId, review: ReviewId, at: DateTime<Utc>) {
    let Some(rankings) = cache.rankings() else {
        return;
    };
    for window in Window::ALL {
        if let Err(error) = rankings
            .record(
                &key(cache, window),
                &member(movie, review),
                at.timestamp_millis(),
                window.keep_for(),
            )
            .await
        {
            tracing::warn!(error = %error, "could not record trending activity");
        }
    }
}

/// After a review was deleted: its event leaves every window.
pub async fn forget(cache: &Cache, movie: MovieId, review: ReviewId) {
    let Some(rankings) = cache.rankings() else {
        return;
    };
    for window in Window::ALL {
        if let Err(error) = rankings
            .remove(&key(cache, window), &member(movie, review))
            .await
        {
            tracing::warn!(error = %error, "could not forget trending activity");
        }
    }
}

/// Each movie's decayed activity in `window`, from Redis when it can, else from the store.
pub async fn activity(
    cache: &Cache,
    reviews: &dyn ReviewStore,
    window: Window,
    now: DateTime<Utc>,
) -> Result<HashMap<MovieId, f64>, StoreError> {
    let now_ms = now.timestamp_millis();
    let since_ms = now_ms.saturating_sub(window.length_ms());
    if let Some(rankings) = cache.rankings() {
        match from_redis(&rankings, &key(cache, window), since_ms).await {
            Ok(Some(events)) => return Ok(weigh(window, now_ms, events)),
            Ok(None) => {
                let events = from_store(reviews, window, now).await?;
                if let Err(error) = rankings
                    .replace(&key(cache, window), &events, window.keep_for())
                    .await
                {
                    tracing::warn!(error = %error, "could not rebuild the trending set");
                }
                return Ok(weigh(window, now_ms, events));
            }
            Err(error) => {
                tracing::warn!(error = %error, "trending set unreadable; computing from the store");
            }
        }
    }
    Ok(weigh(
        window,
        now_ms,
        from_store(reviews, window, now).await?,
    ))
}

async fn from_redis(
    rankings: &Rankings,
    key: &str,
    since_ms: i64,
) -> Result<Option<Vec<(String, i64)>>, crate::cache::CacheError> {
    rankings.read_since(key, since_ms).await
}

/// The window's reviews as events `{movie}:r{n}`, dated at the middle of the window.
async fn from_store(
    reviews: &dyn ReviewStore,
    window: Window,
    now: DateTime<Utc>,
) -> Result<Vec<(String, i64)>, StoreError> {
    let length = chrono::Duration::milliseconds(window.length_ms());
    let since = now - length;
    let middle = (now - length / 2).timestamp_millis();
    let active = reviews.recent_activity(since, MAX_ACTIVE).await?;
    Ok(active
        .iter()
        .flat_map(|movie| {
            (0..movie.reviews.min(MAX_REBUILT_EVENTS_PER_MOVIE))
                .map(move |n| (format!("{}:r{n}", movie.movie_id), middle))
        })
        .collect())
}

/// Sums the decayed weight of each movie's events.
fn weigh(window: Window, now_ms: i64, events: Vec<(String, i64)>) -> HashMap<MovieId, f64> {
    let mut totals: HashMap<MovieId, f64> = HashMap::new();
    for (member, at_ms) in events {
        let Some(movie) = member
            .split(':')
            .next()
            .and_then(|id| id.parse::<i64>().ok())
            .and_then(MovieId::new)
        else {
            continue;
        };
        *totals.entry(movie).or_default() += decayed(window, now_ms.saturating_sub(at_ms));
    }
    totals
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
    cache: &Cache,
    catalog: &dyn CatalogStore,
    reviews: &dyn ReviewStore,
    window: Window,
    now: DateTime<Utc>,
) -> Result<Vec<MovieSummary>, StoreError> {
    let activity = activity(cache, reviews, window, now).await?;
    let mut active: Vec<(MovieId, f64)> = activity.iter().map(|(id, w)| (*id, *w)).collect();
    active.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
    active.truncate(usize::try_from(MAX_ACTIVE).unwrap_or(usize::MAX));
    let ids: Vec<MovieId> = active.iter().map(|(id, _)| *id).collect();
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
    cache: &Cache,
    catalog: &dyn CatalogStore,
    reviews: &dyn ReviewStore,
    window: Window,
    page: PageRequest,
) -> Result<Page<MovieSummary>, StoreError> {
    let list = trending_list(cache, catalog, reviews, window, Utc::now()).await?;
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
    fn activity_halves_every_quarter_window() {
        let quarter = Window::Day.length_ms() / 4;
        assert!((decayed(Window::Day, 0) - 1.0).abs() < 1e-12);
        assert!((decayed(Window::Day, quarter) - 0.5).abs() < 1e-12);
        assert!((decayed(Window::Week, 2 * Window::Week.length_ms() / 4) - 0.25).abs() < 1e-12);
        // A clock running behind never weighs an event more than a fresh one.
        assert_eq!(decayed(Window::Day, -5), 1.0);
    }

    #[test]
    fn events_sum_per_movie_and_odd_members_are_ignored() {
        let now = 10_000_000;
        let totals = weigh(
            Window::Day,
            now,
            vec![
                ("7:1".into(), now),
                ("7:2".into(), now),
                ("8:r0".into(), now),
                ("garbage".into(), now),
                ("-1:3".into(), now),
            ],
        );
        assert_eq!(totals.len(), 2);
        assert!((totals[&MovieId::new(7).unwrap()] - 2.0).abs() < 1e-9);
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
