//! TMDB-shaped pages of movies, cached like every native list: under a list key (so any catalog
//! or rating write makes them unreachable) and built from the same store reads.

use shared::domain::MovieSummary;
use shared::http::{CachedJson, Page, PageRequest};
use shared::stores::StoreError;
use shared::tmdb_v3::{MovieItem, TmdbError, TmdbPage};
use shared::AppState;

/// Whether list items carry `media_type` (TMDB's mixed lists: trending, multi search).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    Shown,
    Hidden,
}

/// The cache key's parameters for `page` of a list.
pub fn page_key(page: PageRequest) -> String {
    page.page().to_string()
}

/// The TMDB items of `summaries`: the whole movies in one read, in the same order.
pub async fn items(
    state: &AppState,
    summaries: &[MovieSummary],
    media: MediaType,
) -> Result<Vec<MovieItem>, StoreError> {
    let ids: Vec<_> = summaries.iter().map(|s| s.id).collect();
    let movies = state.catalog()?.movies(&ids).await?;
    Ok(movies
        .iter()
        .map(|movie| {
            let item = MovieItem::new(movie);
            match media {
                MediaType::Shown => item.with_media_type(),
                MediaType::Hidden => item,
            }
        })
        .collect())
}

/// A cached TMDB page of movies, kept as long as the native list's page (`ttl`): `load` is
/// the native list's own store read, run on a miss.
pub async fn movie_page<F, Fut>(
    state: &AppState,
    name: &str,
    params: &str,
    media: MediaType,
    ttl: std::time::Duration,
    load: F,
) -> Result<CachedJson, TmdbError>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<Page<MovieSummary>, StoreError>>,
{
    let key = state
        .cache()
        .list_key(&format!("tmdb:{name}"), params)
        .await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl, || async move {
            let page = load().await?;
            let results = items(state, &page.results, media).await?;
            Ok(TmdbPage::around(&page, results))
        })
        .await?;
    Ok(CachedJson(bytes, status))
}
