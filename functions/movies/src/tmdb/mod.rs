//! The TMDB v3 read API under `/3` (all of it but `/3/person/…` and `/3/search/person`, which the
//! people function answers): TMDB's paths and shapes over the native routes' store reads and
//! cache entries. API Gateway sends every `/3/…` path here through one greedy route; what TMDB has
//! and MovieVerse does not (TV, collections, …) is TMDB's 404.

mod discover;
mod find;
mod lists;
mod movie;
mod pages;
mod search;

use axum::extract::State;
use axum::routing::get;
use axum::Router;
use shared::cache::ttl;
use shared::domain::{AppSettings, Genre};
use shared::http::CachedJson;
use shared::tmdb_v3::{
    Configuration, GenreList, ImageConfiguration, LanguageEntry, TmdbError, LANGUAGES,
};
use shared::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/3/movie/popular", get(lists::popular))
        .route("/3/movie/top_rated", get(lists::top_rated))
        .route("/3/movie/now_playing", get(lists::now_playing))
        .route("/3/movie/upcoming", get(lists::upcoming))
        .route("/3/movie/{id}", get(movie::details))
        .route("/3/movie/{id}/credits", get(movie::credits))
        .route("/3/movie/{id}/keywords", get(movie::movie_keywords))
        .route("/3/movie/{id}/external_ids", get(movie::movie_external_ids))
        .route(
            "/3/movie/{id}/release_dates",
            get(movie::movie_release_dates),
        )
        .route("/3/movie/{id}/similar", get(movie::similar_movies))
        // TMDB still answers the old `similar_movies` name, and client libraries call it.
        .route("/3/movie/{id}/similar_movies", get(movie::similar_movies))
        .route("/3/movie/{id}/recommendations", get(movie::similar_movies))
        .route("/3/movie/{id}/reviews", get(movie::reviews))
        .route("/3/trending/movie/{window}", get(lists::trending))
        .route("/3/discover/movie", get(lists::discover))
        .route("/3/search/movie", get(search::movies))
        .route("/3/search/multi", get(search::multi))
        .route("/3/genre/movie/list", get(genres))
        .route("/3/configuration", get(configuration))
        .route("/3/configuration/languages", get(languages))
        .route("/3/find/{external_id}", get(find::find))
        .route("/3/{*rest}", get(not_found))
}

/// Every other `/3` path: TMDB's own 404, never the native problem+json.
async fn not_found() -> TmdbError {
    TmdbError::NotFound
}

/// An answer built without any store or cache read: as cheap as a hit, so it says `hit`.
fn json(value: &impl serde::Serialize) -> Result<CachedJson, TmdbError> {
    serde_json::to_vec(value)
        .map(|body| CachedJson(body.into(), shared::cache::CacheStatus::Hit))
        .map_err(|e| TmdbError::Internal(e.to_string()))
}

async fn genres(State(state): State<AppState>) -> Result<CachedJson, TmdbError> {
    let catalog = state.catalog()?;
    let key = state.cache().list_key("tmdb:genres", "all").await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let genres = catalog.genres_with_counts().await?;
            Ok(GenreList {
                genres: genres
                    .into_iter()
                    .map(|g| Genre {
                        id: g.id,
                        name: g.name,
                    })
                    .collect(),
            })
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

/// The image service the catalog's paths point into, from the app settings (`/config`).
async fn configuration(State(state): State<AppState>) -> Result<CachedJson, TmdbError> {
    let CachedJson(bytes, status) = crate::settings::get_config(State(state)).await?;
    let settings: AppSettings = serde_json::from_slice(&bytes)
        .map_err(|e| TmdbError::Internal(format!("cached settings: {e}")))?;
    let CachedJson(body, _) = json(&Configuration {
        change_keys: Vec::new(),
        images: ImageConfiguration::new(&settings.image_base_url),
    })?;
    Ok(CachedJson(body, status))
}

async fn languages() -> Result<CachedJson, TmdbError> {
    let entries: Vec<LanguageEntry> = LANGUAGES
        .iter()
        .map(|&(iso_639_1, english_name, name)| LanguageEntry {
            iso_639_1,
            english_name,
            name,
        })
        .collect();
    json(&entries)
}
