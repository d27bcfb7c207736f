//! The catalog's documents: movies with their credits, people, genres, app settings and seed
//! runs. These are the shapes the stores keep and the API returns.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::{AwardEntry, ExternalIds, GenreId, MovieId, PersonId, RatingSummary, WikidataId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Genre {
    pub id: GenreId,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Keyword {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CastMember {
    pub person_id: PersonId,
    pub name: String,
    pub character: Option<String>,
    /// Billing order, 0 first.
    pub order: u32,
    pub profile_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CrewMember {
    pub person_id: PersonId,
    pub name: String,
    pub job: String,
    pub department: String,
    pub profile_path: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Credits {
    pub cast: Vec<CastMember>,
    pub crew: Vec<CrewMember>,
}

/// Where a movie came from. Imports never overwrite `User` movies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MovieSource {
    #[default]
    Tmdb,
    User,
}

/// A movie document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Movie {
    pub id: MovieId,
    pub title: String,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub tagline: Option<String>,
    pub release_date: Option<NaiveDate>,
    /// Minutes.
    pub runtime: Option<u32>,
    pub genres: Vec<Genre>,
    /// ISO 639-1 code.
    pub original_language: Option<String>,
    /// ISO 639-1 codes.
    pub spoken_languages: Vec<String>,
    /// ISO 3166-1 codes.
    pub production_countries: Vec<String>,
    pub production_companies: Vec<String>,
    pub poster_path: Option<String>,
    pub backdrop_path: Option<String>,
    pub popularity: f64,
    /// TMDB's vote average (0–10) and count.
    pub vote_average: f64,
    pub vote_count: u64,
    pub imdb_id: Option<String>,
    /// Set by the Wikidata import, which owns it (TMDB imports keep the stored one).
    #[serde(default)]
    pub wikidata_id: Option<WikidataId>,
    pub keywords: Vec<Keyword>,
    pub credits: Credits,
    pub source: MovieSource,
    pub updated_at: DateTime<Utc>,
    /// MovieVerse's own rating, owned by the reviews store (imports never change it).
    pub rating: RatingSummary,
    /// Wins and nominations, owned by the Wikidata import (or an admin, for a movie added on
    /// MovieVerse): TMDB imports keep the stored ones.
    #[serde(default)]
    pub awards: Vec<AwardEntry>,
}

impl Movie {
    pub fn external_ids(&self) -> ExternalIds {
        ExternalIds {
            imdb_id: self.imdb_id.clone(),
            wikidata_id: self.wikidata_id.clone(),
        }
    }

    pub fn summary(&self) -> super::MovieSummary {
        super::MovieSummary {
            id: self.id,
            title: self.title.clone(),
            release_date: self.release_date,
            poster_path: self.poster_path.clone(),
            genre_ids: self.genres.iter().map(|g| g.id.get()).collect(),
            popularity: self.popularity,
            vote_average: self.vote_average,
            vote_count: self.vote_count,
            rating: self.rating,
        }
    }
}

/// One movie in a person's filmography: as cast (`character`) or crew (`job`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonCredit {
    pub movie_id: MovieId,
    pub title: String,
    pub release_date: Option<NaiveDate>,
    pub character: Option<String>,
    pub job: Option<String>,
    pub department: Option<String>,
}

/// A person document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Person {
    pub id: PersonId,
    pub name: String,
    pub also_known_as: Vec<String>,
    pub biography: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub deathday: Option<NaiveDate>,
    pub place_of_birth: Option<String>,
    pub profile_path: Option<String>,
    pub known_for_department: Option<String>,
    pub popularity: f64,
    pub credits: Vec<PersonCredit>,
    pub updated_at: DateTime<Utc>,
    #[serde(default)]
    pub imdb_id: Option<String>,
    /// Set by the Wikidata import, like `awards`.
    #[serde(default)]
    pub wikidata_id: Option<WikidataId>,
    /// Wins and nominations that went to this person, each naming its film.
    #[serde(default)]
    pub awards: Vec<AwardEntry>,
}

/// The general application data served at `/config`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AppSettings {
    pub image_base_url: String,
    pub languages: Vec<String>,
    #[serde(default)]
    pub feature_flags: std::collections::BTreeMap<String, bool>,
    pub version: String,
}

/// What an upsert did, for the importer's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UpsertOutcome {
    Inserted,
    Updated,
    /// The stored document already had exactly this data (or is owned by MovieVerse).
    Unchanged,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SeedStatus {
    Running,
    /// Stopped early (time limit or failure); the next run resumes from `cursor`.
    Interrupted,
    Completed,
    Failed,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct SeedCounts {
    pub inserted: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub failed: u64,
}

/// One seed run, as recorded in `seed_runs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeedRun {
    pub id: String,
    pub source: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    pub status: SeedStatus,
    pub counts: SeedCounts,
    pub last_error: Option<String>,
    /// Where to resume: opaque to the store, owned by the importer.
    pub cursor: serde_json::Value,
}

/// A person as lists show them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PersonSummary {
    pub id: PersonId,
    pub name: String,
    pub profile_path: Option<String>,
    pub known_for_department: Option<String>,
    pub popularity: f64,
}

impl Person {
    pub fn external_ids(&self) -> ExternalIds {
        ExternalIds {
            imdb_id: self.imdb_id.clone(),
            wikidata_id: self.wikidata_id.clone(),
        }
    }

    pub fn summary(&self) -> PersonSummary {
        PersonSummary {
            id: self.id,
            name: self.name.clone(),
            profile_path: self.profile_path.clone(),
            known_for_department: self.known_for_department.clone(),
            popularity: self.popularity,
        }
    }
}

/// A genre with the number of catalog movies in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct GenreCount {
    pub id: GenreId,
    pub name: String,
    pub movie_count: u64,
}
