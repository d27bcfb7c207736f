//! The rows the embedded catalog stores for a movie or a person, computed once from the domain
//! value: a single write and a bulk fill bind the same fields, so both paths store exactly the
//! same columns.

use serde::Serialize;

use crate::catalog_query::{fold, movie_content_hash, person_content_hash, top_score};
use crate::domain::{Movie, MovieSource, Person, RatingSummary};
use crate::stores::StoreError;

/// `catalog_movies`, `catalog_movie_{genres,keywords,people}` and `catalog_movies_fts` for one
/// movie.
pub(super) struct MovieRow<'a> {
    pub id: i64,
    pub title: &'a str,
    /// Accent-folded, lower-case title, for `title.asc`.
    pub sort_title: String,
    pub release_date: Option<String>,
    pub original_language: Option<&'a str>,
    pub poster_path: Option<&'a str>,
    /// JSON text, as the column holds it.
    pub genre_ids: String,
    pub popularity: f64,
    pub vote_average: f64,
    pub vote_count: i64,
    pub rating_average: f64,
    pub rating_count: i64,
    pub top_score: f64,
    pub source: &'static str,
    pub content_hash: String,
    pub updated_at: String,
    /// The whole movie (with `rating`) as JSON text.
    pub document: String,
    pub imdb_id: Option<&'a str>,
    pub wikidata_id: Option<&'a str>,
    /// Search fields, empty when absent (the search table's, sent apart).
    pub original_title: &'a str,
    pub overview: &'a str,
    /// Relation rows (sent apart, as `[movie, related]` pairs).
    pub genres: Vec<i64>,
    pub keywords: Vec<i64>,
    pub people: Vec<i64>,
}

impl<'a> MovieRow<'a> {
    /// The rows of `movie` stored with `rating` (the reviews store owns it, not the import).
    pub fn new(movie: &'a Movie, rating: RatingSummary) -> Result<Self, StoreError> {
        let genres: Vec<i64> = movie.genres.iter().map(|g| g.id.get()).collect();
        let mut stored = movie.clone();
        stored.rating = rating;
        Ok(Self {
            id: movie.id.get(),
            title: &movie.title,
            sort_title: fold(&movie.title),
            release_date: movie.release_date.map(|d| d.to_string()),
            original_language: movie.original_language.as_deref(),
            poster_path: movie.poster_path.as_deref(),
            genre_ids: to_json(&genres)?,
            popularity: movie.popularity,
            vote_average: movie.vote_average,
            vote_count: to_i64(movie.vote_count),
            rating_average: rating.average,
            rating_count: to_i64(rating.count),
            top_score: top_score(rating, movie.vote_average, movie.vote_count),
            source: source_text(movie.source),
            content_hash: movie_content_hash(movie),
            updated_at: movie.updated_at.to_rfc3339(),
            document: to_json(&stored)?,
            imdb_id: movie.imdb_id.as_deref(),
            wikidata_id: movie.wikidata_id.as_ref().map(|id| id.as_str()),
            original_title: movie.original_title.as_deref().unwrap_or(""),
            overview: movie.overview.as_deref().unwrap_or(""),
            genres,
            keywords: movie.keywords.iter().map(|k| k.id).collect(),
            people: movie
                .credits
                .cast
                .iter()
                .map(|c| c.person_id.get())
                .chain(movie.credits.crew.iter().map(|c| c.person_id.get()))
                .collect(),
        })
    }
}

/// `catalog_people` and `catalog_people_fts` for one person.
pub(super) struct PersonRow<'a> {
    pub id: i64,
    pub name: &'a str,
    pub popularity: f64,
    pub content_hash: String,
    pub updated_at: String,
    pub document: String,
    pub imdb_id: Option<&'a str>,
    pub wikidata_id: Option<&'a str>,
    /// Search field: every other name, space-separated (the search table's, sent apart).
    pub also_known_as: String,
}

impl<'a> PersonRow<'a> {
    pub fn new(person: &'a Person) -> Result<Self, StoreError> {
        Ok(Self {
            id: person.id.get(),
            name: &person.name,
            popularity: person.popularity,
            content_hash: person_content_hash(person),
            updated_at: person.updated_at.to_rfc3339(),
            document: to_json(person)?,
            imdb_id: person.imdb_id.as_deref(),
            wikidata_id: person.wikidata_id.as_ref().map(|id| id.as_str()),
            also_known_as: person.also_known_as.join(" "),
        })
    }
}

pub(super) fn to_json(value: &impl Serialize) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|e| StoreError::Internal(e.to_string()))
}

pub(super) fn to_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

pub(super) fn source_text(source: MovieSource) -> &'static str {
    match source {
        MovieSource::Tmdb => "tmdb",
        MovieSource::User => "user",
    }
}
