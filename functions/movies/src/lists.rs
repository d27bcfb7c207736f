//! Movie lists: discover, popular, top rated, trending, search, and the genres.

use std::collections::HashMap;

use axum::extract::State;
use shared::cache::ttl;
use shared::catalog_query::{page_from_text, DiscoverParams, DiscoverQuery, DiscoverRequest};
use shared::domain::{MovieId, MovieSummary};
use shared::http::{CachedJson, Page, PageRequest, Query};
use shared::{ApiError, AppState};

use crate::cached;
use crate::params::{PageQuery, SearchQuery, TrendingQuery};
use crate::views::GenreList;

/// A cached page of a catalog list: `name` and `params` make its key.
async fn list<F, Fut, T>(
    state: &AppState,
    name: &str,
    params: &str,
    ttl: std::time::Duration,
    load: F,
) -> Result<CachedJson, ApiError>
where
    T: serde::Serialize,
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = Result<T, shared::stores::StoreError>>,
{
    let key = state.cache().list_key(name, params).await;
    let (bytes, status) = state.cache().get_or_load_json(&key, ttl, load).await?;
    Ok(CachedJson(bytes, status))
}

/// Exactly the movies asked for, each once, as one page in the order asked. The movies are
/// cached per *set* of ids (sorted, without repeats): a client cannot fill the cache with
/// permutations and repetitions of one request, and every ordering shares one entry.
async fn by_ids(state: &AppState, ids: &[MovieId]) -> Result<CachedJson, ApiError> {
    let catalog = state.catalog()?;
    let mut set = ids.to_vec();
    set.sort_unstable();
    set.dedup();
    let key_text: Vec<String> = set.iter().map(ToString::to_string).collect();
    let key = state.cache().list_key("ids", &key_text.join(",")).await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            catalog.movie_summaries(&set).await
        })
        .await?;
    let found: Vec<MovieSummary> = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::Internal(format!("cached movies by id: {e}")))?;
    let mut by_id: HashMap<MovieId, MovieSummary> =
        found.into_iter().map(|movie| (movie.id, movie)).collect();
    // `remove` takes each movie at its first mention, which also drops repeats.
    let ordered: Vec<MovieSummary> = ids.iter().filter_map(|id| by_id.remove(id)).collect();
    let whole = PageRequest::new(1, u32::try_from(ordered.len()).unwrap_or(1).max(1))?;
    let page = Page::new(whole, ordered.len() as u64, ordered);
    let body =
        serde_json::to_vec(&page).map_err(|e| ApiError::Internal(format!("movies by id: {e}")))?;
    Ok(CachedJson(bytes::Bytes::from(body), status))
}

fn page_key(page: PageRequest) -> String {
    format!("{}:{}", page.page(), page.page_size())
}

/// Discover movies by filters, or fetch up to 100 by id in the order given.
#[utoipa::path(get, path = "/movies", tag = "movies", params(DiscoverParams),
    responses(
        (status = 200, description = "A page of movies", body = Page<MovieSummary>),
        (status = 422, description = "Invalid or unknown parameters, each one listed"),
    ))]
pub async fn discover(
    State(state): State<AppState>,
    Query(params): Query<DiscoverParams>,
) -> Result<CachedJson, ApiError> {
    let request = params.parse();
    let page = page_from_text(params.page.as_deref(), params.page_size.as_deref());
    let (request, page) = match (request, page) {
        (Ok(request), Ok(page)) => (request, page),
        (request, page) => {
            let mut errors = request.err().unwrap_or_default();
            errors.extend(page.err().unwrap_or_default());
            return Err(ApiError::Validation(errors));
        }
    };
    match request {
        DiscoverRequest::Ids(ids) => by_ids(&state, &ids).await,
        DiscoverRequest::Filtered(query) => {
            let params = format!("{}:{}", query.cache_key(), page_key(page));
            list(&state, "discover", &params, ttl::LIST, || {
                cached::discover_page(&state, &query, page)
            })
            .await
        }
    }
}

/// Movies by popularity.
#[utoipa::path(get, path = "/movies/popular", tag = "movies", params(PageQuery),
    responses(
        (status = 200, description = "A page of movies", body = Page<MovieSummary>),
        (status = 422, description = "Bad paging"),
    ))]
pub async fn popular(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<CachedJson, ApiError> {
    let page = query.parse()?;
    let whole_catalog = DiscoverQuery::default();
    list(&state, "popular", &page_key(page), ttl::LIST, || {
        cached::discover_page(&state, &whole_catalog, page)
    })
    .await
}

/// Movies by MovieVerse rating (with at least three reviews), else by TMDB votes.
#[utoipa::path(get, path = "/movies/top-rated", tag = "movies", params(PageQuery),
    responses(
        (status = 200, description = "A page of movies", body = Page<MovieSummary>),
        (status = 422, description = "Bad paging"),
    ))]
pub async fn top_rated(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<CachedJson, ApiError> {
    let page = query.parse()?;
    let catalog = state.catalog()?;
    list(&state, "top_rated", &page_key(page), ttl::LIST, || {
        catalog.top_rated(page)
    })
    .await
}

/// Trending movies: review activity in the window blended with popularity.
#[utoipa::path(get, path = "/movies/trending", tag = "movies", params(TrendingQuery),
    responses(
        (status = 200, description = "A page of movies", body = Page<MovieSummary>),
        (status = 422, description = "Bad window or paging"),
    ))]
pub async fn trending(
    State(state): State<AppState>,
    Query(query): Query<TrendingQuery>,
) -> Result<CachedJson, ApiError> {
    let (window, page) = query.parse()?;
    let params = format!("{}:{}", window.as_str(), page_key(page));
    list(&state, "trending", &params, ttl::LIST, || {
        crate::recommendations::trending(&state, window, page)
    })
    .await
}

/// Search movies by title (original title and overview count less), most relevant first.
#[utoipa::path(get, path = "/movies/search", tag = "movies", params(SearchQuery),
    responses(
        (status = 200, description = "A page of movies", body = Page<MovieSummary>),
        (status = 422, description = "Missing, empty or over-long q, bad year or paging"),
    ))]
pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<CachedJson, ApiError> {
    let (search, page) = query.parse()?;
    let catalog = state.catalog()?;
    let params = format!("{}:{}", search.cache_key(), page_key(page));
    let key = state.cache().list_key("search", &params).await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::SEARCH, || async move {
            catalog.search_movies(&search, page).await
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

/// All genres with their movie counts.
#[utoipa::path(get, path = "/genres", tag = "movies",
    responses((status = 200, description = "The genres", body = GenreList)))]
pub async fn genres(State(state): State<AppState>) -> Result<CachedJson, ApiError> {
    let catalog = state.catalog()?;
    list(&state, "genres", "all", ttl::LIST, || async move {
        Ok(GenreList {
            genres: catalog.genres_with_counts().await?,
        })
    })
    .await
}
