//! Small catalog fixtures written through the store, and the two catalog adapters to run
//! contract tests against.

use chrono::{NaiveDate, TimeZone, Utc};
use movieverse_tests::services::{TestMongo, TestRedis};
use movieverse_tests::TestApp;
use shared::catalog_query::{DiscoverParams, DiscoverQuery, DiscoverRequest};
use shared::domain::{
    CastMember, Credits, CrewMember, Genre, GenreId, Keyword, Movie, MovieId, MovieSource, Person,
    PersonCredit, PersonId, RatingSummary,
};
use shared::stores::CatalogStore;

/// The apps whose catalog adapters the contract suite runs against.
pub enum Adapter {
    Embedded,
    MongoDb,
}

impl Adapter {
    /// An app on this adapter, or `None` (after saying so) when its server is not available.
    pub async fn app(&self) -> Option<TestApp> {
        match self {
            Self::Embedded => Some(TestApp::embedded().await),
            Self::MongoDb => {
                let mongo = TestMongo::create()?;
                Some(TestApp::build(&[], None, None, Some(mongo), None).await)
            }
        }
    }
}

/// A discover query from query-string values, as the API parses them.
pub fn discover_query(pairs: &[(&str, &str)]) -> DiscoverQuery {
    let object: serde_json::Map<String, serde_json::Value> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
        .collect();
    let params: DiscoverParams = serde_json::from_value(object.into()).expect("discover params");
    match params.parse().expect("valid discover params") {
        DiscoverRequest::Filtered(query) => query,
        DiscoverRequest::Ids(_) => panic!("ids, not filters"),
    }
}

/// MongoDB and Redis: the production catalog path.
pub async fn production_catalog_app() -> Option<TestApp> {
    let mongo = TestMongo::create()?;
    let redis = TestRedis::create()?;
    Some(TestApp::build(&[], None, None, Some(mongo), Some(redis)).await)
}

pub fn movie_id(id: i64) -> MovieId {
    MovieId::new(id).expect("positive id")
}

pub fn genre_id(id: i64) -> GenreId {
    GenreId::new(id).expect("positive id")
}

pub fn person_id(id: i64) -> PersonId {
    PersonId::new(id).expect("positive id")
}

pub fn genre(id: i64, name: &str) -> Genre {
    Genre {
        id: genre_id(id),
        name: name.into(),
    }
}

pub const ACTION: i64 = 28;
pub const ADVENTURE: i64 = 12;
pub const COMEDY: i64 = 35;
pub const DRAMA: i64 = 18;
pub const SCIFI: i64 = 878;
pub const ROMANCE: i64 = 10749;

pub fn all_genres() -> Vec<Genre> {
    vec![
        genre(ACTION, "Action"),
        genre(ADVENTURE, "Adventure"),
        genre(COMEDY, "Comedy"),
        genre(DRAMA, "Drama"),
        genre(SCIFI, "Science Fiction"),
        genre(ROMANCE, "Romance"),
    ]
}

fn genre_named(id: i64) -> Genre {
    all_genres()
        .into_iter()
        .find(|g| g.id.get() == id)
        .unwrap_or_else(|| genre(id, "Other"))
}

/// A plain TMDB movie; tests adjust fields with struct update syntax.
pub fn movie(id: i64, title: &str) -> Movie {
    Movie {
        id: movie_id(id),
        title: title.into(),
        original_title: Some(title.into()),
        overview: Some(format!("A test film called {title}.")),
        tagline: None,
        release_date: NaiveDate::from_ymd_opt(2000, 1, 1),
        runtime: Some(100),
        genres: vec![genre_named(DRAMA)],
        original_language: Some("en".into()),
        spoken_languages: vec!["en".into()],
        production_countries: vec!["US".into()],
        production_companies: vec!["Test Pictures".into()],
        poster_path: Some(format!("/poster{id}.jpg")),
        backdrop_path: None,
        popularity: 10.0,
        vote_average: 7.0,
        vote_count: 1000,
        imdb_id: None,
        wikidata_id: None,
        keywords: vec![],
        credits: Credits::default(),
        source: MovieSource::Tmdb,
        updated_at: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("date"),
        rating: RatingSummary::default(),
        awards: Vec::new(),
    }
}

pub fn with_genres(mut movie: Movie, ids: &[i64]) -> Movie {
    movie.genres = ids.iter().map(|&id| genre_named(id)).collect();
    movie
}

pub fn released(mut movie: Movie, y: i32, m: u32, d: u32) -> Movie {
    movie.release_date = NaiveDate::from_ymd_opt(y, m, d);
    movie
}

pub fn keyword(id: i64, name: &str) -> Keyword {
    Keyword {
        id,
        name: name.into(),
    }
}

pub fn cast(person: i64, name: &str, character: &str, order: u32) -> CastMember {
    CastMember {
        person_id: person_id(person),
        name: name.into(),
        character: Some(character.into()),
        order,
        profile_path: None,
    }
}

pub fn crew(person: i64, name: &str, job: &str, department: &str) -> CrewMember {
    CrewMember {
        person_id: person_id(person),
        name: name.into(),
        job: job.into(),
        department: department.into(),
        profile_path: None,
    }
}

