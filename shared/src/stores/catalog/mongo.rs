//! MongoDB adapter of [`CatalogStore`].
//!
//! Movies keep the document shape of DESIGN.md (`_id` = TMDB id) plus a few derived fields that
//! queries use: `genre_ids`, `keyword_ids`, `people_ids`, `sort_title`, `top_score` and
//! `content_hash`. Every filter is built here from typed values, never from client text.

use std::collections::HashMap;
use std::time::Duration;

use futures::TryStreamExt;
use mongodb::bson::{self, doc, Bson, Document};
use mongodb::options::{ClientOptions, IndexOptions};
use mongodb::{Client, Collection, Database, IndexModel};
use tokio::sync::OnceCell;

use super::mongo_filters::{discover_filter, discover_sort};
use super::mongo_indexes::{
    movie_indexes, people_indexes, popularity_sort, top_rated_sort, IndexSpec, SUPERSEDED,
};
use super::CatalogStore;
use crate::catalog_query::{
    fold, movie_content_hash, person_content_hash, top_score, DiscoverQuery, MovieSearch,
    SearchText, FIRST_USER_MOVIE_ID, MAX_SEARCH_RESULTS,
};
use crate::config::MongoSettings;
use crate::domain::{
    AppSettings, Genre, GenreCount, GenreId, Movie, MovieId, MovieSource, MovieSummary, Person,
    PersonId, PersonSummary, RatingSummary, SeedRun, UpsertOutcome,
};
use crate::http::{Page, PageRequest, COUNTED_RESULTS};
use crate::stores::StoreError;

const STORE: &str = "catalog";
pub(super) const MOVIES: &str = "movies";
pub(super) const PEOPLE: &str = "people";
const GENRES: &str = "genres";
const SETTINGS: &str = "app_settings";
const SEED_RUNS: &str = "seed_runs";
/// MongoDB's duplicate-key error code.
const DUPLICATE_KEY: i32 = 11000;

pub struct MongoCatalog {
    db: Database,
    /// Indexes are created once per container, on first use.
    indexes: OnceCell<()>,
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
            indexes: OnceCell::new(),
        })
    }

    pub fn database(&self) -> &Database {
        &self.db
    }

    /// The ids of one page of `$text` matches, most relevant first (ties: more popular), and the
    /// number of matches (capped at [`MAX_SEARCH_RESULTS`]). Counting the ranked ids rather than
    /// running a separate count keeps the total and the pages consistent on every server.
    async fn ranked_matches(
        &self,
        collection: &str,
        filter: Document,
        page: PageRequest,
    ) -> Result<(u64, Vec<i64>), StoreError> {
        let matches = collect(
            self.collection(collection)
                .await?
                .find(filter)
                .projection(doc! { "_id": 1, "score": { "$meta": "textScore" } })
                .sort(doc! { "score": { "$meta": "textScore" }, "popularity": -1, "_id": 1 })
                .limit(to_i64(MAX_SEARCH_RESULTS))
                .await,
        )
        .await?;
        let total = matches.len() as u64;
        let ids = matches
            .iter()
            .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit()).unwrap_or(0))
            .map(|d| integer(d, "_id"))
            .collect();
        Ok((total, ids))
    }

    /// A collection, once this container has made sure the indexes exist.
    pub(super) async fn collection(&self, name: &str) -> Result<Collection<Document>, StoreError> {
        self.indexes
            .get_or_try_init(|| create_indexes(&self.db))
            .await?;
        Ok(self.db.collection(name))
    }
}

