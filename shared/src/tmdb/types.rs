//! TMDB v3 response bodies, as TMDB sends them.
//!
//! TMDB leaves fields out, sends `null` for almost anything (even lists) and adds fields over
//! time, so every field here is optional or defaults when null, and unknown fields are ignored.
//! Whether a value is usable (a positive id, a real date, a non-empty title) is decided when the
//! body is mapped into the domain (see `map`), not here: one odd credit must not reject a movie.

use serde::{Deserialize, Deserializer};

/// `null` and a missing field both mean "empty" for lists and nested objects.
fn null_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(deserializer)?.unwrap_or_default())
}

/// `/genre/movie/list`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct GenreList {
    #[serde(deserialize_with = "null_as_default")]
    pub genres: Vec<TmdbGenre>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TmdbGenre {
    pub id: Option<i64>,
    pub name: Option<String>,
}

/// A page of a movie list: `/movie/popular`, `/movie/top_rated`, `/movie/now_playing`,
/// `/trending/movie/week`. Only the ids matter: details come from `/movie/{id}`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoviePage {
    pub page: Option<u32>,
    #[serde(deserialize_with = "null_as_default")]
    pub results: Vec<MovieListItem>,
    pub total_pages: Option<u32>,
    pub total_results: Option<u64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MovieListItem {
    pub id: Option<i64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProductionCompany {
    pub id: Option<i64>,
    pub name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProductionCountry {
    pub iso_3166_1: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SpokenLanguage {
    pub iso_639_1: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CastCredit {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub character: Option<String>,
    pub order: Option<u32>,
    pub profile_path: Option<String>,
    pub known_for_department: Option<String>,
    pub popularity: Option<f64>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CrewCredit {
    pub id: Option<i64>,
    pub name: Option<String>,
    pub job: Option<String>,
    pub department: Option<String>,
    pub profile_path: Option<String>,
    pub known_for_department: Option<String>,
    pub popularity: Option<f64>,
}

/// `credits` (appended to a movie).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MovieCredits {
    #[serde(deserialize_with = "null_as_default")]
    pub cast: Vec<CastCredit>,
    #[serde(deserialize_with = "null_as_default")]
    pub crew: Vec<CrewCredit>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct TmdbKeyword {
    pub id: Option<i64>,
    pub name: Option<String>,
}

/// `keywords` (appended to a movie).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MovieKeywords {
    #[serde(deserialize_with = "null_as_default")]
    pub keywords: Vec<TmdbKeyword>,
}

/// `external_ids` (appended to a movie).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ExternalIds {
    pub imdb_id: Option<String>,
}

/// `/movie/{id}?append_to_response=credits,keywords,external_ids`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MovieDetails {
    pub id: Option<i64>,
    pub title: Option<String>,
    pub original_title: Option<String>,
    pub overview: Option<String>,
    pub tagline: Option<String>,
    /// `YYYY-MM-DD`, or `""` for a movie without a known date.
    pub release_date: Option<String>,
    pub runtime: Option<u32>,
    #[serde(deserialize_with = "null_as_default")]
    pub genres: Vec<TmdbGenre>,
    pub original_language: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub spoken_languages: Vec<SpokenLanguage>,
    #[serde(deserialize_with = "null_as_default")]
    pub production_countries: Vec<ProductionCountry>,
    #[serde(deserialize_with = "null_as_default")]
    pub production_companies: Vec<ProductionCompany>,
    pub poster_path: Option<String>,
    pub backdrop_path: Option<String>,
    pub popularity: Option<f64>,
    pub vote_average: Option<f64>,
    pub vote_count: Option<u64>,
    pub imdb_id: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub credits: MovieCredits,
    #[serde(deserialize_with = "null_as_default")]
    pub keywords: MovieKeywords,
    #[serde(deserialize_with = "null_as_default")]
    pub external_ids: ExternalIds,
}

/// One movie of a person's `movie_credits`, as cast (`character`) or crew (`job`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonMovieCredit {
    pub id: Option<i64>,
    pub title: Option<String>,
    pub original_title: Option<String>,
    pub release_date: Option<String>,
    pub character: Option<String>,
    pub job: Option<String>,
    pub department: Option<String>,
}

/// `movie_credits` (appended to a person).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonMovieCredits {
    #[serde(deserialize_with = "null_as_default")]
    pub cast: Vec<PersonMovieCredit>,
    #[serde(deserialize_with = "null_as_default")]
    pub crew: Vec<PersonMovieCredit>,
}

/// `/person/{id}?append_to_response=movie_credits`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct PersonDetails {
    pub id: Option<i64>,
    pub name: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub also_known_as: Vec<Option<String>>,
    pub biography: Option<String>,
    pub birthday: Option<String>,
    pub deathday: Option<String>,
    pub place_of_birth: Option<String>,
    pub profile_path: Option<String>,
    pub known_for_department: Option<String>,
    pub popularity: Option<f64>,
    pub imdb_id: Option<String>,
    #[serde(deserialize_with = "null_as_default")]
    pub movie_credits: PersonMovieCredits,
}
