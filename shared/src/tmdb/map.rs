//! From TMDB bodies to MovieVerse documents: where "usable" is decided.
//!
//! Ids must be positive, text must be non-blank, dates must be real dates (TMDB sends `""` for
//! unknown ones), numbers must be finite. A credit, genre or keyword that fails these is dropped;
//! a movie or person without a valid id or a name is an error. Lists are put in a stable order so
//! an unchanged TMDB answer maps to an identical document (the store then reports `Unchanged`).

use chrono::{DateTime, NaiveDate, Utc};

use super::types::{
    CastCredit, CrewCredit, GenreList, MovieDetails, MoviePage, PersonDetails, PersonMovieCredit,
    TmdbGenre,
};
use crate::domain::{
    CastMember, Credits, CrewMember, Genre, GenreId, Keyword, Movie, MovieId, MovieSource, Person,
    PersonCredit, PersonId, RatingSummary,
};

/// A TMDB body that cannot become a document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MapError {
    #[error("the {0} has no valid id")]
    NoId(&'static str),
    #[error("the {0} has no name")]
    NoName(&'static str),
}

/// Trimmed text, or `None` when TMDB sent nothing, `null` or only whitespace.
fn text(value: Option<&str>) -> Option<String> {
    value
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn date(value: Option<&str>) -> Option<NaiveDate> {
    value.and_then(|s| NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok())
}

/// A finite, non-negative number (TMDB popularity and votes), else 0.
fn score(value: Option<f64>) -> f64 {
    value.filter(|v| v.is_finite() && *v >= 0.0).unwrap_or(0.0)
}

fn genre(genre: &TmdbGenre) -> Option<Genre> {
    Some(Genre {
        id: GenreId::new(genre.id?)?,
        name: text(genre.name.as_deref())?,
    })
}

pub fn genres(list: &GenreList) -> Vec<Genre> {
    let mut genres: Vec<Genre> = list.genres.iter().filter_map(genre).collect();
    genres.sort_by_key(|g| g.id);
    genres.dedup_by_key(|g| g.id);
    genres
}

/// The valid movie ids of a list page, in TMDB's order.
pub fn page_ids(page: &MoviePage) -> Vec<MovieId> {
    page.results
        .iter()
        .filter_map(|item| item.id.and_then(MovieId::new))
        .collect()
}

fn cast_member(index: usize, credit: &CastCredit) -> Option<CastMember> {
    Some(CastMember {
        person_id: PersonId::new(credit.id?)?,
        name: text(credit.name.as_deref())?,
        character: text(credit.character.as_deref()),
        // Without a billing order, TMDB's own order is the best guess.
        order: credit
            .order
            .unwrap_or_else(|| u32::try_from(index).unwrap_or(u32::MAX)),
        profile_path: text(credit.profile_path.as_deref()),
    })
}

fn crew_member(credit: &CrewCredit) -> Option<CrewMember> {
    Some(CrewMember {
        person_id: PersonId::new(credit.id?)?,
        name: text(credit.name.as_deref())?,
        job: text(credit.job.as_deref())?,
        department: text(credit.department.as_deref()).unwrap_or_else(|| "Crew".to_string()),
        profile_path: text(credit.profile_path.as_deref()),
    })
}

fn credits(details: &MovieDetails) -> Credits {
    let mut cast: Vec<CastMember> = details
        .credits
        .cast
        .iter()
        .enumerate()
        .filter_map(|(i, c)| cast_member(i, c))
        .collect();
    cast.sort_by_key(|c| (c.order, c.person_id));
    let mut crew: Vec<CrewMember> = details
        .credits
        .crew
        .iter()
        .filter_map(crew_member)
        .collect();
    crew.sort_by(|a, b| {
        (&a.department, &a.job, a.person_id).cmp(&(&b.department, &b.job, b.person_id))
    });
    crew.dedup_by(|a, b| a.person_id == b.person_id && a.job == b.job);
    Credits { cast, crew }
}

/// A movie document from `/movie/{id}?append_to_response=credits,keywords,external_ids`.
/// `rating` is left at zero: the store keeps the one it has.
pub fn movie(details: &MovieDetails, now: DateTime<Utc>) -> Result<Movie, MapError> {
    let id = details
        .id
        .and_then(MovieId::new)
        .ok_or(MapError::NoId("movie"))?;
    let original_title = text(details.original_title.as_deref());
    let title = text(details.title.as_deref())
        .or_else(|| original_title.clone())
        .ok_or(MapError::NoName("movie"))?;
    let mut keywords: Vec<Keyword> = details
        .keywords
        .keywords
        .iter()
        .filter_map(|k| {
            Some(Keyword {
                id: k.id.filter(|id| *id > 0)?,
                name: text(k.name.as_deref())?,
            })
        })
        .collect();
    keywords.sort_by_key(|k| k.id);
    keywords.dedup_by_key(|k| k.id);
    Ok(Movie {
        id,
        title,
        original_title,
        overview: text(details.overview.as_deref()),
        tagline: text(details.tagline.as_deref()),
        release_date: date(details.release_date.as_deref()),
        runtime: details.runtime.filter(|m| *m > 0),
        genres: details.genres.iter().filter_map(genre).collect(),
        original_language: text(details.original_language.as_deref()),
        spoken_languages: details
            .spoken_languages
            .iter()
            .filter_map(|l| text(l.iso_639_1.as_deref()))
            .collect(),
        production_countries: details
            .production_countries
            .iter()
            .filter_map(|c| text(c.iso_3166_1.as_deref()))
            .collect(),
        production_companies: details
            .production_companies
            .iter()
            .filter_map(|c| text(c.name.as_deref()))
            .collect(),
        poster_path: text(details.poster_path.as_deref()),
        backdrop_path: text(details.backdrop_path.as_deref()),
        popularity: score(details.popularity),
        vote_average: score(details.vote_average).min(10.0),
        vote_count: details.vote_count.unwrap_or(0),
        imdb_id: text(details.imdb_id.as_deref())
            .or_else(|| text(details.external_ids.imdb_id.as_deref())),
        wikidata_id: None,
        keywords,
        credits: credits(details),
        source: MovieSource::Tmdb,
        updated_at: now,
        rating: RatingSummary::default(),
        awards: Vec::new(),
    })
}

fn person_credit(credit: &PersonMovieCredit, as_cast: bool) -> Option<PersonCredit> {
    let title = text(credit.title.as_deref()).or_else(|| text(credit.original_title.as_deref()))?;
    Some(PersonCredit {
        movie_id: MovieId::new(credit.id?)?,
        title,
        release_date: date(credit.release_date.as_deref()),
        character: if as_cast {
            text(credit.character.as_deref())
        } else {
            None
        },
        job: if as_cast {
            None
        } else {
            Some(text(credit.job.as_deref())?)
        },
        department: if as_cast {
            Some("Acting".to_string())
        } else {
            text(credit.department.as_deref())
        },
    })
}

/// Newest first, then by movie and role: a stable order for an unchanged filmography.
pub fn sort_person_credits(credits: &mut [PersonCredit]) {
    credits.sort_by(|a, b| {
        b.release_date
            .cmp(&a.release_date)
            .then(a.movie_id.cmp(&b.movie_id))
            .then(a.job.cmp(&b.job))
            .then(a.character.cmp(&b.character))
    });
}

/// A person document from `/person/{id}?append_to_response=movie_credits`.
pub fn person(details: &PersonDetails, now: DateTime<Utc>) -> Result<Person, MapError> {
    let id = details
        .id
        .and_then(PersonId::new)
        .ok_or(MapError::NoId("person"))?;
    let name = text(details.name.as_deref()).ok_or(MapError::NoName("person"))?;
    let mut credits: Vec<PersonCredit> = details
        .movie_credits
        .cast
        .iter()
        .filter_map(|c| person_credit(c, true))
        .chain(
            details
                .movie_credits
                .crew
                .iter()
                .filter_map(|c| person_credit(c, false)),
        )
        .collect();
    sort_person_credits(&mut credits);
    credits.dedup();
    Ok(Person {
        id,
        name,
        also_known_as: details
            .also_known_as
            .iter()
            .filter_map(|n| text(n.as_deref()))
            .collect(),
        biography: text(details.biography.as_deref()),
        birthday: date(details.birthday.as_deref()),
        deathday: date(details.deathday.as_deref()),
        place_of_birth: text(details.place_of_birth.as_deref()),
        profile_path: text(details.profile_path.as_deref()),
        known_for_department: text(details.known_for_department.as_deref()),
        popularity: score(details.popularity),
        credits,
        updated_at: now,
        imdb_id: text(details.imdb_id.as_deref()),
        wikidata_id: None,
        awards: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture<T: serde::de::DeserializeOwned>(name: &str) -> T {
        let path = format!(
            "{}/../tests/fixtures/tmdb/{name}",
            env!("CARGO_MANIFEST_DIR")
        );
        let text = std::fs::read_to_string(&path).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    #[test]
    fn a_full_movie_maps_every_field() {
        let details: MovieDetails = fixture("movie_9100101.json");
        let movie = movie(&details, Utc::now()).unwrap();
        assert_eq!(movie.id.get(), 9100101);
        assert_eq!(movie.title, "The Salt Cartographer");
        assert_eq!(movie.release_date, NaiveDate::from_ymd_opt(2019, 4, 12));
        assert_eq!(movie.runtime, Some(118));
        assert_eq!(movie.genres.len(), 2);
        assert_eq!(movie.spoken_languages, ["en"]);
        assert_eq!(movie.production_countries, ["GB"]);
        assert_eq!(movie.imdb_id.as_deref(), Some("tt9000101"));
        assert_eq!(movie.keywords.len(), 3);
        assert_eq!(movie.credits.cast[0].name, "Mara Quillfeather");
        assert_eq!(movie.credits.cast[0].order, 0);
        assert!(movie
            .credits
            .crew
            .iter()
            .any(|c| c.job == "Director" && c.person_id.get() == 9209003));
        assert_eq!(movie.source, MovieSource::Tmdb);
    }

    #[test]
    fn nulls_everywhere_and_unknown_fields_still_make_a_movie() {
        let details: MovieDetails = fixture("movie_9100105_nulls.json");
        let movie = movie(&details, Utc::now()).unwrap();
        assert_eq!(movie.title, "Untitled Lighthouse Project");
        assert_eq!(movie.original_title, None);
        assert_eq!(movie.release_date, None);
        assert!(movie.genres.is_empty() && movie.keywords.is_empty());
        assert_eq!(
            (movie.popularity, movie.vote_average, movie.vote_count),
            (0.0, 0.0, 0)
        );
        // The credit without an id is dropped, the one with nulls kept.
        assert_eq!(movie.credits.cast.len(), 1);
        assert!(movie.credits.crew.is_empty());

        let details: PersonDetails = fixture("person_9209101_nulls.json");
        let person = person(&details, Utc::now()).unwrap();
        assert_eq!(person.name, "Ada Nullsworth");
        assert!(person.credits.is_empty() && person.also_known_as.is_empty());
        assert_eq!(person.birthday, None);
    }

    #[test]
    fn empty_strings_and_impossible_values_become_absent() {
        let details: MovieDetails = serde_json::from_value(serde_json::json!({
            "id": 7, "title": "  ", "original_title": "Original", "release_date": "",
            "imdb_id": "", "runtime": 0, "popularity": -3.0, "vote_average": 11.0,
            "external_ids": {"imdb_id": "tt7"},
            "genres": [{"id": 0, "name": "Zero"}, {"id": 5, "name": ""}, {"id": 6, "name": "Six"}]
        }))
        .unwrap();
        let movie = movie(&details, Utc::now()).unwrap();
        assert_eq!(movie.title, "Original");
        assert_eq!(movie.release_date, None);
        assert_eq!(movie.runtime, None);
        assert_eq!(movie.popularity, 0.0);
        assert_eq!(movie.vote_average, 10.0);
        assert_eq!(movie.imdb_id.as_deref(), Some("tt7"));
        assert_eq!(movie.genres.len(), 1);
    }

    #[test]
    fn a_body_without_id_or_title_is_refused() {
        let no_id: MovieDetails =
            serde_json::from_value(serde_json::json!({"title": "x"})).unwrap();
        assert_eq!(movie(&no_id, Utc::now()), Err(MapError::NoId("movie")));
        let zero: MovieDetails =
            serde_json::from_value(serde_json::json!({"id": 0, "title": "x"})).unwrap();
        assert_eq!(movie(&zero, Utc::now()), Err(MapError::NoId("movie")));
        let no_title: MovieDetails = serde_json::from_value(serde_json::json!({"id": 3})).unwrap();
        assert_eq!(movie(&no_title, Utc::now()), Err(MapError::NoName("movie")));
        // Wrong types are a decode error, not a panic.
        assert!(serde_json::from_value::<MovieDetails>(serde_json::json!({"id": "3"})).is_err());
    }

    #[test]
    fn a_person_maps_their_filmography_newest_first() {
        let details: PersonDetails = fixture("person_9209005.json");
        let person = person(&details, Utc::now()).unwrap();
        assert_eq!(person.name, "Priya Anand-Holt");
        let years: Vec<_> = person.credits.iter().map(|c| c.release_date).collect();
        let mut sorted = years.clone();
        sorted.sort_by(|a, b| b.cmp(a));
        assert_eq!(years, sorted);
        assert!(person.credits.iter().all(|c| c.character.is_some()));
    }

    #[test]
    fn lists_and_genres_parse() {
        let page: MoviePage = fixture("movie_now_playing_page1.json");
        assert_eq!(page_ids(&page), [MovieId::new(9100104).unwrap()]);
        let genres = genres(&fixture("genre_movie_list.json"));
        assert_eq!(genres.len(), 5);
        assert!(page_ids(&serde_json::from_str(r#"{"results": null}"#).unwrap()).is_empty());
    }
}
