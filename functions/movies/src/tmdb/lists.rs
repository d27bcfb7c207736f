//! `/3/movie/popular|top_rated|now_playing|upcoming`, `/3/trending/movie/{window}`,
//! `/3/discover/movie`, over the native lists' store reads.

use axum::extract::{Path, State};
use bytes::Bytes;
use chrono::{Duration, NaiveDate, Utc};
use shared::cache::ttl;
use shared::catalog_query::DiscoverQuery;
use shared::http::CachedJson;
use shared::tmdb_v3::{DateRange, TmdbError, TmdbQuery};
use shared::AppState;

use super::discover::discover_query;
use super::pages::{movie_page, page_key, MediaType};
use crate::cached;
use crate::params::Window;

pub async fn popular(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let whole_catalog = DiscoverQuery::default();
    movie_page(
        &state,
        "popular",
        &page_key(page),
        MediaType::Hidden,
        ttl::LIST,
        || cached::discover_page(&state, &whole_catalog, page),
    )
    .await
}

pub async fn top_rated(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let catalog = state.catalog()?;
    movie_page(
        &state,
        "top_rated",
        &page_key(page),
        MediaType::Hidden,
        ttl::LIST,
        || catalog.top_rated(page),
    )
    .await
}

/// TMDB's windows: now playing is what was released in the last six weeks, upcoming what is
/// released in the next four.
fn window_of(upcoming: bool, today: NaiveDate) -> DateRange {
    if upcoming {
        DateRange {
            minimum: today + Duration::days(1),
            maximum: today + Duration::weeks(4),
        }
    } else {
        DateRange {
            minimum: today - Duration::weeks(6),
            maximum: today,
        }
    }
}

async fn dated(state: AppState, query: TmdbQuery, upcoming: bool) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let dates = window_of(upcoming, Utc::now().date_naive());
    let filter = DiscoverQuery {
        release_date_gte: Some(dates.minimum),
        release_date_lte: Some(dates.maximum),
        ..DiscoverQuery::default()
    };
    let name = if upcoming { "upcoming" } else { "now_playing" };
    let params = format!("{}:{}", filter.cache_key(), page_key(page));
    let CachedJson(bytes, status) =
        movie_page(&state, name, &params, MediaType::Hidden, ttl::LIST, || {
            cached::discover_page(&state, &filter, page)
        })
        .await?;
    // The cached entry is TMDB's plain page, as for every list (its key holds the window, which
    // moves daily); the window itself is added here.
    let mut body: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&bytes)
        .map_err(|e| TmdbError::Internal(format!("cached page: {e}")))?;
    let dates = serde_json::to_value(&dates).map_err(|e| TmdbError::Internal(e.to_string()))?;
    body.insert("dates".into(), dates);
    let body = serde_json::to_vec(&body).map_err(|e| TmdbError::Internal(e.to_string()))?;
    Ok(CachedJson(Bytes::from(body), status))
}

pub async fn now_playing(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    dated(state, query, false).await
}

pub async fn upcoming(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    dated(state, query, true).await
}

pub async fn trending(
    State(state): State<AppState>,
    Path(window): Path<String>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let window = match window.as_str() {
        "day" => Window::Day,
        "week" => Window::Week,
        _ => return Err(TmdbError::NotFound),
    };
    let page = query.page()?;
    let params = format!("{}:{}", window.as_str(), page_key(page));
    movie_page(
        &state,
        "trending",
        &params,
        MediaType::Shown,
        ttl::LIST,
        || crate::recommendations::trending(&state, window, page),
    )
    .await
}

pub async fn discover(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let filter = discover_query(&query)?;
    let page = query.page()?;
    let params = format!("{}:{}", filter.cache_key(), page_key(page));
    movie_page(
        &state,
        "discover",
        &params,
        MediaType::Hidden,
        ttl::LIST,
        || cached::discover_page(&state, &filter, page),
    )
    .await
}
