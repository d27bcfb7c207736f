//! `GET /people/{id}/awards`: a person's wins and nominations, each naming its film.

use std::collections::HashMap;

use axum::extract::State;
use chrono::NaiveDate;
use serde::Serialize;
use shared::cache::ttl;
use shared::domain::{AwardCounts, AwardEntry, MovieId, Person, PersonId};
use shared::http::{CachedJson, PathId};
use shared::stores::{CatalogStore, StoreError};
use shared::{ApiError, AppState};

/// The film an entry was for.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AwardFilm {
    pub id: MovieId,
    pub title: String,
    pub release_date: Option<NaiveDate>,
}

/// An entry of a person's awards, with its film named.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonAwardEntry {
    #[serde(flatten)]
    pub entry: AwardEntry,
    /// The film it was for, when the catalog holds it.
    pub movie: Option<AwardFilm>,
}

/// `GET /people/{id}/awards`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonAwards {
    pub person_id: PersonId,
    pub wins: u64,
    /// Nominations, wins included.
    pub nominations: u64,
    /// Newest first.
    pub awards: Vec<PersonAwardEntry>,
}

/// Names each entry's film: from the person's own credits, else from the catalog (one query for
/// all the films the credits do not hold).
async fn with_films(
    catalog: &dyn CatalogStore,
    person: Person,
) -> Result<PersonAwards, StoreError> {
    let mut films: HashMap<MovieId, AwardFilm> = person
        .credits
        .iter()
        .map(|c| {
            (
                c.movie_id,
                AwardFilm {
                    id: c.movie_id,
                    title: c.title.clone(),
                    release_date: c.release_date,
                },
            )
        })
        .collect();
    let mut missing: Vec<MovieId> = person
        .awards
        .iter()
        .filter_map(|a| a.recipients.movie_id)
        .filter(|id| !films.contains_key(id))
        .collect();
    missing.sort();
    missing.dedup();
    for summary in catalog.movie_summaries(&missing).await? {
        films.insert(
            summary.id,
            AwardFilm {
                id: summary.id,
                title: summary.title,
                release_date: summary.release_date,
            },
        );
    }
    let AwardCounts { wins, nominations } = AwardCounts::of(&person.awards);
    Ok(PersonAwards {
        person_id: person.id,
        wins,
        nominations,
        awards: person
            .awards
            .into_iter()
            .map(|entry| PersonAwardEntry {
                movie: entry
                    .recipients
                    .movie_id
                    .and_then(|id| films.get(&id).cloned()),
                entry,
            })
            .collect(),
    })
}

/// A person's wins and nominations, newest first, each naming the film it was for.
#[utoipa::path(get, path = "/people/{id}/awards", tag = "awards",
    params(("id" = i64, Path, description = "TMDB person id")),
    responses(
        (status = 200, description = "The person's awards", body = PersonAwards),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such person"),
    ))]
pub async fn person_awards(
    State(state): State<AppState>,
    PathId(id): PathId<PersonId>,
) -> Result<CachedJson, ApiError> {
    let catalog = state.catalog()?;
    // A list entry: the films it names change with any catalog write, which drops every list.
    let key = state
        .cache()
        .list_key("person_awards", &id.to_string())
        .await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let person = catalog
                .person(id)
                .await?
                .ok_or_else(|| StoreError::NotFound("person".into()))?;
            with_films(catalog, person).await
        })
        .await?;
    Ok(CachedJson(bytes, status))
}