pub fn person(id: i64, name: &str) -> Person {
    Person {
        id: person_id(id),
        name: name.into(),
        also_known_as: vec![],
        biography: None,
        birthday: NaiveDate::from_ymd_opt(1970, 1, 1),
        deathday: None,
        place_of_birth: None,
        profile_path: None,
        known_for_department: Some("Acting".into()),
        popularity: 5.0,
        credits: vec![],
        updated_at: Utc
            .with_ymd_and_hms(2026, 1, 1, 0, 0, 0)
            .single()
            .expect("date"),
        imdb_id: None,
        wikidata_id: None,
        awards: vec![],
    }
}

pub fn person_credit(
    movie: i64,
    title: &str,
    year: i32,
    character: Option<&str>,
    job: Option<&str>,
) -> PersonCredit {
    PersonCredit {
        movie_id: movie_id(movie),
        title: title.into(),
        release_date: NaiveDate::from_ymd_opt(year, 6, 1),
        character: character.map(str::to_string),
        job: job.map(str::to_string),
        department: job.map(|_| "Directing".to_string()),
    }
}

/// Writes movies and the genres through the store.
/// Writes `movies` as an import does, genre counts included.
pub async fn load(store: &dyn CatalogStore, movies: &[Movie]) {
    store.upsert_genres(&all_genres()).await.expect("genres");
    for movie in movies {
        store.upsert_movie(movie).await.expect("movie");
    }
    store.recount_genres().await.expect("genre counts");
}

/// A small catalog exercising every filter: ids 1–8.
pub fn sample() -> Vec<Movie> {
    let mut matrix = released(
        with_genres(movie(1, "The Matrix"), &[ACTION, SCIFI]),
        1999,
        3,
        31,
    );
    matrix.popularity = 90.0;
    matrix.vote_average = 8.2;
    matrix.vote_count = 20_000;
    matrix.keywords = vec![keyword(1, "simulation"), keyword(2, "hacker")];
    matrix.credits = Credits {
        cast: vec![
            cast(101, "Keanu Reeves", "Neo", 0),
            cast(102, "Carrie-Anne Moss", "Trinity", 1),
        ],
        crew: vec![crew(201, "Lana Wachowski", "Director", "Directing")],
    };

    let mut reloaded = released(
        with_genres(movie(2, "The Matrix Reloaded"), &[ACTION, SCIFI, ADVENTURE]),
        2003,
        5,
        15,
    );
    reloaded.popularity = 60.0;
    reloaded.vote_average = 7.0;
    reloaded.vote_count = 9_000;
    reloaded.keywords = vec![keyword(1, "simulation")];
    reloaded.credits = Credits {
        cast: vec![cast(101, "Keanu Reeves", "Neo", 0)],
        crew: vec![crew(201, "Lana Wachowski", "Director", "Directing")],
    };

    let mut amelie = released(
        with_genres(movie(3, "Amélie"), &[COMEDY, ROMANCE]),
        2001,
        4,
        25,
    );
    amelie.original_title = Some("Le Fabuleux Destin d'Amélie Poulain".into());
    amelie.original_language = Some("fr".into());
    amelie.popularity = 40.0;
    amelie.vote_average = 7.9;
    amelie.vote_count = 11_000;

    let mut speed = released(
        with_genres(movie(4, "Speed"), &[ACTION, ADVENTURE]),
        1994,
        6,
        10,
    );
    speed.popularity = 30.0;
    speed.vote_average = 7.2;
    speed.vote_count = 5_000;
    speed.credits.cast = vec![cast(101, "Keanu Reeves", "Jack Traven", 0)];

    let mut drama = released(movie(5, "Quiet Days"), 2010, 9, 1);
    drama.popularity = 5.0;
    drama.vote_average = 6.0;
    drama.vote_count = 20;

    let mut zero = released(with_genres(movie(6, "Zero Hour"), &[ACTION]), 2010, 1, 20);
    zero.popularity = 2.0;
    zero.vote_average = 5.5;
    zero.vote_count = 300;
    zero.keywords = vec![keyword(2, "hacker")];

    let mut undated = with_genres(movie(7, "Untitled Project"), &[SCIFI]);
    undated.release_date = None;
    undated.popularity = 1.0;
    undated.vote_average = 0.0;
    undated.vote_count = 0;

    let mut eclair = released(
        with_genres(movie(8, "Éclair de Lune"), &[ROMANCE, DRAMA]),
        1999,
        12,
        31,
    );
    eclair.original_language = Some("fr".into());
    eclair.popularity = 3.0;
    eclair.vote_average = 6.5;
    eclair.vote_count = 80;

    vec![
        matrix, reloaded, amelie, speed, drama, zero, undated, eclair,
    ]
}

/// Ids of a list of summaries or of JSON results.
pub fn ids_of(results: &[shared::domain::MovieSummary]) -> Vec<i64> {
    results.iter().map(|s| s.id.get()).collect()
}

pub fn json_ids(body: &serde_json::Value) -> Vec<i64> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect()
}
