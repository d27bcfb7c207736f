//! The catalog: movies, people, genres, app settings and seed runs.

mod awards;
mod candidates;
mod embedded;
mod embedded_awards;
mod embedded_discover;
mod embedded_fill;
mod embedded_rows;
mod embedded_search_index;
mod embedded_sql;
mod mongo;
mod mongo_awards;
mod mongo_filters;
mod mongo_indexes;
mod specific;

pub use awards::{AwardRecord, AwardStore, FoundByExternalId};
pub use candidates::CandidateStore;
pub use embedded::EmbeddedCatalog;
pub use mongo::MongoCatalog;

use super::StoreError;
use crate::catalog_query::{DiscoverQuery, MovieSearch, SearchText};
use crate::domain::{
    AppSettings, Genre, GenreCount, GenreId, Movie, MovieId, MovieSummary, Person, PersonId,
    PersonSummary, RatingSummary, SeedRun, UpsertOutcome,
};
use crate::http::{Page, PageRequest};

#[async_trait::async_trait]
/// Candidate reads for the rankings live in [`CandidateStore`] (`candidates.rs`), awards and
/// external ids in [`AwardStore`] (`awards.rs`).
pub trait CatalogStore: CandidateStore + AwardStore + Send + Sync {
    /// Answers when the backing service is reachable.
    async fn ping(&self) -> Result<(), StoreError>;

    /// The summaries of `ids`, in the order asked, skipping ids that do not exist. One query,
    /// whatever the number of ids (watchlists and recommendations rely on it).
    async fn movie_summaries(&self, ids: &[MovieId]) -> Result<Vec<MovieSummary>, StoreError>;

    /// Whole movies for `ids`, in the order asked, skipping ids that do not exist; one query.
    /// The TMDB-shaped lists need fields a summary leaves out (overview, original title and
    /// language, backdrop) for a page of movies at a time.
    async fn movies(&self, ids: &[MovieId]) -> Result<Vec<Movie>, StoreError>;

    /// Whether a movie exists (reviews and watchlists refuse unknown movies with 404).
    async fn movie_exists(&self, id: MovieId) -> Result<bool, StoreError>;

    /// Which of `ids` are genres of the catalog.
    async fn existing_genres(&self, ids: &[GenreId]) -> Result<Vec<GenreId>, StoreError>;

    /// Copies MovieVerse's rating aggregate into the movie (after every review write). A movie
    /// that no longer exists is skipped: there is nothing left to rate.
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

    /// Work a fill left for later (the embedded search tables), done now. Reads and writes that
    /// need it do it themselves first; a function also starts it right after its state, so it
    /// runs while the first request is answered rather than before.
    async fn finish_deferred_work(&self) -> Result<(), StoreError> {
        Ok(())
    }

    /// Writes a whole catalog into an empty one, all or nothing (the embedded default's first
    /// start); `false`, writing nothing, when the catalog already holds a movie. The embedded
    /// adapter does it in one transaction of a few statements and builds its search tables
    /// afterwards (see [`CatalogStore::finish_deferred_work`]), which keeps a first start as
    /// fast as any other; this default, one upsert at a time, suits stores that never load the
    /// sample.
    async fn fill_empty(
        &self,
        genres: &[Genre],
        movies: &[Movie],
        people: &[Person],
    ) -> Result<bool, StoreError> {
        if !self.is_empty().await? {
            return Ok(false);
        }
        self.upsert_genres(genres).await?;
        for movie in movies {
            self.upsert_movie(movie).await?;
        }
        for person in people {
            self.upsert_person(person).await?;
        }
        self.recount_genres().await?;
        Ok(true)
    }

    /// Records a seed run (insert or replace by id).
    async fn save_seed_run(&self, run: &SeedRun) -> Result<(), StoreError>;

    /// The most recently started seed run.
    async fn latest_seed_run(&self) -> Result<Option<SeedRun>, StoreError>;

    /// The most recently started seed run of one source (the awards import resumes its own).
    async fn latest_seed_run_of(&self, source: &str) -> Result<Option<SeedRun>, StoreError>;

    /// A whole movie (with MovieVerse's current rating).
    async fn movie(&self, id: MovieId) -> Result<Option<Movie>, StoreError>;

    /// How many movies match every filter of `query` (its sort too: the release-date orders
    /// list dated movies only), counted up to [`crate::http::COUNTED_RESULTS`].
    async fn count_discover(&self, query: &DiscoverQuery) -> Result<u64, StoreError>;

    /// A page of the movies matching `query`, in its order, given `total`: how many match, as
    /// [`Self::count_discover`] counted them, now or a little earlier (the movies function keeps
    /// each filter's count for as long as its pages). Only the page is read; `total` becomes
    /// the page's `total_results`, and a page past it is empty without a read.
    async fn discover_page(
        &self,
        query: &DiscoverQuery,
        page: PageRequest,
        total: u64,
    ) -> Result<Page<MovieSummary>, StoreError>;

    /// A page of the movies matching `query`, counted now: for callers that do not keep counts.
    async fn discover(
        &self,
        query: &DiscoverQuery,
        page: PageRequest,
    ) -> Result<Page<MovieSummary>, StoreError> {
        let total = self.count_discover(query).await?;
        self.discover_page(query, page, total).await
    }

    /// Title search, most relevant first (ties: more popular first).
    async fn search_movies(
        &self,
        search: &MovieSearch,
        page: PageRequest,
    ) -> Result<Page<MovieSummary>, StoreError>;

    /// Ranked by [`crate::catalog_query::top_score`]; movies without a score are left out.
    async fn top_rated(&self, page: PageRequest) -> Result<Page<MovieSummary>, StoreError>;

    /// Every genre with its number of movies as last recounted, by name.
    async fn genres_with_counts(&self) -> Result<Vec<GenreCount>, StoreError>;

    /// Counts each genre's movies into the genre itself, so [`Self::genres_with_counts`] reads
    /// one record per genre rather than the catalog. The writers of many movies (an import, a
    /// fill) call it when they finish; the admin writes of one movie do it themselves.
    async fn recount_genres(&self) -> Result<(), StoreError>;

    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError>;

    async fn popular_people(&self, page: PageRequest) -> Result<Page<PersonSummary>, StoreError>;

    /// Name search (also-known-as names count), most relevant first.
    async fn search_people(
        &self,
        text: &SearchText,
        page: PageRequest,
    ) -> Result<Page<PersonSummary>, StoreError>;

    /// The stored app settings, if any were ever written.
    async fn settings(&self) -> Result<Option<AppSettings>, StoreError>;

    async fn put_settings(&self, settings: &AppSettings) -> Result<(), StoreError>;

    /// Adds a movie (genre counts included); `Conflict` when the id is taken.
    async fn create_movie(&self, movie: &Movie) -> Result<(), StoreError>;

    /// The next free id for a movie added on MovieVerse (a range TMDB ids do not reach).
    async fn next_user_movie_id(&self) -> Result<MovieId, StoreError>;

    /// Replaces a movie's data (genre counts included), keeping its rating; `NotFound` when it
    /// does not exist.
    async fn update_movie(&self, movie: &Movie) -> Result<(), StoreError>;

    /// Removes a movie (genre counts included); false when it did not exist.
    async fn delete_movie(&self, id: MovieId) -> Result<bool, StoreError>;
}
