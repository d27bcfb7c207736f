//! The catalog: movies, people, genres, app settings and seed runs.

mod embedded;
mod mongo;

pub use embedded::EmbeddedCatalog;
pub use mongo::MongoCatalog;

use super::StoreError;
use crate::domain::{GenreId, MovieId, MovieSummary, RatingSummary};

#[async_trait::async_trait]
pub trait CatalogStore: Send + Sync {
    /// Answers when the backing service is reachable.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The summaries of `ids`, in the order asked, skipping ids that do not exist. One query,
    /// whatever the number of ids (watchlists and recommendations rely on it).
    async fn movie_summaries(&self, ids: &[MovieId]) -> Result<Vec<MovieSummary>, StoreError>;

    /// Whether a movie exists (reviews and watchlists refuse unknown movies with 404).
    async fn movie_exists(&self, id: MovieId) -> Result<bool, StoreError>;

    /// Which of `ids` are genres of the catalog.
    async fn existing_genres(&self, ids: &[GenreId]) -> Result<Vec<GenreId>, StoreError>;

    /// Copies MovieVerse's rating aggregate into the movie (after every review write).
    async fn set_movie_rating(&self, id: MovieId, rating: RatingSummary) -> Result<(), StoreError>;
}
