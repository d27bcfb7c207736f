//! Each generated movie and person, as a pure function of its id (and the seed): the generator
//! can make them in any order, and the verification after generation can make one again and
//! compare it with what the store reads back.

use chrono::{DateTime, NaiveDate, Utc};
use shared::domain::{
    CastMember, Credits, CrewMember, Genre, GenreId, Keyword, Movie, MovieId, MovieSource, Person,
    PersonCredit, PersonId, RatingSummary,
};

use crate::config::{Sizes, SEED};
use crate::rng::Rng;
use crate::words::{
    capitalised, tail_word, word, COMMON_TITLE_WORDS, FIRST_NAMES, RARE_NAME, RARE_TITLE_COUNT,
    RARE_TITLE_WORD,
};

/// Streams of the seed, one per kind of value.
const MOVIE_STREAM: u64 = 1;
const TITLE_STREAM: u64 = 2;
const PERSON_STREAM: u64 = 3;
const NAME_STREAM: u64 = 4;
const DATE_STREAM: u64 = 5;

/// TMDB's movie genres with their share of movies (a movie has one to three).
pub const GENRES: [(i64, &str, u32); 19] = [
    (18, "Drama", 300),
    (35, "Comedy", 200),
    (99, "Documentary", 120),
    (53, "Thriller", 80),
    (27, "Horror", 80),
    (10749, "Romance", 70),
    (28, "Action", 70),
    (80, "Crime", 50),
    (16, "Animation", 40),
    (10751, "Family", 30),
    (10402, "Music", 30),
    (878, "Science Fiction", 30),
    (14, "Fantasy", 25),
    (12, "Adventure", 25),
    (9648, "Mystery", 20),
    (10770, "TV Movie", 20),
    (36, "History", 15),
    (10752, "War", 10),
    (37, "Western", 8),
];

const LANGUAGES: [(&str, u32); 12] = [
    ("en", 500),
    ("fr", 70),
    ("es", 60),
    ("de", 50),
    ("ja", 50),
    ("it", 30),
    ("ru", 30),
    ("zh", 30),
    ("ko", 25),
    ("hi", 25),
    ("pt", 25),
    ("sv", 10),
];

/// Distinct keywords; each movie has up to eight, the first ones common ("woman director").
pub const KEYWORDS: u64 = 40_000;
/// The generation time every `updated_at` carries (fixed, so documents are reproducible).
const UPDATED_AT: i64 = 1_764_000_000;

/// A movie's title: a common word or two in some, made-up words, and the rare word in a few.
pub fn title(sizes: &Sizes, id: u64) -> String {
    let mut rng = Rng::for_item(SEED, TITLE_STREAM, id);
    let mut words: Vec<String> = Vec::with_capacity(5);
    for (common, per_mille) in COMMON_TITLE_WORDS {
        if rng.below(1000) < per_mille {
            words.push(common.to_string());
        }
    }
    for _ in 0..=rng.below(3) {
        words.push(tail_word(&mut rng));
    }
    if rare_title(sizes, id) {
        words.push(RARE_TITLE_WORD.to_string());
    }
    words
        .iter()
        .map(|w| capitalised(w))
        .collect::<Vec<_>>()
        .join(" ")
}

fn rare_title(sizes: &Sizes, id: u64) -> bool {
    (1..=RARE_TITLE_COUNT).any(|k| id == sizes.movies * k / (RARE_TITLE_COUNT + 1))
}

/// Release dates lean recent, as TMDB's do; one movie in fifty has none.
pub fn release_date(id: u64) -> Option<NaiveDate> {
    let mut rng = Rng::for_item(SEED, DATE_STREAM, id);
    if rng.below(50) == 0 {
        return None;
    }
    let years_back = i32::try_from(rng.skewed(126, 2.0)).unwrap_or(0);
    let day = u32::try_from(rng.below(365)).unwrap_or(0);
    NaiveDate::from_yo_opt(2025 - years_back, day + 1)
}

