//! Cache-aside reads shared by the routes: what each one caches, under which key, for how long.

use shared::cache::{ttl, CacheStatus};
use shared::catalog_query::DiscoverQuery;
use shared::domain::{Movie, MovieId, MovieSummary};
use shared::http::{Page, PageRequest};
use shared::stores::StoreError;
use shared::{ApiError, AppState};

use crate::params::Append;
use crate::views::MovieDetails;

/// A movie document from the cache or the store; 404 when it does not exist.
pub async fn movie(state: &AppState, id: MovieId) -> Result<(Movie, CacheStatus), ApiError> {
    let catalog = state.catalog()?;
    let key = state.cache().movie_key(id);
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::DETAILS, || async move {
            catalog
                .movie(id)
                .await?
                .ok_or_else(|| StoreError::NotFound("movie".into()))
        })
        .await?;
    let movie = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::Internal(format!("cached movie {id}: {e}")))?;
    Ok((movie, status))
}

/// The details of a movie with the parts `append` asks for, `similar` aside, as the bytes
/// sent: cached in that rendered form, so a hit (the hottest read of the API) is answered
/// without decoding the movie document.
pub async fn details(
    state: &AppState,
    id: MovieId,
    append: Append,
) -> Result<(bytes::Bytes, CacheStatus), ApiError> {
    let catalog = state.catalog()?;
    let key = state.cache().details_key(id, append.details_variant());
    let answer = state
        .cache()
        .get_or_load_json(&key, ttl::DETAILS, || async move {
            let movie = catalog
                .movie(id)
                .await?
                .ok_or_else(|| StoreError::NotFound("movie".into()))?;
            Ok(MovieDetails::new(movie, append))
        })
        .await?;
    Ok(answer)
}

/// A page of the movies matching `query`: the filter's count from the cache (kept as long as
/// a list page, so the pages and page sizes of one filter share one count instead of each
/// counting up to 50 000 matches again), then only the page from the store.
pub async fn discover_page(
    state: &AppState,
    query: &DiscoverQuery,
    page: PageRequest,
) -> Result<Page<MovieSummary>, StoreError> {
    let catalog = state.catalog()?;
    let key = state.cache().discover_count_key(query).await;
    let (bytes, _) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || catalog.count_discover(query))
        .await?;
    let total = serde_json::from_slice(&bytes)
        .map_err(|e| StoreError::Internal(format!("cached discover count: {e}")))?;
    catalog.discover_page(query, page, total).await
}

/// One page of movies similar to `id` (whose existence the caller checked).
pub async fn similar(
    state: &AppState,
    id: MovieId,
    page: PageRequest,
) -> Result<(bytes::Bytes, CacheStatus), ApiError> {
    // Ranked by `shared::recommend::similarity` (director, keywords, top-billed cast, genres).
    crate::recommendations::similar_page(state, id, page).await
}

/// Decodes a cached page of summaries (to embed it in a bigger answer).
pub fn decode_page(bytes: &[u8]) -> Result<Page<MovieSummary>, ApiError> {
    serde_json::from_slice(bytes).map_err(|e| ApiError::Internal(format!("cached page: {e}")))
}

/// `hit` only when every part came from the cache.
pub fn combined(statuses: &[CacheStatus]) -> CacheStatus {
    if statuses.iter().all(|s| *s == CacheStatus::Hit) {
        CacheStatus::Hit
    } else {
        CacheStatus::Miss
    }
}
