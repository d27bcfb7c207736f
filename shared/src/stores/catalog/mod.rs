//! The catalog: movies, people, genres, app settings and seed runs.

mod embedded;
mod mongo;

pub use embedded::EmbeddedCatalog;
pub use mongo::MongoCatalog;

use super::StoreError;
use crate::domain::{
    Genre, GenreId, Movie, MovieId, MovieSummary, Person, RatingSummary, SeedRun, UpsertOutcome,
};

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

    /// Inserts or updates a movie by id (the importer). Keeps the stored `rating`, never touches a
    /// `source: user` movie, and reports `Unchanged` when nothing but `updated_at` would change.
    async fn upsert_movie(&self, movie: &Movie) -> Result<UpsertOutcome, StoreError>;

    /// Inserts or updates a person by id, with the same `Unchanged` rule.
    async fn upsert_person(&self, person: &Person) -> Result<UpsertOutcome, StoreError>;

    /// Inserts or renames genres by id.
    async fn upsert_genres(&self, genres: &[Genre]) -> Result<(), StoreError>;

    /// True when the catalog holds no movie (the embedded default then loads the sample).
    async fn is_empty(&self) -> Result<bool, StoreError>;

    /// Records a seed run (insert or replace by id).
    async fn save_seed_run(&self, run: &SeedRun) -> Result<(), StoreError>;

    /// The most recently started seed run.
    async fn latest_seed_run(&self) -> Result<Option<SeedRun>, StoreError>;
}