/// Person `id`'s name; the first names skewed (many Johns), two people named [`RARE_NAME`].
pub fn person_name(sizes: &Sizes, id: u64) -> String {
    let mut rng = Rng::for_item(SEED, NAME_STREAM, id);
    let first =
        FIRST_NAMES[usize::try_from(rng.skewed(FIRST_NAMES.len() as u64, 2.0)).unwrap_or(0)];
    let last = if id == sizes.people / 3 || id == sizes.people * 2 / 3 {
        RARE_NAME.to_string()
    } else {
        tail_word(&mut rng)
    };
    format!("{} {}", capitalised(first), capitalised(&last))
}

/// A person credited in a movie: a few appear in thousands of movies, most in one or two.
fn credited_person(sizes: &Sizes, rng: &mut Rng) -> u64 {
    scatter(rng.skewed(sizes.people, 2.0), sizes.people)
}

/// Spreads a rank over the ids 1..=n, so the most credited people (or reviewed movies) are
/// not the lowest ids.
pub fn scatter(rank: u64, n: u64) -> u64 {
    const STRIDE: u64 = 1_000_003; // prime: a permutation of 0..n for any n it does not divide
    let stride = if n.is_multiple_of(STRIDE) { 1 } else { STRIDE };
    (u128::from(rank) * u128::from(stride) % u128::from(n)) as u64 + 1
}

/// How a person is credited in a movie, for their filmography.
#[derive(Clone, Copy)]
pub enum Role {
    Cast(u8),
    Director,
    Writer,
}

/// Movie `id` with `rating` (the reviews store's aggregate), and its credits as (person, role).
/// `None` only for id 0, which is never generated.
pub fn movie(sizes: &Sizes, id: u64, rating: RatingSummary) -> Option<(Movie, Vec<(u64, Role)>)> {
    let mut rng = Rng::for_item(SEED, MOVIE_STREAM, id);
    let genre_table: Vec<(usize, u32)> = GENRES
        .iter()
        .enumerate()
        .map(|(i, (_, _, w))| (i, *w))
        .collect();
    let mut genres: Vec<Genre> = Vec::with_capacity(3);
    for _ in 0..=rng.below(3) {
        let (gid, name, _) = GENRES[*rng.weighted(&genre_table)];
        if let Some(gid) = GenreId::new(gid) {
            if !genres.iter().any(|g| g.id == gid) {
                genres.push(Genre {
                    id: gid,
                    name: name.to_string(),
                });
            }
        }
    }
    let mut keywords: Vec<Keyword> = Vec::new();
    for _ in 0..rng.below(9) {
        let kid = rng.skewed(KEYWORDS, 2.5) + 1;
        if !keywords.iter().any(|k| k.id == kid as i64) {
            keywords.push(Keyword {
                id: kid as i64,
                name: word(kid + 7_000),
            });
        }
    }
    let mut people: Vec<(u64, Role)> = Vec::with_capacity(14);
    let cast_size = 4 + rng.below(9);
    for order in 0..cast_size {
        let person = credited_person(sizes, &mut rng);
        if !people.iter().any(|(p, _)| *p == person) {
            people.push((person, Role::Cast(u8::try_from(order).unwrap_or(u8::MAX))));
        }
    }
    for role in [Role::Director, Role::Writer] {
        let person = credited_person(sizes, &mut rng);
        if !people.iter().any(|(p, _)| *p == person) {
            people.push((person, role));
        }
    }
    let cast = people
        .iter()
        .filter_map(|&(person, role)| match role {
            Role::Cast(order) => Some(CastMember {
                person_id: PersonId::new(person as i64)?,
                name: person_name(sizes, person),
                character: Some(capitalised(&word(person % 5_000 + 9_000))),
                order: u32::from(order),
                profile_path: Some(format!("/p{person}.jpg")),
            }),
            _ => None,
        })
        .collect();
    let crew = people
        .iter()
        .filter_map(|&(person, role)| {
            let (job, department) = match role {
                Role::Director => ("Director", "Directing"),
                Role::Writer => ("Screenplay", "Writing"),
                Role::Cast(_) => return None,
            };
            Some(CrewMember {
                person_id: PersonId::new(person as i64)?,
                name: person_name(sizes, person),
                job: job.into(),
                department: department.into(),
                profile_path: None,
            })
        })
        .collect();
    let language = (*rng.weighted(&LANGUAGES)).to_string();
    // Popularity and votes are heavy-tailed: most movies are obscure, a few very popular.
    let popularity = (0.6 / rng.unit().max(1e-9).powf(0.9)).min(5_000.0);
    let vote_count = ((8.0 / rng.unit().max(1e-9).powf(1.1)) as u64).saturating_sub(8);
    let vote_average = if vote_count == 0 {
        0.0
    } else {
        ((3.0 + rng.unit() * 3.0 + rng.unit() * 3.0) * 10.0).round() / 10.0
    };
    let overview_words = 10 + rng.below(15);
    let overview = (0..overview_words)
        .map(|_| tail_word(&mut rng))
        .collect::<Vec<_>>()
        .join(" ");
    let title = title(sizes, id);
    let movie = Movie {
        id: MovieId::new(i64::try_from(id).ok()?)?,
        original_title: Some(title.clone()),
        title,
        overview: Some(capitalised(&overview) + "."),
        tagline: Some(capitalised(&tail_word(&mut rng))),
        release_date: release_date(id),
        runtime: Some(70 + u32::try_from(rng.below(90)).unwrap_or(0)),
        genres,
        spoken_languages: vec![language.clone()],
        original_language: Some(language),
        production_countries: vec!["US".into()],
        production_companies: vec![capitalised(&word(rng.skewed(5_000, 2.0) + 20_000))],
        poster_path: Some(format!("/m{id}.jpg")),
        backdrop_path: Some(format!("/b{id}.jpg")),
        popularity: (popularity * 1000.0).round() / 1000.0,
        vote_average,
        vote_count,
        imdb_id: Some(format!("tt{:08}", id)),
        wikidata_id: None,
        keywords,
        credits: Credits { cast, crew },
        source: MovieSource::Tmdb,
        updated_at: updated_at(),
        rating,
        awards: Vec::new(),
    };
    Some((movie, people))
}

