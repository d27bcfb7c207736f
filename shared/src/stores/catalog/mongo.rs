//! MongoDB adapter of [`CatalogStore`].

use std::time::Duration;

use mongodb::bson::doc;
use mongodb::options::ClientOptions;
use mongodb::{Client, Database};

use crate::domain::{
    Genre, GenreId, Movie, MovieId, MovieSummary, Person, RatingSummary, SeedRun, UpsertOutcome,
};

use super::CatalogStore;
use crate::config::MongoSettings;
use crate::stores::StoreError;

const STORE: &str = "catalog";

pub struct MongoCatalog {
    db: Database,
}

impl MongoCatalog {
    /// Builds the client without connecting: the driver connects on first use, so an unreachable
    /// server at start-up never stops the function from starting.
    pub async fn connect(settings: &MongoSettings) -> Result<Self, StoreError> {
        let mut options = ClientOptions::parse(settings.uri.expose())
            .await
            .map_err(|e| StoreError::unavailable(STORE, format!("bad MongoDB URI: {}", e.kind)))?;
        // Lambda serves one request at a time: a handful of connections is plenty.
        options.max_pool_size = Some(options.max_pool_size.unwrap_or(4).min(4));
        options.server_selection_timeout = Some(Duration::from_secs(2));
        options.connect_timeout = Some(Duration::from_secs(2));
        options.app_name = Some("movieverse".into());
        let client = Client::with_options(options)
            .map_err(|e| StoreError::unavailable(STORE, e.kind.to_string()))?;
        Ok(Self {
            db: client.database(&settings.database),
        })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }
}

pub(crate) fn mongo_error(error: mongodb::error::Error) -> StoreError {
    use mongodb::error::ErrorKind;
    match *error.kind {
        ErrorKind::ServerSelection { .. }
        | ErrorKind::Io(_)
        | ErrorKind::ConnectionPoolCleared { .. } => StoreError::unavailable(STORE, error),
        _ => StoreError::Internal(error.to_string()),
    }
}

#[async_trait::async_trait]
impl CatalogStore for MongoCatalog {
    async fn ping(&self) -> Result<(), StoreError> {
        self.db
            .run_command(doc! { "ping": 1 })
            .await
            .map(|_| ())
            .map_err(mongo_error)
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