/// The indexes of [`super::mongo_indexes`], and the text indexes of search (idempotent:
/// creating an existing index is a no-op). Indexes they replaced are dropped first. A server
/// that refuses one (an older or compatible server) is logged, not fatal: queries still work.
async fn create_indexes(db: &Database) -> Result<(), StoreError> {
    let model = |spec: IndexSpec| {
        IndexModel::builder()
            .keys(spec.keys)
            .options(IndexOptions::builder().name(spec.name).build())
            .build()
    };
    for (collection, name) in SUPERSEDED {
        // Absent on a new database, and gone after the first cold start: nothing to report.
        let _ = db.collection::<Document>(collection).drop_index(name).await;
    }
    let movies: Vec<IndexModel> = movie_indexes().into_iter().map(model).collect();
    let text = IndexModel::builder()
        .keys(doc! { "title": "text", "original_title": "text", "overview": "text" })
        .options(
            IndexOptions::builder()
                .name("text_search".to_string())
                .weights(doc! { "title": 10, "original_title": 5, "overview": 1 })
                // Titles are in many languages: no stemming or stop words, like the embedded FTS.
                .default_language("none".to_string())
                .build(),
        )
        .build();
    let mut people: Vec<IndexModel> = people_indexes().into_iter().map(model).collect();
    people.push(
        IndexModel::builder()
            .keys(doc! { "name": "text", "also_known_as": "text" })
            .options(
                IndexOptions::builder()
                    .name("text_search".to_string())
                    .default_language("none".to_string())
                    .build(),
            )
            .build(),
    );
    let seed_runs = vec![model(IndexSpec {
        name: "started_at".into(),
        keys: doc! { "started_at_ms": -1 },
    })];
    for (collection, models) in [
        (MOVIES, movies),
        (MOVIES, vec![text]),
        (PEOPLE, people),
        (SEED_RUNS, seed_runs),
    ] {
        if let Err(error) = db
            .collection::<Document>(collection)
            .create_indexes(models)
            .await
        {
            let error = mongo_error(error);
            if matches!(error, StoreError::Unavailable { .. }) {
                return Err(error);
            }
            tracing::error!(collection, error = %error, "could not create catalog indexes");
        }
    }
    Ok(())
}

/// How many documents match `filter`, counted up to [`COUNTED_RESULTS`]; with no filter, the
/// collection's size from its metadata (an estimate: nothing is read).
async fn counted(collection: &Collection<Document>, filter: Document) -> Result<u64, StoreError> {
    if filter.is_empty() {
        return collection
            .estimated_document_count()
            .await
            .map_err(mongo_error);
    }
    collection
        .count_documents(filter)
        .limit(COUNTED_RESULTS)
        .await
        .map_err(mongo_error)
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

fn is_duplicate_key(error: &mongodb::error::Error) -> bool {
    use mongodb::error::{ErrorKind, WriteFailure};
    match &*error.kind {
        ErrorKind::Write(WriteFailure::WriteError(write)) => write.code == DUPLICATE_KEY,
        ErrorKind::Command(command) => command.code == DUPLICATE_KEY,
        _ => false,
    }
}

fn bson_error(error: impl std::fmt::Display) -> StoreError {
    StoreError::Internal(format!("catalog document: {error}"))
}

pub(super) fn to_document(value: &impl serde::Serialize) -> Result<Document, StoreError> {
    bson::to_document(value).map_err(bson_error)
}

fn from_document<T: serde::de::DeserializeOwned>(document: Document) -> Result<T, StoreError> {
    bson::from_document(document).map_err(bson_error)
}

fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

fn id_list<T: Copy + Into<i64>>(ids: &[T]) -> Vec<i64> {
    ids.iter().map(|&id| id.into()).collect()
}

fn source_text(source: MovieSource) -> &'static str {
    match source {
        MovieSource::Tmdb => "tmdb",
        MovieSource::User => "user",
    }
}

/// The stored form of a movie: the document, its `_id`, and the derived query fields.
pub(super) fn movie_document(movie: &Movie, rating: RatingSummary) -> Result<Document, StoreError> {
    let mut stored = movie.clone();
    stored.rating = rating;
    let mut document = to_document(&stored)?;
    let people: Vec<i64> = movie
        .credits
        .cast
        .iter()
        .map(|c| c.person_id.get())
        .chain(movie.credits.crew.iter().map(|c| c.person_id.get()))
        .collect();
    document.insert("_id", movie.id.get());
    document.insert(
        "genre_ids",
        movie.genres.iter().map(|g| g.id.get()).collect::<Vec<_>>(),
    );
    document.insert(
        "keyword_ids",
        movie.keywords.iter().map(|k| k.id).collect::<Vec<_>>(),
    );
    document.insert("people_ids", people);
    document.insert("sort_title", fold(&movie.title));
    document.insert(
        "top_score",
        top_score(rating, movie.vote_average, movie.vote_count),
    );
    document.insert("content_hash", movie_content_hash(movie));
    let (keys, won_keys) = award_keys(&movie.awards);
    document.insert("award_keys", keys);
    document.insert("award_won_keys", won_keys);
    Ok(document)
}