/// Person `id`, credited in `credits` (movie, role) (the first few of their filmography).
/// `None` only for id 0, which is never generated.
pub fn person(sizes: &Sizes, id: u64, credits: &[(u32, Role)]) -> Option<Person> {
    let mut rng = Rng::for_item(SEED, PERSON_STREAM, id);
    let departments = [
        ("Acting", 85),
        ("Directing", 6),
        ("Writing", 6),
        ("Production", 3),
    ];
    let department = *rng.weighted(&departments);
    Some(Person {
        id: PersonId::new(i64::try_from(id).ok()?)?,
        name: person_name(sizes, id),
        also_known_as: Vec::new(),
        biography: Some(capitalised(
            &(0..8)
                .map(|_| tail_word(&mut rng))
                .collect::<Vec<_>>()
                .join(" "),
        )),
        birthday: NaiveDate::from_yo_opt(1920 + i32::try_from(rng.below(85)).unwrap_or(0), 1),
        deathday: None,
        place_of_birth: Some(capitalised(&word(rng.skewed(3_000, 2.0) + 30_000))),
        profile_path: Some(format!("/p{id}.jpg")),
        known_for_department: Some(department.to_string()),
        popularity: ((0.3 / rng.unit().max(1e-9).powf(0.9)).min(2_000.0) * 1000.0).round() / 1000.0,
        credits: credits
            .iter()
            .filter_map(|&(movie, role)| {
                Some(PersonCredit {
                    movie_id: MovieId::new(i64::from(movie))?,
                    title: title(sizes, u64::from(movie)),
                    release_date: release_date(u64::from(movie)),
                    character: matches!(role, Role::Cast(_))
                        .then(|| capitalised(&word(id % 5_000 + 9_000))),
                    job: match role {
                        Role::Director => Some("Director".into()),
                        Role::Writer => Some("Screenplay".into()),
                        Role::Cast(_) => None,
                    },
                    department: match role {
                        Role::Director => Some("Directing".into()),
                        Role::Writer => Some("Writing".into()),
                        Role::Cast(_) => None,
                    },
                })
            })
            .collect(),
        updated_at: updated_at(),
        imdb_id: Some(format!("nm{:08}", id)),
        wikidata_id: None,
        awards: Vec::new(),
    })
}

fn updated_at() -> DateTime<Utc> {
    DateTime::from_timestamp(UPDATED_AT, 0).unwrap_or_default()
}
