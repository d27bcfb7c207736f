//! Keeping every copy of a movie's rating in step with the reviews store.
//!
//! After a write, the movie's aggregate is read back and copied into the catalog and the cache,
//! and the cached movie and the author's recommendations are dropped (list pages catch up within
//! their short TTL). Two guarantees:
//!
//! - Writes of one movie finish their follow-up one at a time in this container (a striped lock),
//!   each with the aggregate read *after* taking the lock, so the last copy written is never an
//!   older aggregate than one committed before it.
//! - A cached rating carries the aggregate's revision, and this container remembers the highest
//!   revision it wrote. A cached copy older than that (put there by a read that raced the write)
//!   is ignored and replaced, so a read here never shows a rating older than the last write here.
//!
//! Across containers (many Lambda instances) the copies converge: after copying, a writer reads
//! the aggregate again and copies once more if another container's write moved it on.

use std::hash::{Hash, Hasher};
use std::sync::Arc;

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use shared::cache::{ttl, CacheStatus};
use shared::domain::{MovieId, UserId};
use shared::stores::reviews::RatingAggregate;
use shared::stores::StoreError;
use shared::AppState;
use tokio::sync::Mutex;

use crate::views::MovieRatingView;

/// Number of lock stripes: movies hash onto them; collisions only serialize unrelated movies.
const STRIPES: usize = 64;
/// Rounds of copying before giving up on a movie written to non-stop (its next write repairs it).
const SYNC_ROUNDS: usize = 3;
/// Movies whose last-written revision is remembered (older ones fall back to the TTL).
const REMEMBERED_MOVIES: u64 = 100_000;

/// The per-container state of rating freshness, shared by every request through an extension.
pub struct RatingFreshness {
    stripes: Vec<Mutex<()>>,
    written: moka::future::Cache<MovieId, u64>,
}

/// What the cache holds for a movie's rating: the answer and the revision it was read at.
#[derive(Serialize, Deserialize)]
struct CachedRating {
    revision: u64,
    rating: MovieRatingView,
}

impl CachedRating {
    fn new(movie: MovieId, aggregate: &RatingAggregate) -> Self {
        Self {
            revision: aggregate.revision,
            rating: MovieRatingView::new(movie, aggregate),
        }
    }
}

impl RatingFreshness {
    pub fn new() -> Arc<Self> {
        Arc::new(Self {
            stripes: (0..STRIPES).map(|_| Mutex::new(())).collect(),
            written: moka::future::Cache::builder()
                .max_capacity(REMEMBERED_MOVIES)
                .time_to_live(ttl::DETAILS)
                .build(),
        })
    }

    fn stripe(&self, movie: MovieId) -> &Mutex<()> {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        movie.hash(&mut hasher);
        let index = usize::try_from(hasher.finish() % STRIPES as u64).unwrap_or(0);
        &self.stripes[index]
    }

    /// The movie's rating, from the cache when the cached copy is not older than the last write
    /// this container made. (No single-flight here: a miss is one primary-key read.)
    pub async fn rating(
        &self,
        state: &AppState,
        movie: MovieId,
    ) -> Result<(MovieRatingView, CacheStatus), StoreError> {
        let cache = state.cache();
        let key = cache.movie_rating_key(movie);
        let floor = self.written.get(&movie).await.unwrap_or(0);
        // Straight to the shared cache (no per-container near copy): a write made through any
        // container is seen by the next read through any other.
        // A copy older than our last write (a read that raced it put it there) or unreadable
        // counts as a miss.
        let cached = cache
            .get_raw(&key)
            .await
            .and_then(|bytes| serde_json::from_slice::<CachedRating>(&bytes).ok())
            .filter(|cached| cached.revision >= floor);
        if let Some(cached) = cached {
            return Ok((cached.rating, CacheStatus::Hit));
        }
        let aggregate = state.reviews()?.movie_rating(movie).await?;
        let fresh = CachedRating::new(movie, &aggregate);
        store_in_cache(state, &key, &fresh).await;
        Ok((fresh.rating, CacheStatus::Miss))
    }

    /// Brings the catalog and the cache up to date after a committed write of `movie`'s reviews.
    /// `written` is the aggregate the write's transaction ended with; `author` is the author
    /// whose recommendations depend on their ratings. Failures are logged, not returned: the
    /// write itself succeeded, and the next write (or the TTL) repairs a missed copy.
    pub async fn after_write(
        &self,
        state: &AppState,
        movie: MovieId,
        written: RatingAggregate,
        author: Option<UserId>,
    ) {
        let _turn = self.stripe(movie).lock().await;
        let mut latest = match reread(state, movie).await {
            Some(read) if read.revision >= written.revision => read,
            _ => written,
        };
        // Other containers write too, and their copies may land after ours. After each round
        // the aggregate is read again: if it moved on, the newer one is copied. Whoever copies
        // last has read after every write committed before that read, so the copies converge.
        for _ in 0..SYNC_ROUNDS {
            self.publish(state, movie, &latest).await;
            match reread(state, movie).await {
                Some(again) if again.revision > latest.revision => latest = again,
                _ => break,
            }
        }
        if let Some(author) = author {
            state.cache().invalidate_recommendations(author).await;
        }
    }

    /// Copies `latest` into the catalog, then drops and refills the cached copies.
    async fn publish(&self, state: &AppState, movie: MovieId, latest: &RatingAggregate) {
        let floor = self.written.get(&movie).await.unwrap_or(0);
        if latest.revision > floor {
            self.written.insert(movie, latest.revision).await;
        }
        let catalog = match state.catalog() {
            Ok(catalog) => catalog.set_movie_rating(movie, latest.summary()).await,
            Err(error) => Err(error),
        };
        if let Err(error) = catalog {
            tracing::error!(movie = %movie, error = %error, "could not copy the rating into the catalog");
        }
        let cache = state.cache();
        // After the catalog has the new rating, so a refill of the movie reads it. Drops the
        // movie document, its rating and its similar list; list pages catch up within their
        // TTL (`ttl::LIST`).
        cache.invalidate_movie_entries(movie).await;
        store_in_cache(
            state,
            &cache.movie_rating_key(movie),
            &CachedRating::new(movie, latest),
        )
        .await;
    }
}

/// The movie's aggregate as committed now, or `None` (logged) when the store cannot say.
async fn reread(state: &AppState, movie: MovieId) -> Option<RatingAggregate> {
    let read = match state.reviews() {
        Ok(reviews) => reviews.movie_rating(movie).await,
        Err(error) => Err(error),
    };
    read.map_err(|error| {
        tracing::warn!(movie = %movie, error = %error, "could not re-read the rating");
    })
    .ok()
}

async fn store_in_cache(state: &AppState, key: &str, value: &CachedRating) {
    match serde_json::to_vec(value) {
        Ok(bytes) => {
            state
                .cache()
                .set_raw(key, Bytes::from(bytes), ttl::DETAILS)
                .await;
        }
        Err(error) => tracing::error!(error = %error, "could not encode a rating for the cache"),
    }
}
