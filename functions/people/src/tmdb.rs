//! The people half of the TMDB v3 read API: `/3/person/{id}` (with `append_to_response`
//! movie_credits and external_ids), its movie credits and external ids, `/3/person/popular` and
//! `/3/search/person`, over the native routes' cached person and store reads.

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use bytes::Bytes;
use serde::Serialize;
use shared::cache::{ttl, CacheStatus};
use shared::catalog_query::SearchText;
use shared::domain::{Person, PersonId, PersonSummary};
use shared::http::{CachedJson, Page};
use shared::stores::StoreError;
use shared::tmdb_v3::{
    ExternalIds, PersonDetails, PersonItem, PersonMovieCredits, TmdbError, TmdbPage, TmdbPathId,
    TmdbQuery,
};
use shared::AppState;

use crate::routes::cached_person;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/3/person/popular", get(popular))
        .route("/3/search/person", get(search))
        .route("/3/person/{id}", get(details))
        .route("/3/person/{id}/movie_credits", get(movie_credits))
        .route("/3/person/{id}/external_ids", get(external_ids))
}

fn json(value: &impl Serialize, status: CacheStatus) -> Result<CachedJson, TmdbError> {
    serde_json::to_vec(value)
        .map(|body| CachedJson(Bytes::from(body), status))
        .map_err(|e| TmdbError::Internal(e.to_string()))
}

fn person_external_ids(person: &Person, with_id: bool) -> ExternalIds {
    ExternalIds::new(with_id.then_some(person.id.get()), person.external_ids())
}

/// A person's filmography with each movie as TMDB lists show it. Cached under a list key: it
/// holds other documents (the movies), so any catalog write makes it unreachable.
async fn credits_of(state: &AppState, person: &Person) -> Result<(Bytes, CacheStatus), TmdbError> {
    let catalog = state.catalog()?;
    let key = state
        .cache()
        .list_key("tmdb:person_movie_credits", &person.id.to_string())
        .await;
    let answer = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let mut ids: Vec<_> = person.credits.iter().map(|c| c.movie_id).collect();
            ids.sort_unstable();
            ids.dedup();
            let movies = catalog.movies(&ids).await?;
            Ok::<_, StoreError>(PersonMovieCredits::new(person, &movies))
        })
        .await?;
    Ok(answer)
}

async fn details(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<PersonId>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let (person, status) = cached_person(&state, id).await?;
    let mut statuses = vec![status];
    let mut details = PersonDetails::new(&person);
    for part in query.appended() {
        let embedded = match part {
            "movie_credits" => {
                let (bytes, status) = credits_of(&state, &person).await?;
                statuses.push(status);
                // Appended, the part carries no id of its own, as TMDB sends it.
                serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(&bytes).map(
                    |mut credits| {
                        credits.remove("id");
                        serde_json::Value::Object(credits)
                    },
                )
            }
            "external_ids" => serde_json::to_value(person_external_ids(&person, false)),
            _ => continue,
        }
        .map_err(|e| TmdbError::Internal(e.to_string()))?;
        details.appended.insert(part.to_string(), embedded);
    }
    let status = if statuses.iter().all(|s| *s == CacheStatus::Hit) {
        CacheStatus::Hit
    } else {
        CacheStatus::Miss
    };
    json(&details, status)
}

async fn movie_credits(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<PersonId>,
) -> Result<CachedJson, TmdbError> {
    let (person, _) = cached_person(&state, id).await?;
    let (bytes, status) = credits_of(&state, &person).await?;
    Ok(CachedJson(bytes, status))
}

async fn external_ids(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<PersonId>,
) -> Result<CachedJson, TmdbError> {
    let (person, status) = cached_person(&state, id).await?;
    json(&person_external_ids(&person, true), status)
}

fn people_page(page: &Page<PersonSummary>) -> TmdbPage<PersonItem> {
    TmdbPage::around(page, page.results.iter().map(PersonItem::new).collect())
}

async fn popular(State(state): State<AppState>, query: TmdbQuery) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let catalog = state.catalog()?;
    let key = state
        .cache()
        .list_key("tmdb:people_popular", &page.page().to_string())
        .await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            Ok(people_page(&catalog.popular_people(page).await?))
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

/// TMDB answers an empty page, not an error, when there is no `query`.
async fn search(State(state): State<AppState>, query: TmdbQuery) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let Some(text) = query.parsed("query", SearchText::parse)? else {
        let empty = Page::<PersonSummary>::new(page, 0, Vec::new());
        return json(&people_page(&empty), CacheStatus::Miss);
    };
    let catalog = state.catalog()?;
    let params = format!("{}:{}", text.cache_key(), page.page());
    let key = state.cache().list_key("tmdb:people_search", &params).await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::SEARCH, || async move {
            Ok(people_page(&catalog.search_people(&text, page).await?))
        })
        .await?;
    Ok(CachedJson(bytes, status))
}
