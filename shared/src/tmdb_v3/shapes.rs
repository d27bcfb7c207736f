//! TMDB v3's answer shapes, built from MovieVerse's documents. Field names, types and nulls are
//! TMDB's: a text TMDB never sends as null (`overview`, `tagline`, `release_date`) is `""` when
//! the catalog holds none, and what MovieVerse does not hold (budgets, genders, company ids) is
//! TMDB's own "unknown" value (`0`, `null`), never a made-up one.

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::{CastMember, CrewMember, Genre, Keyword, Movie, MovieId, Person, PersonCredit};
use crate::http::{Page, PageRequest};

use super::language_name;

fn date_text(date: Option<NaiveDate>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

/// What every TMDB list answer wraps its results in.
#[derive(Debug, Clone, Serialize)]
pub struct TmdbPage<T> {
    pub page: u32,
    pub results: Vec<T>,
    pub total_pages: u64,
    pub total_results: u64,
}

impl<T> TmdbPage<T> {
    /// `results`, page `request` of `total_results`.
    pub fn new(request: PageRequest, total_results: u64, results: Vec<T>) -> Self {
        Self {
            page: request.page(),
            results,
            total_pages: total_results.div_ceil(u64::from(request.page_size())),
            total_results,
        }
    }

    /// The paging of `page` around `results` (which the caller built from its items).
    pub fn around<U>(page: &Page<U>, results: Vec<T>) -> Self {
        Self {
            page: page.page,
            results,
            total_pages: page.total_pages,
            total_results: page.total_results,
        }
    }
}

/// The release dates `now_playing` and `upcoming` cover.
#[derive(Debug, Clone, Serialize)]
pub struct DateRange {
    pub maximum: NaiveDate,
    pub minimum: NaiveDate,
}

/// A movie as TMDB lists show it.
#[derive(Debug, Clone, Serialize)]
pub struct MovieItem {
    pub adult: bool,
    pub backdrop_path: Option<String>,
    pub genre_ids: Vec<i64>,
    pub id: MovieId,
    pub original_language: String,
    pub original_title: String,
    pub overview: String,
    pub popularity: f64,
    pub poster_path: Option<String>,
    pub release_date: String,
    pub title: String,
    pub video: bool,
    pub vote_average: f64,
    pub vote_count: u64,
    /// Only in mixed lists (trending, multi search), as TMDB does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<&'static str>,
}

impl MovieItem {
    pub fn new(movie: &Movie) -> Self {
        Self {
            adult: false,
            backdrop_path: movie.backdrop_path.clone(),
            genre_ids: movie.genres.iter().map(|g| g.id.get()).collect(),
            id: movie.id,
            original_language: movie.original_language.clone().unwrap_or_default(),
            original_title: movie
                .original_title
                .clone()
                .unwrap_or_else(|| movie.title.clone()),
            overview: movie.overview.clone().unwrap_or_default(),
            popularity: movie.popularity,
            poster_path: movie.poster_path.clone(),
            release_date: date_text(movie.release_date),
            title: movie.title.clone(),
            video: false,
            vote_average: movie.vote_average,
            vote_count: movie.vote_count,
            media_type: None,
        }
    }

    pub fn with_media_type(mut self) -> Self {
        self.media_type = Some("movie");
        self
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Company {
    /// MovieVerse keeps company names only.
    pub id: Option<i64>,
    pub logo_path: Option<String>,
    pub name: String,
    pub origin_country: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Country {
    pub iso_3166_1: String,
    /// MovieVerse keeps codes only; the code stands in for the name.
    pub name: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SpokenLanguage {
    pub english_name: String,
    pub iso_639_1: String,
    pub name: String,
}

impl SpokenLanguage {
    pub fn new(code: &str) -> Self {
        let (english_name, name) = language_name(code);
        Self {
            english_name,
            iso_639_1: code.to_string(),
            name,
        }
    }
}

/// `/3/movie/{id}`, with the parts `append_to_response` asked for under their own names.
#[derive(Debug, Clone, Serialize)]
pub struct MovieDetails {
    pub adult: bool,
    pub backdrop_path: Option<String>,
    /// MovieVerse holds no collections: always null.
    pub belongs_to_collection: Option<()>,
    pub budget: u64,
    pub genres: Vec<Genre>,
    pub homepage: String,
    pub id: MovieId,
    pub imdb_id: Option<String>,
    pub original_language: String,
    pub original_title: String,
    pub overview: String,
    pub popularity: f64,
    pub poster_path: Option<String>,
    pub production_companies: Vec<Company>,
    pub production_countries: Vec<Country>,
    pub release_date: String,
    pub revenue: u64,
    pub runtime: Option<u32>,
    pub spoken_languages: Vec<SpokenLanguage>,
    pub status: &'static str,
    pub tagline: String,
    pub title: String,
    pub video: bool,
    pub vote_average: f64,
    pub vote_count: u64,
    #[serde(flatten)]
    pub appended: serde_json::Map<String, serde_json::Value>,
}

impl MovieDetails {
    /// `today` decides between "Released" and "Planned".
    pub fn new(movie: &Movie, today: NaiveDate) -> Self {
        let item = MovieItem::new(movie);
        Self {
            adult: false,
            backdrop_path: item.backdrop_path,
            belongs_to_collection: None,
            budget: 0,
            genres: movie.genres.clone(),
            homepage: String::new(),
            id: movie.id,
            imdb_id: movie.imdb_id.clone(),
            original_language: item.original_language,
            original_title: item.original_title,
            overview: item.overview,
            popularity: movie.popularity,
            poster_path: item.poster_path,
            production_companies: movie
                .production_companies
                .iter()
                .map(|name| Company {
                    id: None,
                    logo_path: None,
                    name: name.clone(),
                    origin_country: String::new(),
                })
                .collect(),
            production_countries: movie
                .production_countries
                .iter()
                .map(|code| Country {
                    iso_3166_1: code.clone(),
                    name: code.clone(),
                })
                .collect(),
            release_date: item.release_date,
            revenue: 0,
            runtime: movie.runtime,
            spoken_languages: movie
                .spoken_languages
                .iter()
                .map(|code| SpokenLanguage::new(code))
                .collect(),
            status: match movie.release_date {
                Some(date) if date <= today => "Released",
                _ => "Planned",
            },
            tagline: movie.tagline.clone().unwrap_or_default(),
            title: movie.title.clone(),
            video: false,
            vote_average: movie.vote_average,
            vote_count: movie.vote_count,
            appended: serde_json::Map::new(),
        }
    }
}

/// A credit id for a credit MovieVerse keeps without one: stable, and unique within a movie.
fn credit_id(movie: MovieId, person: i64, role: &str) -> String {
    format!("mv-{movie}-{person}-{role}")
}

#[derive(Debug, Clone, Serialize)]
pub struct Cast {
    pub adult: bool,
    pub gender: u8,
    pub id: i64,
    pub known_for_department: &'static str,
    pub name: String,
    pub original_name: String,
    pub popularity: f64,
    pub profile_path: Option<String>,
    pub cast_id: u32,
    pub character: String,
    pub credit_id: String,
    pub order: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct Crew {
    pub adult: bool,
    pub gender: u8,
    pub id: i64,
    pub known_for_department: String,
    pub name: String,
    pub original_name: String,
    pub popularity: f64,
    pub profile_path: Option<String>,
    pub credit_id: String,
    pub department: String,
    pub job: String,
}

/// `/3/movie/{id}/credits` (`id` is left out when appended to the details, as TMDB does).
#[derive(Debug, Clone, Serialize)]
pub struct MovieCredits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<MovieId>,
    pub cast: Vec<Cast>,
    pub crew: Vec<Crew>,
}

impl MovieCredits {
    pub fn new(movie: &Movie) -> Self {
        let mut cast: Vec<&CastMember> = movie.credits.cast.iter().collect();
        cast.sort_by_key(|member| member.order);
        Self {
            id: Some(movie.id),
            cast: cast
                .into_iter()
                .map(|member| Cast {
                    adult: false,
                    gender: 0,
                    id: member.person_id.get(),
                    known_for_department: "Acting",
                    name: member.name.clone(),
                    original_name: member.name.clone(),
                    popularity: 0.0,
                    profile_path: member.profile_path.clone(),
                    cast_id: member.order,
                    character: member.character.clone().unwrap_or_default(),
                    credit_id: credit_id(
                        movie.id,
                        member.person_id.get(),
                        &format!("cast{}", member.order),
                    ),
                    order: member.order,
                })
                .collect(),
            crew: movie
                .credits
                .crew
                .iter()
                .map(|member: &CrewMember| Crew {
                    adult: false,
                    gender: 0,
                    id: member.person_id.get(),
                    known_for_department: member.department.clone(),
                    name: member.name.clone(),
                    original_name: member.name.clone(),
                    popularity: 0.0,
                    profile_path: member.profile_path.clone(),
                    credit_id: credit_id(movie.id, member.person_id.get(), &member.job),
                    department: member.department.clone(),
                    job: member.job.clone(),
                })
                .collect(),
        }
    }
}

/// `/3/movie/{id}/keywords`.
#[derive(Debug, Clone, Serialize)]
pub struct MovieKeywords {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<MovieId>,
    pub keywords: Vec<Keyword>,
}

/// `/3/movie/{id}/external_ids` and `/3/person/{id}/external_ids`.
#[derive(Debug, Clone, Serialize)]
pub struct ExternalIds {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub imdb_id: Option<String>,
    pub wikidata_id: Option<String>,
    pub facebook_id: Option<String>,
    pub instagram_id: Option<String>,
    pub twitter_id: Option<String>,
}

impl ExternalIds {
    /// The ids MovieVerse keeps (IMDb, Wikidata); the social ones it does not keep are null.
    /// `id` is left out when the part is appended to the details, as TMDB does.
    pub fn new(id: Option<i64>, held: crate::domain::ExternalIds) -> Self {
        Self {
            id,
            imdb_id: held.imdb_id,
            wikidata_id: held.wikidata_id.map(String::from),
            facebook_id: None,
            instagram_id: None,
            twitter_id: None,
        }
    }
}

/// `/3/movie/{id}/reviews`: MovieVerse reviews in TMDB's review shape.
#[derive(Debug, Clone, Serialize)]
pub struct ReviewPage {
    pub id: MovieId,
    #[serde(flatten)]
    pub page: TmdbPage<Review>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub author: String,
    pub author_details: AuthorDetails,
    pub content: String,
    pub created_at: String,
    pub id: String,
    pub updated_at: String,
    pub url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AuthorDetails {
    pub name: String,
    pub username: String,
    pub avatar_path: Option<String>,
    /// 1–10, as TMDB's author ratings.
    pub rating: Option<f64>,
}

/// `/3/genre/movie/list`.
#[derive(Debug, Clone, Serialize)]
pub struct GenreList {
    pub genres: Vec<Genre>,
}

/// `/3/configuration`.
#[derive(Debug, Clone, Serialize)]
pub struct Configuration {
    pub change_keys: Vec<&'static str>,
    pub images: ImageConfiguration,
}

#[derive(Debug, Clone, Serialize)]
pub struct ImageConfiguration {
    pub base_url: String,
    pub secure_base_url: String,
    pub backdrop_sizes: [&'static str; 4],
    pub logo_sizes: [&'static str; 7],
    pub poster_sizes: [&'static str; 7],
    pub profile_sizes: [&'static str; 4],
    pub still_sizes: [&'static str; 4],
}

impl ImageConfiguration {
    /// The sizes are those of TMDB's image service, which MovieVerse's image paths point into.
    pub fn new(secure_base_url: &str) -> Self {
        Self {
            base_url: secure_base_url.replacen("https://", "http://", 1),
            secure_base_url: secure_base_url.to_string(),
            backdrop_sizes: ["w300", "w780", "w1280", "original"],
            logo_sizes: ["w45", "w92", "w154", "w185", "w300", "w500", "original"],
            poster_sizes: ["w92", "w154", "w185", "w342", "w500", "w780", "original"],
            profile_sizes: ["w45", "w185", "h632", "original"],
            still_sizes: ["w92", "w185", "w300", "original"],
        }
    }
}

/// One entry of `/3/configuration/languages`.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageEntry {
    pub iso_639_1: &'static str,
    pub english_name: &'static str,
    pub name: &'static str,
}

/// `/3/person/{id}`, with `append_to_response` parts under their own names.
#[derive(Debug, Clone, Serialize)]
pub struct PersonDetails {
    pub adult: bool,
    pub also_known_as: Vec<String>,
    pub biography: String,
    pub birthday: Option<NaiveDate>,
    pub deathday: Option<NaiveDate>,
    pub gender: u8,
    pub homepage: Option<String>,
    pub id: i64,
    pub imdb_id: Option<String>,
    pub known_for_department: Option<String>,
    pub name: String,
    pub place_of_birth: Option<String>,
    pub popularity: f64,
    pub profile_path: Option<String>,
    #[serde(flatten)]
    pub appended: serde_json::Map<String, serde_json::Value>,
}

impl PersonDetails {
    pub fn new(person: &Person) -> Self {
        Self {
            adult: false,
            also_known_as: person.also_known_as.clone(),
            biography: person.biography.clone().unwrap_or_default(),
            birthday: person.birthday,
            deathday: person.deathday,
            gender: 0,
            homepage: None,
            id: person.id.get(),
            imdb_id: person.imdb_id.clone(),
            known_for_department: person.known_for_department.clone(),
            name: person.name.clone(),
            place_of_birth: person.place_of_birth.clone(),
            popularity: person.popularity,
            profile_path: person.profile_path.clone(),
            appended: serde_json::Map::new(),
        }
    }
}

/// A person as TMDB lists show them.
#[derive(Debug, Clone, Serialize)]
pub struct PersonItem {
    pub adult: bool,
    pub gender: u8,
    pub id: i64,
    pub known_for_department: Option<String>,
    pub name: String,
    pub original_name: String,
    pub popularity: f64,
    pub profile_path: Option<String>,
    /// MovieVerse's people lists do not carry filmographies.
    pub known_for: Vec<MovieItem>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_type: Option<&'static str>,
}

impl PersonItem {
    pub fn new(person: &crate::domain::PersonSummary) -> Self {
        Self {
            adult: false,
            gender: 0,
            id: person.id.get(),
            known_for_department: person.known_for_department.clone(),
            name: person.name.clone(),
            original_name: person.name.clone(),
            popularity: person.popularity,
            profile_path: person.profile_path.clone(),
            known_for: Vec::new(),
            media_type: None,
        }
    }

    pub fn with_media_type(mut self) -> Self {
        self.media_type = Some("person");
        self
    }
}

/// One movie of `/3/person/{id}/movie_credits`: the movie as lists show it, and the role.
#[derive(Debug, Clone, Serialize)]
pub struct PersonMovieCredit {
    #[serde(flatten)]
    pub movie: MovieItem,
    #[serde(flatten)]
    pub role: Role,
    pub credit_id: String,
}

#[derive(Debug, Clone, Serialize)]
#[serde(untagged)]
pub enum Role {
    Cast { character: String, order: u32 },
    Crew { department: String, job: String },
}

/// `/3/person/{id}/movie_credits` (`id` left out when appended).
#[derive(Debug, Clone, Serialize)]
pub struct PersonMovieCredits {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i64>,
    pub cast: Vec<PersonMovieCredit>,
    pub crew: Vec<PersonMovieCredit>,
}

impl PersonMovieCredits {
    /// `person`'s credits, each with its movie from `movies` (the catalog's copies, read in one
    /// go); a credit whose movie the catalog no longer holds keeps what the credit itself says.
    pub fn new(person: &Person, movies: &[Movie]) -> Self {
        let by_id: std::collections::HashMap<MovieId, &Movie> =
            movies.iter().map(|m| (m.id, m)).collect();
        let mut cast = Vec::new();
        let mut crew = Vec::new();
        for credit in &person.credits {
            let held = by_id.get(&credit.movie_id);
            let movie = match held {
                Some(movie) => MovieItem::new(movie),
                None => item_from_credit(credit),
            };
            let (role, tag) = match &credit.job {
                None => {
                    // The billing order is the movie's; 0 when the catalog no longer holds it.
                    let order = held
                        .and_then(|m| m.credits.cast.iter().find(|c| c.person_id == person.id))
                        .map_or(0, |c| c.order);
                    (
                        Role::Cast {
                            character: credit.character.clone().unwrap_or_default(),
                            order,
                        },
                        // The same credit id as the movie's credits give this role.
                        format!("cast{order}"),
                    )
                }
                Some(job) => (
                    Role::Crew {
                        department: credit.department.clone().unwrap_or_default(),
                        job: job.clone(),
                    },
                    job.clone(),
                ),
            };
            let entry = PersonMovieCredit {
                credit_id: credit_id(credit.movie_id, person.id.get(), &tag),
                movie,
                role,
            };
            if credit.job.is_none() {
                cast.push(entry);
            } else {
                crew.push(entry);
            }
        }
        Self {
            id: Some(person.id.get()),
            cast,
            crew,
        }
    }
}

fn item_from_credit(credit: &PersonCredit) -> MovieItem {
    MovieItem {
        adult: false,
        backdrop_path: None,
        genre_ids: Vec::new(),
        id: credit.movie_id,
        original_language: String::new(),
        original_title: credit.title.clone(),
        overview: String::new(),
        popularity: 0.0,
        poster_path: None,
        release_date: date_text(credit.release_date),
        title: credit.title.clone(),
        video: false,
        vote_average: 0.0,
        vote_count: 0,
        media_type: None,
    }
}
