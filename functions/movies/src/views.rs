//! Answer shapes of the movies routes.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use shared::domain::{
    CastMember, CrewMember, ExternalIds, Genre, GenreCount, Keyword, Movie, MovieId, MovieSource,
    MovieSummary, RatingSummary,
};
use shared::http::Page;

use crate::awards_views::MovieAwards;
use crate::params::Append;

/// A movie's details; `credits`, `keywords`, `rating`, `awards` and `similar` appear only when
/// asked for with `append`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MovieDetails {
    pub id: MovieId,
    pub title: String,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub tagline: Option<String>,
    pub release_date: Option<NaiveDate>,
    /// Minutes.
    pub runtime: Option<u32>,
    pub genres: Vec<Genre>,
    pub original_language: Option<String>,
    pub spoken_languages: Vec<String>,
    pub production_countries: Vec<String>,
    pub production_companies: Vec<String>,
    pub poster_path: Option<String>,
    pub backdrop_path: Option<String>,
    pub popularity: f64,
    pub vote_average: f64,
    pub vote_count: u64,
    pub imdb_id: Option<String>,
    pub external_ids: ExternalIds,
    pub source: MovieSource,
    pub updated_at: DateTime<Utc>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<MovieCredits>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub keywords: Option<Vec<Keyword>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rating: Option<RatingSummary>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub awards: Option<MovieAwards>,
    /// The first page of similar movies.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub similar: Option<Page<MovieSummary>>,
}

impl MovieDetails {
    /// The details of `movie` with the parts `append` asks for (`similar` is added by the
    /// caller, which pages it).
    pub fn new(movie: Movie, append: Append) -> Self {
        let credits = append.credits.then(|| MovieCredits::new(&movie));
        let external_ids = movie.external_ids();
        Self {
            id: movie.id,
            title: movie.title,
            original_title: movie.original_title,
            overview: movie.overview,
            tagline: movie.tagline,
            release_date: movie.release_date,
            runtime: movie.runtime,
            genres: movie.genres,
            original_language: movie.original_language,
            spoken_languages: movie.spoken_languages,
            production_countries: movie.production_countries,
            production_companies: movie.production_companies,
            poster_path: movie.poster_path,
            backdrop_path: movie.backdrop_path,
            popularity: movie.popularity,
            vote_average: movie.vote_average,
            vote_count: movie.vote_count,
            imdb_id: movie.imdb_id,
            external_ids,
            source: movie.source,
            updated_at: movie.updated_at,
            credits,
            keywords: append.keywords.then_some(movie.keywords),
            rating: append.rating.then_some(movie.rating),
            awards: append
                .awards
                .then(|| MovieAwards::new(movie.id, movie.awards)),
            similar: None,
        }
    }
}

/// Cast by billing order, then crew.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MovieCredits {
    pub id: MovieId,
    pub cast: Vec<CastMember>,
    pub crew: Vec<CrewMember>,
}

impl MovieCredits {
    pub fn new(movie: &Movie) -> Self {
        let mut cast = movie.credits.cast.clone();
        cast.sort_by_key(|member| member.order);
        Self {
            id: movie.id,
            cast,
            crew: movie.credits.crew.clone(),
        }
    }
}

/// `GET /genres`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GenreList {
    pub genres: Vec<GenreCount>,
}
