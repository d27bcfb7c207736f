//! Embedded (SQLite) adapter of [`CatalogStore`].

use sqlx::SqlitePool;

use crate::domain::{
    Genre, GenreId, Movie, MovieId, MovieSummary, Person, RatingSummary, SeedRun, UpsertOutcome,
};

use super::CatalogStore;
use crate::stores::StoreError;

const STORE: &str = "catalog";

pub struct EmbeddedCatalog {
    pool: SqlitePool,
}

impl EmbeddedCatalog {
    pub fn new(pool: SqlitePool) -> Self {
        Self { pool }
    }
}

#[async_trait::async_trait]
impl CatalogStore for EmbeddedCatalog {
    async fn ping(&self) -> Result<(), StoreError> {
        crate::stores::embedded::ping(&self.pool, STORE).await
    }

    async fn movie_summaries(&self, _ids: &[MovieId]) -> Result<Vec<MovieSummary>, StoreError> {
        Err(pending())
    }

    async fn movie_exists(&self, _id: MovieId) -> Result<bool, StoreError> {
        Err(pending())
    }

    async fn existing_genres(&self, _ids: &[GenreId]) -> Result<Vec<GenreId>, StoreError> {
        Err(pending())
    }

    async fn set_movie_rating(
        &self,
        _id: MovieId,
        _rating: RatingSummary,
    ) -> Result<(), StoreError> {
        Err(pending())
    }

    async fn upsert_movie(&self, _movie: &Movie) -> Result<UpsertOutcome, StoreError> {
        Err(pending())
    }

    async fn upsert_person(&self, _person: &Person) -> Result<UpsertOutcome, StoreError> {
        Err(pending())
    }

    async fn upsert_genres(&self, _genres: &[Genre]) -> Result<(), StoreError> {
        Err(pending())
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        Err(pending())
    }

    async fn save_seed_run(&self, _run: &SeedRun) -> Result<(), StoreError> {
        Err(pending())
    }

    async fn latest_seed_run(&self) -> Result<Option<SeedRun>, StoreError> {
        Err(pending())
    }
}

/// Methods whose feature has not landed yet fail loudly rather than pretend.
fn pending() -> StoreError {
    StoreError::Internal("arrives with the catalog feature".into())
}
