//! The bundled sample catalog as a [`CatalogSource`].
//!
//! The sample holds TMDB's own bodies (`/genre/movie/list` and an array of
//! `/movie/{id}?append_to_response=credits,keywords,external_ids`), so it goes through the same
//! parsing and mapping as a live import. It has no `/person` bodies: each person is built from
//! the credits of the sample's movies (name, photo, department and filmography within the sample).

use std::collections::HashMap;

use chrono::Utc;

use super::request::ImportRequest;
use super::source::{CatalogSource, MovieIds, SourceError};
use crate::domain::{Genre, Movie, MovieId, Person, PersonCredit, PersonId};
use crate::tmdb::map;
use crate::tmdb::types::{GenreList, MovieDetails};

/// The sample did not parse (a bug in the bundled files, caught by a test).
#[derive(Debug, thiserror::Error)]
#[error("the sample catalog's {file} is malformed: {reason}")]
pub struct SampleError {
    file: &'static str,
    reason: String,
}

impl SampleError {
    pub(super) fn new(file: &'static str, reason: impl Into<String>) -> Self {
        Self {
            file,
            reason: reason.into(),
        }
    }
}

pub struct SampleSource {
    genres: Vec<Genre>,
    /// In file order.
    order: Vec<MovieId>,
    movies: HashMap<MovieId, Movie>,
    people: HashMap<PersonId, Person>,
}

impl SampleSource {
    /// Parses the files of a sample catalog. Movies without an id or title are skipped.
    pub fn parse(
        genres_json: &str,
        movies_json: &str,
        awards_json: &str,
    ) -> Result<Self, SampleError> {
        let genres: GenreList = serde_json::from_str(genres_json).map_err(|e| SampleError {
            file: "genres.json",
            reason: e.to_string(),
        })?;
        let details: Vec<MovieDetails> =
            serde_json::from_str(movies_json).map_err(|e| SampleError {
                file: "movies.json",
                reason: e.to_string(),
            })?;
        let now = Utc::now();
        let mut order = Vec::with_capacity(details.len());
        let mut movies = HashMap::with_capacity(details.len());
        let mut people: HashMap<PersonId, Person> = HashMap::new();
        for body in &details {
            let movie = match map::movie(body, now) {
                Ok(movie) => movie,
                Err(error) => {
                    tracing::warn!(error = %error, "skipping a malformed sample movie");
                    continue;
                }
            };
            add_people(&mut people, body, &movie);
            order.push(movie.id);
            movies.insert(movie.id, movie);
        }
        for person in people.values_mut() {
            map::sort_person_credits(&mut person.credits);
            person.credits.dedup();
        }
        super::sample_awards::attach(awards_json, &mut movies, &mut people)?;
        Ok(Self {
            genres: map::genres(&genres),
            order: super::source::dedup_in_order(order),
            movies,
            people,
        })
    }

    pub fn movie_count(&self) -> usize {
        self.order.len()
    }

    pub fn genre_list(&self) -> &[Genre] {
        &self.genres
    }

    /// The movies, in file order.
    pub fn movie_list(&self) -> Vec<Movie> {
        self.order
            .iter()
            .filter_map(|id| self.movies.get(id).cloned())
            .collect()
    }

    /// The people an import of the sample writes: the top-billed cast and key crew of its
    /// movies ([`super::credited_people`]), in credit order.
    pub fn person_list(&self) -> Vec<Person> {
        let credited = self
            .order
            .iter()
            .filter_map(|id| self.movies.get(id))
            .flat_map(super::credited_people);
        super::source::dedup_in_order(credited)
            .into_iter()
            .filter_map(|id| self.people.get(&id).cloned())
            .collect()
    }
}

/// Adds the people credited in one movie, with that movie in their filmography.
fn add_people(people: &mut HashMap<PersonId, Person>, body: &MovieDetails, movie: &Movie) {
    let credit =
        |character: Option<String>, job: Option<String>, department: Option<String>| PersonCredit {
            movie_id: movie.id,
            title: movie.title.clone(),
            release_date: movie.release_date,
            character,
            job,
            department,
        };
    // The raw bodies carry what the mapped credits drop (popularity, known-for department).
    let extra: HashMap<i64, (Option<f64>, Option<String>)> = body
        .credits
        .cast
        .iter()
        .map(|c| (c.id, c.popularity, c.known_for_department.clone()))
        .chain(
            body.credits
                .crew
                .iter()
                .map(|c| (c.id, c.popularity, c.known_for_department.clone())),
        )
        .filter_map(|(id, popularity, department)| Some((id?, (popularity, department))))
        .collect();
    let mut entry = |id: PersonId, name: &str, profile: &Option<String>, item: PersonCredit| {
        let person = people.entry(id).or_insert_with(|| {
            let (pop, dept) = extra.get(&id.get()).cloned().unwrap_or((None, None));
            let pop = pop.unwrap_or(0.0);
            Person {
                id,
                name: name.to_string(),
                also_known_as: Vec::new(),
                biography: None,
                birthday: None,
                deathday: None,
                place_of_birth: None,
                profile_path: profile.clone(),
                known_for_department: dept.filter(|d| !d.trim().is_empty()),
                popularity: if pop.is_finite() && pop >= 0.0 {
                    pop
                } else {
                    0.0
                },
                credits: Vec::new(),
                updated_at: movie.updated_at,
                imdb_id: None,
                wikidata_id: None,
                awards: Vec::new(),
            }
        });
        person.credits.push(item);
    };
    for cast in &movie.credits.cast {
        let item = credit(cast.character.clone(), None, Some("Acting".into()));
        entry(cast.person_id, &cast.name, &cast.profile_path, item);
    }
    for crew in &movie.credits.crew {
        let item = credit(None, Some(crew.job.clone()), Some(crew.department.clone()));
        entry(crew.person_id, &crew.name, &crew.profile_path, item);
    }
}

#[async_trait::async_trait]
impl CatalogSource for SampleSource {
    async fn genres(&self) -> Result<Vec<Genre>, SourceError> {
        Ok(self.genres.clone())
    }

    async fn movie_ids(&self, _request: &ImportRequest, _concurrency: usize) -> MovieIds {
        MovieIds {
            ids: self.order.clone(),
            errors: Vec::new(),
        }
    }

    async fn movie(&self, id: MovieId) -> Result<Movie, SourceError> {
        self.movies
            .get(&id)
            .cloned()
            .ok_or(SourceError::NotInSample("movie"))
    }

    async fn person(&self, id: PersonId) -> Result<Person, SourceError> {
        self.people
            .get(&id)
            .cloned()
            .ok_or(SourceError::NotInSample("person"))
    }
}

impl SampleSource {
    /// The catalog bundled with MovieVerse (`shared/data/sample`), compiled into the binary so
    /// a Lambda package or a fresh clone needs no data files beside it.
    pub fn bundled() -> Result<Self, SampleError> {
        Self::parse(
            include_str!("../../data/sample/genres.json"),
            include_str!("../../data/sample/movies.json"),
            include_str!("../../data/sample/awards.json"),
        )
    }
}
