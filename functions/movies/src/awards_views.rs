//! Answer shapes of the award routes, and the ceremony view built from a ceremony's entries.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::Serialize;
use shared::domain::{
    AwardBody, AwardCounts, AwardEntry, AwardId, AwardYear, MovieId, MovieSummary, Outcome,
    PersonId, PersonSummary,
};

/// `GET /movies/{id}/awards`, and `awards` in movie details.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MovieAwards {
    pub movie_id: MovieId,
    /// Wins.
    pub wins: u64,
    /// Nominations, wins included.
    pub nominations: u64,
    /// Newest first.
    pub awards: Vec<AwardEntry>,
}

impl MovieAwards {
    pub fn new(movie_id: MovieId, awards: Vec<AwardEntry>) -> Self {
        let AwardCounts { wins, nominations } = AwardCounts::of(&awards);
        Self {
            movie_id,
            wins,
            nominations,
            awards,
        }
    }
}

/// One award body with what the catalog holds of it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AwardBodySummary {
    pub id: AwardId,
    pub name: String,
    pub wins: u64,
    /// Nominations, wins included.
    pub nominations: u64,
}

/// `GET /awards`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AwardBodyList {
    pub awards: Vec<AwardBodySummary>,
}

impl AwardBodyList {
    /// Every known body, with zero counts for those the catalog holds nothing of.
    pub fn new(counts: Vec<(AwardId, AwardCounts)>) -> Self {
        let counts: HashMap<AwardId, AwardCounts> = counts.into_iter().collect();
        Self {
            awards: AwardId::all()
                .map(|id| {
                    let count = counts.get(&id).copied().unwrap_or_default();
                    AwardBodySummary {
                        name: id.name().to_string(),
                        id,
                        wins: count.wins,
                        nominations: count.nominations,
                    }
                })
                .collect(),
        }
    }
}

/// A movie as a ceremony names it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NomineeMovie {
    pub id: MovieId,
    pub title: String,
    pub release_date: Option<NaiveDate>,
}

/// A person as a ceremony names them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NomineePerson {
    pub id: PersonId,
    pub name: String,
}

/// One nominee (or winner) of a category.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Nominee {
    pub outcome: Outcome,
    /// The film, when the catalog holds it.
    pub movie: Option<NomineeMovie>,
    /// The people it went to that the catalog holds.
    pub people: Vec<NomineePerson>,
}

/// One category of a ceremony: winners first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CeremonyCategory {
    pub category: String,
    pub nominees: Vec<Nominee>,
}

/// `GET /awards/{award_id}/{year}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Ceremony {
    pub award: AwardBody,
    pub year: AwardYear,
    /// The ceremony's name (`96th Academy Awards`).
    pub ceremony: String,
    pub wins: u64,
    pub nominations: u64,
    /// By category name.
    pub categories: Vec<CeremonyCategory>,
}

impl Ceremony {
    /// The view of `entries` (one ceremony's, non-empty), with the titles and names of the
    /// `movies` and `people` they name.
    pub fn new(
        award: AwardId,
        year: AwardYear,
        entries: Vec<AwardEntry>,
        movies: &[MovieSummary],
        people: &[PersonSummary],
    ) -> Self {
        let movies: HashMap<MovieId, &MovieSummary> = movies.iter().map(|m| (m.id, m)).collect();
        let people: HashMap<PersonId, &PersonSummary> = people.iter().map(|p| (p.id, p)).collect();
        let counts = AwardCounts::of(&entries);
        let ceremony = entries
            .iter()
            .map(|e| e.ceremony.clone())
            .min()
            .unwrap_or_default();
        let mut categories: BTreeMap<String, Vec<Nominee>> = BTreeMap::new();
        let mut entries = entries;
        entries.sort_by(|a, b| {
            a.outcome
                .cmp(&b.outcome)
                .then(a.recipients.movie_id.cmp(&b.recipients.movie_id))
        });
        for entry in entries {
            let movie = entry
                .recipients
                .movie_id
                .and_then(|id| movies.get(&id))
                .map(|m| NomineeMovie {
                    id: m.id,
                    title: m.title.clone(),
                    release_date: m.release_date,
                });
            let named = entry
                .recipients
                .person_ids
                .iter()
                .filter_map(|id| people.get(id))
                .map(|p| NomineePerson {
                    id: p.id,
                    name: p.name.clone(),
                })
                .collect();
            categories.entry(entry.category).or_default().push(Nominee {
                outcome: entry.outcome,
                movie,
                people: named,
            });
        }
        Self {
            award: AwardBody::from(award),
            year,
            ceremony,
            wins: counts.wins,
            nominations: counts.nominations,
            categories: categories
                .into_iter()
                .map(|(category, nominees)| CeremonyCategory { category, nominees })
                .collect(),
        }
    }
}

/// `GET /find/{external_id}`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct FindResults {
    pub movie_results: Vec<MovieSummary>,
    pub person_results: Vec<PersonSummary>,
}