/// The fields of a movie document that the Wikidata import owns (a TMDB import's `$set` leaves
/// them alone).
pub(super) const AWARD_FIELDS: [&str; 4] =
    ["awards", "award_keys", "award_won_keys", "wikidata_id"];

/// Discover's award filter keys of a movie: every `body` and `body:category` it was nominated
/// for (wins included), and those it won.
pub(super) fn award_keys(awards: &[crate::domain::AwardEntry]) -> (Vec<String>, Vec<String>) {
    let mut keys: Vec<String> = awards.iter().flat_map(|a| a.filter_keys()).collect();
    let mut won: Vec<String> = awards
        .iter()
        .filter(|a| a.won())
        .flat_map(|a| a.filter_keys())
        .collect();
    for list in [&mut keys, &mut won] {
        list.sort();
        list.dedup();
    }
    (keys, won)
}

/// The fields a summary reads.
pub(super) fn summary_projection() -> Document {
    doc! {
        "_id": 1, "title": 1, "release_date": 1, "poster_path": 1, "genre_ids": 1,
        "popularity": 1, "vote_average": 1, "vote_count": 1, "rating": 1,
    }
}

pub(super) fn summary_from_document(mut document: Document) -> Result<MovieSummary, StoreError> {
    if let Some(id) = document.remove("_id") {
        document.insert("id", id);
    }
    from_document(document)
}

fn rating_from(document: &Document) -> RatingSummary {
    document
        .get_document("rating")
        .ok()
        .and_then(|r| bson::from_document(r.clone()).ok())
        .unwrap_or_default()
}

