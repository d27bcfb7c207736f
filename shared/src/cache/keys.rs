//! The names of cached entries, and what to drop when data changes.
//!
//! Single entries (a movie, a rating, a user's recommendations) are deleted directly. List pages
//! are too many to enumerate (every filter, page and size), so their keys embed a generation
//! number: a write bumps the generation and every old page becomes unreachable at once, then
//! expires by its TTL.

use super::Cache;
use crate::catalog_query::DiscoverQuery;
use crate::domain::{MovieId, PersonId, UserId};

/// Kinds of entries (the middle part of each key).
pub mod kind {
    pub const MOVIE: &str = "movie";
    pub const DETAILS: &str = "details";
    pub const MOVIE_RATING: &str = "rating";
    pub const SIMILAR: &str = "similar";
    pub const PERSON: &str = "person";
    pub const RECOMMENDATIONS: &str = "recs";
    pub const LIST: &str = "list";
    pub const SEARCH: &str = "search";
    pub const GENRES: &str = "genres";
    pub const SETTINGS: &str = "settings";
    pub const LIST_GENERATION: &str = "listgen";
}

/// How many rendered forms a movie's details have: one per combination of the parts embedded
/// from the movie's own document (`credits`, `keywords`, `rating`, `awards`), numbered `0..16`
/// by the movies function. Invalidating a movie drops all of them.
pub const DETAILS_VARIANTS: u8 = 16;

impl Cache {
    pub fn movie_key(&self, id: MovieId) -> String {
        self.key(kind::MOVIE, id)
    }

    /// One rendered form of `GET /movies/{id}` (`variant < DETAILS_VARIANTS`): a hit is the
    /// answer's bytes, with no decoding of the movie.
    pub fn details_key(&self, id: MovieId, variant: u8) -> String {
        self.key(kind::DETAILS, format!("{id}:{variant}"))
    }

    /// Every single entry made from one movie: its document, rendered details, rating and
    /// similar list.
    pub fn movie_keys(&self, id: MovieId) -> Vec<String> {
        let mut keys = vec![
            self.movie_key(id),
            self.movie_rating_key(id),
            self.key(kind::SIMILAR, id),
        ];
        keys.extend((0..DETAILS_VARIANTS).map(|variant| self.details_key(id, variant)));
        keys
    }

    pub fn movie_rating_key(&self, id: MovieId) -> String {
        self.key(kind::MOVIE_RATING, id)
    }

    pub fn person_key(&self, id: PersonId) -> String {
        self.key(kind::PERSON, id)
    }

    pub fn recommendations_key(&self, user: UserId) -> String {
        self.key(kind::RECOMMENDATIONS, user)
    }

    /// The current list generation (0 when none was recorded or the cache is down).
    async fn list_generation(&self) -> u64 {
        let key = self.key(kind::LIST_GENERATION, "all");
        self.get_raw(&key)
            .await
            .and_then(|bytes| std::str::from_utf8(&bytes).ok()?.parse().ok())
            .unwrap_or(0)
    }

    /// The key of one list page (popular, top rated, trending, discover, search, genres…):
    /// `name` says which list, `params` holds everything that selects the page.
    pub async fn list_key(&self, name: &str, params: &str) -> String {
        let generation = self.list_generation().await;
        self.key(kind::LIST, format!("{generation}:{name}:{params}"))
    }

    /// The key of a discover filter's count: the filter with its sort (the release-date orders
    /// count dated movies only), without a page, so every page and page size of the filter
    /// reads one count. A list entry: writes that move the list generation drop it too.
    pub async fn discover_count_key(&self, query: &DiscoverQuery) -> String {
        self.list_key("discover_count", &query.cache_key()).await
    }

    /// Makes every cached list page unreachable (after any write that can change a list).
    pub async fn invalidate_lists(&self) {
        let key = self.key(kind::LIST_GENERATION, "all");
        // A counter in its own window: bumping it never expires it for less than a day, which
        // outlives every list TTL.
        if self
            .hit(&key, std::time::Duration::from_secs(24 * 60 * 60))
            .await
            .is_none()
        {
            tracing::error!("could not bump the list generation; lists expire by TTL");
        }
    }

    /// After a movie's catalog document changed (an admin edit, awards): every entry made from
    /// it ([`Self::movie_keys`]), and every list page.
    pub async fn invalidate_movie(&self, id: MovieId) {
        self.invalidate_movie_entries(id).await;
        self.invalidate_lists().await;
    }

    /// After a review write moved a movie's rating: only the entries made from that movie. List
    /// pages keep their copies until their TTL ([`super::ttl::LIST`]), which bounds how old a
    /// rating in a list can be; dropping every list on every review would mean that under
    /// steady review traffic no list page is ever served from the cache.
    pub async fn invalidate_movie_entries(&self, id: MovieId) {
        self.invalidate(&self.movie_keys(id)).await;
    }

    /// After a user's ratings or watchlist changed.
    pub async fn invalidate_recommendations(&self, user: UserId) {
        self.invalidate(&[self.recommendations_key(user)]).await;
    }
}
