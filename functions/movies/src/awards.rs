//! `GET /movies/{id}/awards`, `GET /awards`, `GET /awards/{award_id}/{year}` and
//! `GET /find/{external_id}`. Each answer is cached: a movie's awards with the movie, the
//! others as list pages (dropped by every catalog write).

use axum::extract::{FromRequestParts, RawPathParams, State};
use axum::http::request::Parts;
use bytes::Bytes;
use shared::cache::{ttl, CacheStatus};
use shared::domain::{AwardId, AwardYear, ExternalId, ImdbId, MovieId, WikidataId};
use shared::http::{CachedJson, PathId, Query};
use shared::stores::StoreError;
use shared::{ApiError, AppState};

use crate::awards_views::{AwardBodyList, Ceremony, FindResults, MovieAwards};
use crate::cached;
use crate::params::FindQuery;

/// A movie's wins and nominations, newest first.
#[utoipa::path(get, path = "/movies/{id}/awards", tag = "awards",
    params(("id" = i64, Path, description = "TMDB movie id")),
    responses(
        (status = 200, description = "The movie's awards", body = MovieAwards),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such movie"),
    ))]
pub async fn movie_awards(
    State(state): State<AppState>,
    PathId(id): PathId<MovieId>,
) -> Result<CachedJson, ApiError> {
    let (movie, status) = cached::movie(&state, id).await?;
    let body = serde_json::to_vec(&MovieAwards::new(movie.id, movie.awards))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(CachedJson(Bytes::from(body), status))
}

/// The award bodies MovieVerse knows, with the wins and nominations the catalog holds.
#[utoipa::path(get, path = "/awards", tag = "awards",
    responses((status = 200, description = "The award bodies", body = AwardBodyList)))]
pub async fn award_bodies(State(state): State<AppState>) -> Result<CachedJson, ApiError> {
    let catalog = state.catalog()?;
    let key = state.cache().list_key("awards", "all").await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            Ok(AwardBodyList::new(catalog.award_counts().await?))
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

/// `/awards/{award_id}/{year}`: a known award body and a ceremony year, else a 404 or 400 in
/// problem+json.
pub struct CeremonyPath {
    award: AwardId,
    year: AwardYear,
}

impl<S: Send + Sync> FromRequestParts<S> for CeremonyPath {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let raw = RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|_| ApiError::BadRequest("the path is not valid UTF-8".into()))?;
        let value = |name: &str| {
            raw.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| value.to_string())
                .ok_or_else(|| ApiError::NotFound("this path".into()))
        };
        let award = AwardId::parse(&value("award_id")?)
            .map_err(|reason| ApiError::NotFound(format!("the award ({reason})")))?;
        let year = AwardYear::parse(&value("year")?)
            .map_err(|reason| ApiError::BadRequest(format!("the year in the path {reason}")))?;
        Ok(Self { award, year })
    }
}

/// One ceremony, category by category: nominees and winners with titles and names.
#[utoipa::path(get, path = "/awards/{award_id}/{year}", tag = "awards",
    params(
        ("award_id" = String, Path, description = "Award body id, e.g. academy-awards"),
        ("year" = i32, Path, description = "Ceremony year"),
    ),
    responses(
        (status = 200, description = "The ceremony", body = Ceremony),
        (status = 400, description = "The year is not a year"),
        (status = 404, description = "Unknown award body, or the catalog holds nothing of that ceremony"),
    ))]
pub async fn ceremony(
    State(state): State<AppState>,
    CeremonyPath { award, year }: CeremonyPath,
) -> Result<CachedJson, ApiError> {
    let catalog = state.catalog()?;
    let key = state
        .cache()
        .list_key("ceremony", &format!("{award}:{year}"))
        .await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let entries = catalog.ceremony_entries(&award, year).await?;
            if entries.is_empty() {
                return Err(StoreError::NotFound("that ceremony".into()));
            }
            let mut movie_ids: Vec<MovieId> = entries
                .iter()
                .filter_map(|e| e.recipients.movie_id)
                .collect();
            movie_ids.sort();
            movie_ids.dedup();
            let mut person_ids: Vec<_> = entries
                .iter()
                .flat_map(|e| e.recipients.person_ids.iter().copied())
                .collect();
            person_ids.sort();
            person_ids.dedup();
            // One query for the movies, one for the people, whatever the size of the ceremony.
            let movies = catalog.movie_summaries(&movie_ids).await?;
            let people = catalog.person_summaries(&person_ids).await?;
            Ok(Ceremony::new(award, year, entries, &movies, &people))
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

/// Which kind of id `GET /find/{external_id}` is asked to look up.
#[derive(Debug, Clone, Copy)]
enum Source {
    Imdb,
    Wikidata,
}

/// Movies and people by their IMDb or Wikidata id.
#[utoipa::path(get, path = "/find/{external_id}", tag = "awards",
    params(("external_id" = String, Path, description = "An IMDb id (tt…, nm…) or a Wikidata id (Q…)"), FindQuery),
    responses(
        (status = 200, description = "What carries that id (possibly nothing)", body = FindResults),
        (status = 422, description = "Missing or unknown external_source, or an id of neither form"),
    ))]
pub async fn find(
    State(state): State<AppState>,
    raw: RawPathParams,
    Query(query): Query<FindQuery>,
) -> Result<CachedJson, ApiError> {
    let text = raw
        .iter()
        .find(|(key, _)| *key == "external_id")
        .map(|(_, value)| value.to_string())
        .ok_or_else(|| ApiError::NotFound("this path".into()))?;
    let wanted = match query.external_source.as_deref().map(str::trim) {
        Some("imdb_id") => Source::Imdb,
        Some("wikidata_id") => Source::Wikidata,
        Some(_) => {
            return Err(ApiError::validation(
                "external_source",
                "must be imdb_id or wikidata_id",
            ))
        }
        None => return Err(ApiError::validation("external_source", "is required")),
    };
    // The document describes the id's form without its source (a schema cannot tie the two),
    // so an id of the other source's form is a valid question with no answer.
    let id = ImdbId::parse(&text)
        .map(ExternalId::Imdb)
        .or_else(|_| WikidataId::parse(&text).map(ExternalId::Wikidata))
        .map_err(|_| {
            ApiError::validation(
                "external_id",
                "must be an IMDb id (tt or nm and 7 to 10 digits) or a Wikidata id (Q and digits)",
            )
        })?;
    let of_wanted_source = matches!(
        (&id, wanted),
        (ExternalId::Imdb(_), Source::Imdb) | (ExternalId::Wikidata(_), Source::Wikidata)
    );
    if !of_wanted_source {
        let nothing = FindResults {
            movie_results: Vec::new(),
            person_results: Vec::new(),
        };
        let bytes = serde_json::to_vec(&nothing).map_err(|e| ApiError::Internal(e.to_string()))?;
        return Ok(CachedJson(Bytes::from(bytes), CacheStatus::Miss));
    }
    let (source, value) = match &id {
        ExternalId::Imdb(id) => ("imdb", id.as_str().to_string()),
        ExternalId::Wikidata(id) => ("wikidata", id.as_str().to_string()),
    };
    let catalog = state.catalog()?;
    let key = state
        .cache()
        .list_key("find", &format!("{source}:{value}"))
        .await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let found = catalog.find_by_external_id(&id).await?;
            Ok(FindResults {
                movie_results: found.movies,
                person_results: found.people,
            })
        })
        .await?;
    Ok(CachedJson(bytes, status))
}