fn number(document: &Document, key: &str) -> f64 {
    match document.get(key) {
        Some(Bson::Double(v)) => *v,
        Some(Bson::Int32(v)) => f64::from(*v),
        Some(Bson::Int64(v)) => *v as f64,
        _ => 0.0,
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

    async fn movie_summaries(&self, ids: &[MovieId]) -> Result<Vec<MovieSummary>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let documents: Vec<Document> = self
            .collection(MOVIES)
            .await?
            .find(doc! { "_id": { "$in": id_list(ids) } })
            .projection(summary_projection())
            .await
            .map_err(mongo_error)?
            .try_collect()
            .await
            .map_err(mongo_error)?;
        let mut found: HashMap<MovieId, MovieSummary> = documents
            .into_iter()
            .map(|d| summary_from_document(d).map(|s| (s.id, s)))
            .collect::<Result<_, _>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    async fn movies(&self, ids: &[MovieId]) -> Result<Vec<Movie>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let documents: Vec<Document> = self
            .collection(MOVIES)
            .await?
            .find(doc! { "_id": { "$in": id_list(ids) } })
            .await
            .map_err(mongo_error)?
            .try_collect()
            .await
            .map_err(mongo_error)?;
        let mut found: HashMap<MovieId, Movie> = documents
            .into_iter()
            .map(|d| from_document(d).map(|m: Movie| (m.id, m)))
            .collect::<Result<_, _>>()?;
        Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
    }

    async fn movie_exists(&self, id: MovieId) -> Result<bool, StoreError> {
        self.collection(MOVIES)
            .await?
            .find_one(doc! { "_id": id.get() })
            .projection(doc! { "_id": 1 })
            .await
            .map(|found| found.is_some())
            .map_err(mongo_error)
    }

    async fn existing_genres(&self, ids: &[GenreId]) -> Result<Vec<GenreId>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let documents: Vec<Document> = self
            .collection(GENRES)
            .await?
            .find(doc! { "_id": { "$in": id_list(ids) } })
            .projection(doc! { "_id": 1 })
            .sort(doc! { "_id": 1 })
            .await
            .map_err(mongo_error)?
            .try_collect()
            .await
            .map_err(mongo_error)?;
        Ok(documents
            .iter()
            .filter_map(|d| {
                d.get_i64("_id")
                    .ok()
                    .or_else(|| d.get_i32("_id").ok().map(i64::from))
            })
            .filter_map(GenreId::new)
            .collect())
    }

    async fn set_movie_rating(&self, id: MovieId, rating: RatingSummary) -> Result<(), StoreError> {
        let movies = self.collection(MOVIES).await?;
        let Some(stored) = movies
            .find_one(doc! { "_id": id.get() })
            .projection(doc! { "vote_average": 1, "vote_count": 1 })
            .await
            .map_err(mongo_error)?
        else {
            return Ok(());
        };
        let vote_count = u64::try_from(integer(&stored, "vote_count")).unwrap_or(0);
        let score = top_score(rating, number(&stored, "vote_average"), vote_count);
        movies
            .update_one(
                doc! { "_id": id.get() },
                doc! { "$set": {
                    "rating": { "average": rating.average, "count": to_i64(rating.count) },
                    "top_score": score,
                } },
            )
            .await
            .map_err(mongo_error)?;
        Ok(())
    }

    async fn upsert_movie(&self, movie: &Movie) -> Result<UpsertOutcome, StoreError> {
        let movies = self.collection(MOVIES).await?;
        let hash = movie_content_hash(movie);
        // Two rounds at most: an insert that loses a race to another importer becomes an update.
        for _ in 0..2 {
            let stored = movies
                .find_one(doc! { "_id": movie.id.get() })
                .projection(doc! { "source": 1, "content_hash": 1, "rating": 1 })
                .await
                .map_err(mongo_error)?;
            let Some(stored) = stored else {
                match movies
                    .insert_one(movie_document(movie, movie.rating)?)
                    .await
                {
                    Ok(_) => return Ok(UpsertOutcome::Inserted),
                    Err(error) if is_duplicate_key(&error) => continue,
                    Err(error) => return Err(mongo_error(error)),
                }
            };
            if stored.get_str("source").ok() == Some(source_text(MovieSource::User))
                || stored.get_str("content_hash").ok() == Some(hash.as_str())
            {
                return Ok(UpsertOutcome::Unchanged);
            }
            // `$set` without `rating`: a rating written meanwhile by a review is kept.
            let rating = rating_from(&stored);
            let mut fields = movie_document(movie, rating)?;
            fields.remove("_id");
            fields.remove("rating");
            for field in AWARD_FIELDS {
                fields.remove(field);
            }
            movies
                .update_one(
                    doc! { "_id": movie.id.get(), "source": { "$ne": source_text(MovieSource::User) } },
                    doc! { "$set": fields },
                )
                .await
                .map_err(mongo_error)?;
            return Ok(UpsertOutcome::Updated);
        }
        Err(StoreError::Internal("movie upsert kept racing".into()))
    }

    async fn upsert_person(&self, person: &Person) -> Result<UpsertOutcome, StoreError> {
        let people = self.collection(PEOPLE).await?;
        let hash = person_content_hash(person);
        let stored = people
            .find_one(doc! { "_id": person.id.get() })
            .projection(doc! { "content_hash": 1, "awards": 1, "wikidata_id": 1 })
            .await
            .map_err(mongo_error)?;
        let mut person = person.clone();
        if let Some(stored) = &stored {
            if stored.get_str("content_hash").ok() == Some(hash.as_str()) {
                return Ok(UpsertOutcome::Unchanged);
            }
            // The Wikidata part belongs to the awards import: kept as stored.
            let kept = super::mongo_awards::stored_record(stored)?;
            person.awards = kept.awards;
            person.wikidata_id = kept.wikidata_id;
        }
        let person = &person;
        let mut document = to_document(person)?;
        document.insert("_id", person.id.get());
        document.insert("content_hash", hash);
        people
            .replace_one(doc! { "_id": person.id.get() }, document)
            .upsert(true)
            .await
            .map_err(mongo_error)?;
        Ok(if stored.is_some() {
            UpsertOutcome::Updated
        } else {
            UpsertOutcome::Inserted
        })
    }

    async fn upsert_genres(&self, genres: &[Genre]) -> Result<(), StoreError> {
        let collection = self.collection(GENRES).await?;
        for genre in genres {
            collection
                .update_one(
                    doc! { "_id": genre.id.get() },
                    doc! { "$set": { "name": &genre.name } },
                )
                .upsert(true)
                .await
                .map_err(mongo_error)?;
        }
        Ok(())
    }

    async fn is_empty(&self) -> Result<bool, StoreError> {
        self.collection(MOVIES)
            .await?
            .find_one(doc! {})
            .projection(doc! { "_id": 1 })
            .await
            .map(|found| found.is_none())
            .map_err(mongo_error)
    }

    async fn save_seed_run(&self, run: &SeedRun) -> Result<(), StoreError> {
        let mut document = to_document(run)?;
        document.insert("_id", run.id.as_str());
        document.insert("started_at_ms", run.started_at.timestamp_millis());
        self.collection(SEED_RUNS)
            .await?
            .replace_one(doc! { "_id": run.id.as_str() }, document)
            .upsert(true)
            .await
            .map_err(mongo_error)?;
        Ok(())
    }

    async fn latest_seed_run(&self) -> Result<Option<SeedRun>, StoreError> {
        self.collection(SEED_RUNS)
            .await?
            .find_one(doc! {})
            .sort(doc! { "started_at_ms": -1, "_id": -1 })
            .await
            .map_err(mongo_error)?
            .map(from_document)
            .transpose()
    }

    async fn latest_seed_run_of(&self, source: &str) -> Result<Option<SeedRun>, StoreError> {
        self.collection(SEED_RUNS)
            .await?
            .find_one(doc! { "source": source })
            .sort(doc! { "started_at_ms": -1, "_id": -1 })
            .await
            .map_err(mongo_error)?
            .map(from_document)
            .transpose()
    }

    async fn movie(&self, id: MovieId) -> Result<Option<Movie>, StoreError> {
        self.collection(MOVIES)
            .await?
            .find_one(doc! { "_id": id.get() })
            .await
            .map_err(mongo_error)?
            .map(from_document)
            .transpose()
    }

    async fn count_discover(&self, query: &DiscoverQuery) -> Result<u64, StoreError> {
        let movies = self.collection(MOVIES).await?;
        counted(&movies, discover_filter(query)).await
    }

    async fn discover_page(
        &self,
        query: &DiscoverQuery,
        page: PageRequest,
        total: u64,
    ) -> Result<Page<MovieSummary>, StoreError> {
        if page.offset() >= total {
            return Ok(Page::new(page, total, Vec::new()));
        }
        let movies = self.collection(MOVIES).await?;
        let documents = collect(
            movies
                .find(discover_filter(query))
                .projection(summary_projection())
                .sort(discover_sort(query.sort))
                .skip(page.offset())
                .limit(to_i64(page.limit()))
                .await,
        )
        .await?;
        summaries_page(page, total, documents)
    }

    async fn search_movies(
        &self,
        search: &MovieSearch,
        page: PageRequest,
    ) -> Result<Page<MovieSummary>, StoreError> {
        if search.text.words().is_empty() {
            return Ok(Page::new(page, 0, Vec::new()));
        }
        let mut filter = doc! { "$text": { "$search": search.text.all_words_query() } };
        if let Some(year) = search.year {
            // The year as a prefix of the date (an index range all the same): the MongoDB
            // stand-in used in tests finds nothing when quoted words meet a range or an equality
            // on the date in one filter, and real servers answer both forms alike.
            filter.insert(
                "release_date",
                doc! { "$regex": format!("^{}-", year.get()) },
            );
        }
        let (total, ids) = self.ranked_matches(MOVIES, filter, page).await?;
        let ids: Vec<MovieId> = ids.into_iter().filter_map(MovieId::new).collect();
        let results = self.movie_summaries(&ids).await?;
        Ok(Page::new(page, total, results))
    }

    async fn top_rated(&self, page: PageRequest) -> Result<Page<MovieSummary>, StoreError> {
        let movies = self.collection(MOVIES).await?;
        let filter = doc! { "top_score": { "$gte": 0.0 } };
        let total = counted(&movies, filter.clone()).await?;
        let documents = collect(
            movies
                .find(filter)
                .projection(summary_projection())
                .sort(top_rated_sort())
                .skip(page.offset())
                .limit(to_i64(page.limit()))
                .await,
        )
        .await?;
        summaries_page(page, total, documents)
    }

    async fn genres_with_counts(&self) -> Result<Vec<GenreCount>, StoreError> {
        let read = || async { collect(self.collection(GENRES).await?.find(doc! {}).await).await };
        let mut genres = read().await?;
        // A genre never counted (a database from before counts were kept, or a genre an
        // interrupted import added) is counted once here rather than shown as empty.
        if genres.iter().any(|d| !d.contains_key("movie_count")) {
            self.recount_genres().await?;
            genres = read().await?;
        }
        let mut result: Vec<GenreCount> = genres
            .iter()
            .filter_map(|d| {
                let id = GenreId::new(integer(d, "_id"))?;
                Some(GenreCount {
                    id,
                    name: d.get_str("name").unwrap_or_default().to_string(),
                    movie_count: u64::try_from(integer(d, "movie_count")).unwrap_or(0),
                })
            })
            .collect();
        result.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
        Ok(result)
    }

    async fn recount_genres(&self) -> Result<(), StoreError> {
        let counted: Vec<Document> = self
            .collection(MOVIES)
            .await?
            .aggregate(vec![
                doc! { "$unwind": "$genre_ids" },
                doc! { "$group": { "_id": "$genre_ids", "n": { "$sum": 1 } } },
            ])
            .await
            .map_err(mongo_error)?
            .try_collect()
            .await
            .map_err(mongo_error)?;
        let counts: HashMap<i64, i64> = counted
            .iter()
            .map(|d| (integer(d, "_id"), integer(d, "n")))
            .collect();
        let genres = self.collection(GENRES).await?;
        let ids = collect(genres.find(doc! {}).projection(doc! { "_id": 1 }).await).await?;
        for id in ids.iter().map(|d| integer(d, "_id")) {
            let count = counts.get(&id).copied().unwrap_or(0);
            genres
                .update_one(
                    doc! { "_id": id },
                    doc! { "$set": { "movie_count": count } },
                )
                .await
                .map_err(mongo_error)?;
        }
        Ok(())
    }

    async fn person(&self, id: PersonId) -> Result<Option<Person>, StoreError> {
        self.collection(PEOPLE)
            .await?
            .find_one(doc! { "_id": id.get() })
            .await
            .map_err(mongo_error)?
            .map(from_document)
            .transpose()
    }

    async fn popular_people(&self, page: PageRequest) -> Result<Page<PersonSummary>, StoreError> {
        let people = self.collection(PEOPLE).await?;
        let total = counted(&people, doc! {}).await?;
        let documents = collect(
            people
                .find(doc! {})
                .projection(person_summary_projection())
                .sort(popularity_sort())
                .skip(page.offset())
                .limit(to_i64(page.limit()))
                .await,
        )
        .await?;
        people_page(page, total, documents)
    }

    async fn search_people(
        &self,
        text: &SearchText,
        page: PageRequest,
    ) -> Result<Page<PersonSummary>, StoreError> {
        if text.words().is_empty() {
            return Ok(Page::new(page, 0, Vec::new()));
        }
        let filter = doc! { "$text": { "$search": text.all_words_query() } };
        let (total, ids) = self.ranked_matches(PEOPLE, filter, page).await?;
        let documents = collect(
            self.collection(PEOPLE)
                .await?
                .find(doc! { "_id": { "$in": &ids } })
                .projection(person_summary_projection())
                .await,
        )
        .await?;
        let mut page_of_people = people_page(page, total, documents)?;
        // Back into relevance order.
        let rank: HashMap<i64, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
        page_of_people
            .results
            .sort_by_key(|p| rank.get(&p.id.get()).copied().unwrap_or(usize::MAX));
        Ok(page_of_people)
    }

    async fn settings(&self) -> Result<Option<AppSettings>, StoreError> {
        self.collection(SETTINGS)
            .await?
            .find_one(doc! { "_id": SETTINGS_ID })
            .projection(doc! { "_id": 0 })
            .await
            .map_err(mongo_error)?
            .map(|mut document| {
                document.remove("_id");
                from_document(document)
            })
            .transpose()
    }

    async fn put_settings(&self, settings: &AppSettings) -> Result<(), StoreError> {
        let mut document = to_document(settings)?;
        document.insert("_id", SETTINGS_ID);
        self.collection(SETTINGS)
            .await?
            .replace_one(doc! { "_id": SETTINGS_ID }, document)
            .upsert(true)
            .await
            .map_err(mongo_error)?;
        Ok(())
    }

    async fn create_movie(&self, movie: &Movie) -> Result<(), StoreError> {
        match self
            .collection(MOVIES)
            .await?
            .insert_one(movie_document(movie, movie.rating)?)
            .await
        {
            Ok(_) => self.recount_genres().await,
            Err(error) if is_duplicate_key(&error) => Err(StoreError::Conflict("id".into())),
            Err(error) => Err(mongo_error(error)),
        }
    }

    async fn next_user_movie_id(&self) -> Result<MovieId, StoreError> {
        let highest = self
            .collection(MOVIES)
            .await?
            .find_one(doc! { "_id": { "$gte": FIRST_USER_MOVIE_ID } })
            .projection(doc! { "_id": 1 })
            .sort(doc! { "_id": -1 })
            .await
            .map_err(mongo_error)?
            .map(|d| integer(&d, "_id"));
        highest
            .map_or(Some(FIRST_USER_MOVIE_ID), |id| id.checked_add(1))
            .and_then(MovieId::new)
            .ok_or_else(|| StoreError::Internal("movie ids are exhausted".into()))
    }

    async fn update_movie(&self, movie: &Movie) -> Result<(), StoreError> {
        let movies = self.collection(MOVIES).await?;
        let stored = movies
            .find_one(doc! { "_id": movie.id.get() })
            .projection(doc! { "rating": 1 })
            .await
            .map_err(mongo_error)?
            .ok_or_else(|| StoreError::NotFound("movie".into()))?;
        let mut fields = movie_document(movie, rating_from(&stored))?;
        fields.remove("_id");
        fields.remove("rating");
        let result = movies
            .update_one(doc! { "_id": movie.id.get() }, doc! { "$set": fields })
            .await
            .map_err(mongo_error)?;
        if result.matched_count == 0 {
            return Err(StoreError::NotFound("movie".into()));
        }
        self.recount_genres().await
    }

    async fn delete_movie(&self, id: MovieId) -> Result<bool, StoreError> {
        let deleted = self
            .collection(MOVIES)
            .await?
            .delete_one(doc! { "_id": id.get() })
            .await
            .map(|result| result.deleted_count > 0)
            .map_err(mongo_error)?;
        if deleted {
            self.recount_genres().await?;
        }
        Ok(deleted)
    }
}

