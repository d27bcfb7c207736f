//! Where documents come from: TMDB over HTTP, or the bundled sample. The run engine sees only
//! [`CatalogSource`], so both go through the same import code.

use chrono::Utc;
use futures::{stream, StreamExt};

use super::request::{ImportRequest, ListName};
use crate::domain::{Genre, Movie, MovieId, Person, PersonId};
use crate::tmdb::{map, MapError, TmdbClient, TmdbError};

/// Why one document could not be read.
#[derive(Debug, Clone, thiserror::Error)]
pub enum SourceError {
    #[error(transparent)]
    Tmdb(#[from] TmdbError),
    #[error(transparent)]
    Map(#[from] MapError),
    #[error("the {0} is not in the sample catalog")]
    NotInSample(&'static str),
}

impl SourceError {
    /// An error that every later request would repeat: the run stops instead of failing each item.
    pub fn is_fatal(&self) -> bool {
        matches!(self, Self::Tmdb(TmdbError::Unauthorized))
    }
}

/// The movie ids a run will import, and what went wrong reading them.
#[derive(Debug, Default)]
pub struct MovieIds {
    /// Each id once, in list order.
    pub ids: Vec<MovieId>,
    pub errors: Vec<SourceError>,
}

#[async_trait::async_trait]
pub trait CatalogSource: Send + Sync {
    async fn genres(&self) -> Result<Vec<Genre>, SourceError>;
    /// The movies of the lists and pages asked for.
    async fn movie_ids(&self, request: &ImportRequest, concurrency: usize) -> MovieIds;
    async fn movie(&self, id: MovieId) -> Result<Movie, SourceError>;
    async fn person(&self, id: PersonId) -> Result<Person, SourceError>;
}

/// Keeps the first occurrence of each id.
pub fn dedup_in_order<T: Copy + Eq + std::hash::Hash>(
    items: impl IntoIterator<Item = T>,
) -> Vec<T> {
    let mut seen = std::collections::HashSet::new();
    items
        .into_iter()
        .filter(|item| seen.insert(*item))
        .collect()
}

pub struct TmdbSource {
    client: TmdbClient,
}

impl TmdbSource {
    pub fn new(client: TmdbClient) -> Self {
        Self { client }
    }
}

#[async_trait::async_trait]
impl CatalogSource for TmdbSource {
    async fn genres(&self) -> Result<Vec<Genre>, SourceError> {
        Ok(map::genres(&self.client.genres().await?))
    }

    async fn movie_ids(&self, request: &ImportRequest, concurrency: usize) -> MovieIds {
        let pages: Vec<(ListName, u32)> = request
            .distinct_lists()
            .into_iter()
            .flat_map(|list| (1..=request.pages.get()).map(move |page| (list, page)))
            .collect();
        // `buffered` keeps list order, so the most popular movies are imported first.
        let results: Vec<Result<Vec<MovieId>, TmdbError>> = stream::iter(pages)
            .map(|(list, page)| async move {
                self.client
                    .movie_page(list.into(), page)
                    .await
                    .map(|body| map::page_ids(&body))
            })
            .buffered(concurrency.max(1))
            .collect()
            .await;
        let mut ids = Vec::new();
        let mut errors = Vec::new();
        for result in results {
            match result {
                Ok(page) => ids.extend(page),
                Err(error) => errors.push(error.into()),
            }
        }
        MovieIds {
            ids: dedup_in_order(ids),
            errors,
        }
    }

    async fn movie(&self, id: MovieId) -> Result<Movie, SourceError> {
        let details = self.client.movie(id).await?;
        Ok(map::movie(&details, Utc::now())?)
    }

    async fn person(&self, id: PersonId) -> Result<Person, SourceError> {
        let details = self.client.person(id).await?;
        Ok(map::person(&details, Utc::now())?)
    }
}
