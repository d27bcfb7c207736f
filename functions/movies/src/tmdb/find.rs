//! `/3/find/{external_id}?external_source=…`: movies and people by IMDb or Wikidata id, through
//! the catalog's external-id lookup (`AwardStore::find_by_external_id`), as `/find` reads it.

use axum::extract::{Path, State};
use serde::Serialize;
use shared::cache::{ttl, CacheStatus};
use shared::domain::{ExternalId, ImdbId, WikidataId};
use shared::http::CachedJson;
use shared::stores::StoreError;
use shared::tmdb_v3::{MovieItem, PersonItem, TmdbError, TmdbQuery};
use shared::AppState;

use super::pages::{items, MediaType};

/// External sources TMDB knows and MovieVerse keeps no ids of: nothing is ever found by them.
const UNHELD_SOURCES: [&str; 7] = [
    "facebook_id",
    "instagram_id",
    "tiktok_id",
    "tvdb_id",
    "twitter_id",
    "youtube_id",
    "tvrage_id",
];

/// TMDB's find answer; MovieVerse holds no TV, so those lists are always empty.
#[derive(Debug, Serialize)]
struct FindResults {
    movie_results: Vec<MovieItem>,
    person_results: Vec<PersonItem>,
    tv_results: [(); 0],
    tv_episode_results: [(); 0],
    tv_season_results: [(); 0],
}

impl FindResults {
    fn nothing() -> Self {
        Self {
            movie_results: Vec::new(),
            person_results: Vec::new(),
            tv_results: [],
            tv_episode_results: [],
            tv_season_results: [],
        }
    }
}

pub async fn find(
    State(state): State<AppState>,
    Path(text): Path<String>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let parsed = match query.get("external_source").map(str::trim) {
        Some("imdb_id") => ImdbId::parse(&text).map(ExternalId::Imdb),
        Some("wikidata_id") => WikidataId::parse(&text).map(ExternalId::Wikidata),
        Some(source) if UNHELD_SOURCES.contains(&source) => Err(String::new()),
        _ => return Err(TmdbError::InvalidParameter("external_source".into())),
    };
    // An id of the wrong form finds nothing, as at TMDB; it never reaches the store.
    let Ok(id) = parsed else {
        return json(&FindResults::nothing());
    };
    let (source, value) = match &id {
        ExternalId::Imdb(id) => ("imdb", id.as_str().to_string()),
        ExternalId::Wikidata(id) => ("wikidata", id.as_str().to_string()),
    };
    let catalog = state.catalog()?;
    let key = state
        .cache()
        .list_key("tmdb:find", &format!("{source}:{value}"))
        .await;
    let state_ref = &state;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let found = catalog.find_by_external_id(&id).await?;
            let movies = items(state_ref, &found.movies, MediaType::Shown).await?;
            Ok::<_, StoreError>(FindResults {
                movie_results: movies,
                person_results: found
                    .people
                    .iter()
                    .map(|p| PersonItem::new(p).with_media_type())
                    .collect(),
                ..FindResults::nothing()
            })
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

fn json(value: &impl Serialize) -> Result<CachedJson, TmdbError> {
    serde_json::to_vec(value)
        .map(|body| CachedJson(body.into(), CacheStatus::Miss))
        .map_err(|e| TmdbError::Internal(e.to_string()))
}