/// The `_id` of the one app settings document.
const SETTINGS_ID: &str = "app";

pub(super) async fn collect(
    cursor: mongodb::error::Result<mongodb::Cursor<Document>>,
) -> Result<Vec<Document>, StoreError> {
    cursor
        .map_err(mongo_error)?
        .try_collect()
        .await
        .map_err(mongo_error)
}

fn summaries_page(
    page: PageRequest,
    total: u64,
    documents: Vec<Document>,
) -> Result<Page<MovieSummary>, StoreError> {
    let results = documents
        .into_iter()
        .map(summary_from_document)
        .collect::<Result<_, _>>()?;
    Ok(Page::new(page, total, results))
}

pub(super) fn person_summary_projection() -> Document {
    doc! { "_id": 1, "name": 1, "profile_path": 1, "known_for_department": 1, "popularity": 1 }
}

fn people_page(
    page: PageRequest,
    total: u64,
    documents: Vec<Document>,
) -> Result<Page<PersonSummary>, StoreError> {
    let results = documents
        .into_iter()
        .map(person_summary_from_document)
        .collect::<Result<_, _>>()?;
    Ok(Page::new(page, total, results))
}

/// A person summary from a document projected with [`person_summary_projection`].
pub(super) fn person_summary_from_document(
    mut document: Document,
) -> Result<PersonSummary, StoreError> {
    if let Some(id) = document.remove("_id") {
        document.insert("id", id);
    }
    from_document(document)
}

/// An integer field, whichever BSON integer width the server returned.
pub(super) fn integer(document: &Document, key: &str) -> i64 {
    match document.get(key) {
        Some(Bson::Int32(v)) => i64::from(*v),
        Some(Bson::Int64(v)) => *v,
        Some(Bson::Double(v)) => *v as i64,
        _ => 0,
    }
}
