//! `/3/search/movie` and `/3/search/multi`, over the native search reads.

use axum::extract::State;
use serde::Serialize;
use shared::cache::ttl;
use shared::catalog_query::{MovieSearch, SearchText, Year};
use shared::http::{CachedJson, PageRequest};
use shared::tmdb_v3::{MovieItem, PersonItem, TmdbError, TmdbPage, TmdbQuery};
use shared::AppState;

use super::pages::{items, movie_page, page_key, MediaType};

/// The search text; TMDB answers an empty page, not an error, when there is none.
fn text(query: &TmdbQuery) -> Result<Option<SearchText>, TmdbError> {
    query.parsed("query", SearchText::parse)
}

fn empty(page: PageRequest) -> Result<CachedJson, TmdbError> {
    let empty: TmdbPage<MovieItem> = TmdbPage::new(page, 0, Vec::new());
    let body = serde_json::to_vec(&empty).map_err(|e| TmdbError::Internal(e.to_string()))?;
    Ok(CachedJson(body.into(), shared::cache::CacheStatus::Miss))
}

pub async fn movies(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let year = match query.parsed("primary_release_year", Year::parse)? {
        Some(year) => Some(year),
        None => query.parsed("year", Year::parse)?,
    };
    let Some(text) = text(&query)? else {
        return empty(page);
    };
    let search = MovieSearch { text, year };
    let catalog = state.catalog()?;
    let params = format!("{}:{}", search.cache_key(), page_key(page));
    movie_page(
        &state,
        "search",
        &params,
        MediaType::Hidden,
        ttl::SEARCH,
        || async move { catalog.search_movies(&search, page).await },
    )
    .await
}

/// One result of a multi search: a movie or a person, told apart by `media_type`.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum MultiItem {
    Movie(MovieItem),
    Person(PersonItem),
}

impl MultiItem {
    fn popularity(&self) -> f64 {
        match self {
            Self::Movie(movie) => movie.popularity,
            Self::Person(person) => person.popularity,
        }
    }
}

/// Movies and people matching the text: the same page of each search, merged by popularity;
/// the totals are the two searches' together.
pub async fn multi(
    State(state): State<AppState>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let Some(text) = text(&query)? else {
        return empty(page);
    };
    let catalog = state.catalog()?;
    let params = format!("{}:{}", text.cache_key(), page_key(page));
    let key = state.cache().list_key("tmdb:multi", &params).await;
    let state_ref = &state;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::SEARCH, || async move {
            let search = MovieSearch {
                text: text.clone(),
                year: None,
            };
            let movies = catalog.search_movies(&search, page).await?;
            let people = catalog.search_people(&text, page).await?;
            let movie_items = items(state_ref, &movies.results, MediaType::Shown).await?;
            let mut results: Vec<MultiItem> = movie_items
                .into_iter()
                .map(MultiItem::Movie)
                .chain(
                    people
                        .results
                        .iter()
                        .map(|p| MultiItem::Person(PersonItem::new(p).with_media_type())),
                )
                .collect();
            results.sort_by(|a, b| b.popularity().total_cmp(&a.popularity()));
            Ok(TmdbPage {
                page: page.page(),
                results,
                total_pages: movies.total_pages.max(people.total_pages),
                total_results: movies.total_results + people.total_results,
            })
        })
        .await?;
    Ok(CachedJson(bytes, status))
}
