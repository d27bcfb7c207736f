//! What similarity looks at in a movie: its genres, keywords, directors and top-billed cast,
//! beside the summary a list shows.

use serde::{Deserialize, Serialize};

use crate::domain::{GenreId, Movie, MovieId, MovieSummary, PersonId};

/// Cast members billed this high (order 0 first) count as "top-billed".
pub const TOP_BILLED: u32 = 5;

/// The parts of a movie that similarity compares, and its summary.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MovieFeatures {
    pub summary: MovieSummary,
    pub genres: Vec<GenreId>,
    pub keywords: Vec<i64>,
    pub directors: Vec<PersonId>,
    pub top_cast: Vec<PersonId>,
}

impl MovieFeatures {
    pub fn id(&self) -> MovieId {
        self.summary.id
    }

    /// Features read as parts (a store that extracts them without decoding whole documents);
    /// the genres are the summary's.
    pub fn from_parts(
        summary: MovieSummary,
        keywords: Vec<i64>,
        directors: Vec<PersonId>,
        top_cast: Vec<PersonId>,
    ) -> Self {
        Self {
            genres: distinct(summary.genre_ids.iter().filter_map(|&id| GenreId::new(id))),
            keywords: distinct(keywords.into_iter()),
            directors: distinct(directors.into_iter()),
            top_cast: distinct(top_cast.into_iter()),
            summary,
        }
    }

    pub fn from_movie(movie: &Movie) -> Self {
        let mut top_cast: Vec<&crate::domain::CastMember> = movie
            .credits
            .cast
            .iter()
            .filter(|c| c.order < TOP_BILLED)
            .collect();
        top_cast.sort_by_key(|c| c.order);
        Self {
            summary: movie.summary(),
            genres: distinct(movie.genres.iter().map(|g| g.id)),
            keywords: distinct(movie.keywords.iter().map(|k| k.id)),
            directors: distinct(
                movie
                    .credits
                    .crew
                    .iter()
                    .filter(|c| c.job == "Director")
                    .map(|c| c.person_id),
            ),
            top_cast: distinct(top_cast.iter().map(|c| c.person_id)),
        }
    }
}

fn distinct<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut out: Vec<T> = Vec::new();
    for item in items {
        if !out.contains(&item) {
            out.push(item);
        }
    }
    out
}

/// Which movies to fetch as candidates: those sharing a keyword or person ("specific" matches,
/// fetched first), then those sharing only a genre, most popular first, never one of `exclude`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CandidateProbe {
    pub genres: Vec<GenreId>,
    pub keywords: Vec<i64>,
    pub people: Vec<PersonId>,
    pub exclude: Vec<MovieId>,
}

impl CandidateProbe {
    /// Everything that `seeds` are made of, excluding the seeds themselves.
    pub fn around<'a>(seeds: impl IntoIterator<Item = &'a MovieFeatures>) -> Self {
        let mut probe = Self::default();
        for seed in seeds {
            probe.genres.extend(&seed.genres);
            probe.keywords.extend(&seed.keywords);
            probe.people.extend(&seed.directors);
            probe.people.extend(&seed.top_cast);
            probe.exclude.push(seed.id());
        }
        probe.dedup();
        probe
    }

    pub fn dedup(&mut self) {
        fn sort<T: Ord>(items: &mut Vec<T>) {
            items.sort_unstable();
            items.dedup();
        }
        sort(&mut self.genres);
        sort(&mut self.keywords);
        sort(&mut self.people);
        sort(&mut self.exclude);
    }

    pub fn is_empty(&self) -> bool {
        self.genres.is_empty() && self.keywords.is_empty() && self.people.is_empty()
    }
}
