//! The award facts of the bundled sample (`shared/data/sample/awards.json`): each entry is
//! attached to its movie and to each of its people that the sample holds, as the same value on
//! every holder (see [`crate::stores::catalog::AwardStore`]).

use std::collections::HashMap;

use serde::Deserialize;

use super::sample::SampleError;
use crate::domain::{
    AwardBody, AwardEntry, AwardFor, AwardId, AwardSource, AwardYear, Movie, MovieId, Outcome,
    Person, PersonId,
};

/// One line of `awards.json`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SampleAward {
    award: AwardId,
    category: String,
    year: AwardYear,
    ceremony: String,
    outcome: Outcome,
    movie_id: MovieId,
    person_ids: Vec<PersonId>,
}

/// Parses `awards.json` and adds its entries to the movies and people they went to; an entry
/// naming a movie the sample lacks is a bug in the files.
pub(super) fn attach(
    awards_json: &str,
    movies: &mut HashMap<MovieId, Movie>,
    people: &mut HashMap<PersonId, Person>,
) -> Result<(), SampleError> {
    let malformed = |reason: String| SampleError::new("awards.json", reason);
    let awards: Vec<SampleAward> =
        serde_json::from_str(awards_json).map_err(|e| malformed(e.to_string()))?;
    for award in awards {
        let entry = AwardEntry {
            award: AwardBody::from(award.award),
            category: award.category,
            year: award.year,
            ceremony: award.ceremony,
            outcome: award.outcome,
            recipients: AwardFor {
                movie_id: Some(award.movie_id),
                person_ids: award.person_ids,
            },
            source: AwardSource::Sample,
        };
        let movie = movies
            .get_mut(&award.movie_id)
            .ok_or_else(|| malformed(format!("movie {} is not in the sample", award.movie_id)))?;
        for id in &entry.recipients.person_ids {
            if let Some(person) = people.get_mut(id) {
                person.awards.push(entry.clone());
            }
        }
        movie.awards.push(entry);
    }
    for movie in movies.values_mut() {
        movie.awards.sort_by(AwardEntry::listing_order);
    }
    for person in people.values_mut() {
        person.awards.sort_by(AwardEntry::listing_order);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::domain::{MovieId, Outcome, PersonId};
    use crate::import::SampleSource;

    #[test]
    fn the_bundled_awards_reach_movies_and_people() {
        let sample = SampleSource::bundled().expect("the bundled sample parses");
        let movies = sample.movie_list();
        let parasite = movies
            .iter()
            .find(|m| m.id == MovieId::new(496_243).expect("id"))
            .expect("Parasite");
        let wins: Vec<&str> = parasite
            .awards
            .iter()
            .filter(|a| a.outcome == Outcome::Won)
            .map(|a| a.category.as_str())
            .collect();
        assert_eq!(
            wins,
            [
                "Best Director",
                "Best International Feature Film",
                "Best Original Screenplay",
                "Best Picture",
                "Palme d'Or"
            ]
        );
        let bong = sample
            .person_list()
            .into_iter()
            .find(|p| p.id == PersonId::new(21_684).expect("id"))
            .expect("Bong Joon-ho");
        assert!(bong
            .awards
            .iter()
            .all(|a| a.recipients.movie_id == Some(parasite.id)));
        assert_eq!(bong.awards.len(), 4, "picture, director, screenplay, palme");
        let best_picture_wins = movies
            .iter()
            .filter(|m| {
                m.awards
                    .iter()
                    .any(|a| a.category == "Best Picture" && a.outcome == Outcome::Won)
            })
            .count();
        assert_eq!(best_picture_wins, 20);
    }
}
