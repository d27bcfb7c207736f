//! `/3/movie/{id}` and its parts, over the native cached movie document and rankings.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use bytes::Bytes;
use chrono::{SecondsFormat, Utc};
use serde::Serialize;
use shared::cache::{ttl, CacheStatus};
use shared::domain::{Movie, MovieId};
use shared::http::{CachedJson, PageRequest};
use shared::stores::reviews::ReviewSort;
use shared::tmdb_v3::{
    AuthorDetails, ExternalIds, MovieCredits, MovieDetails, MovieKeywords, Review, ReviewPage,
    TmdbError, TmdbPage, TmdbPathId, TmdbQuery,
};
use shared::AppState;

use super::pages::{movie_page, page_key, MediaType};
use crate::cached;

fn json(value: &impl Serialize, status: CacheStatus) -> Result<CachedJson, TmdbError> {
    serde_json::to_vec(value)
        .map(|body| CachedJson(Bytes::from(body), status))
        .map_err(|e| TmdbError::Internal(e.to_string()))
}

fn value(value: &impl Serialize) -> Result<serde_json::Value, TmdbError> {
    serde_json::to_value(value).map_err(|e| TmdbError::Internal(e.to_string()))
}

fn keywords(movie: &Movie, with_id: bool) -> MovieKeywords {
    MovieKeywords {
        id: with_id.then_some(movie.id),
        keywords: movie.keywords.clone(),
    }
}

fn external_ids(movie: &Movie, with_id: bool) -> ExternalIds {
    ExternalIds::new(with_id.then_some(movie.id.get()), movie.external_ids())
}

/// MovieVerse holds no release dates: TMDB's shape with none in it.
fn release_dates(id: Option<MovieId>) -> serde_json::Value {
    match id {
        Some(id) => serde_json::json!({ "id": id, "results": [] }),
        None => serde_json::json!({ "results": [] }),
    }
}

/// Details; `append_to_response` embeds credits, keywords, external_ids, similar,
/// recommendations, reviews and release_dates (unknown parts are ignored, as TMDB does).
pub async fn details(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let (movie, status) = cached::movie(&state, id).await?;
    let mut statuses = vec![status];
    let mut details = MovieDetails::new(&movie, Utc::now().date_naive());
    for part in query.appended() {
        let embedded = match part {
            "credits" => {
                let mut credits = MovieCredits::new(&movie);
                credits.id = None;
                value(&credits)?
            }
            "keywords" => value(&keywords(&movie, false))?,
            "external_ids" => value(&external_ids(&movie, false))?,
            "similar" | "recommendations" => {
                let (bytes, status) = similar(&state, id, PageRequest::default()).await?;
                statuses.push(status);
                serde_json::from_slice(&bytes).map_err(|e| TmdbError::Internal(e.to_string()))?
            }
            "reviews" => value(&reviews_page(&state, id, PageRequest::default()).await?)?,
            "release_dates" => release_dates(None),
            _ => continue,
        };
        details.appended.insert(part.to_string(), embedded);
    }
    json(&details, cached::combined(&statuses))
}

pub async fn credits(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
) -> Result<CachedJson, TmdbError> {
    let (movie, status) = cached::movie(&state, id).await?;
    json(&MovieCredits::new(&movie), status)
}

pub async fn movie_keywords(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
) -> Result<CachedJson, TmdbError> {
    let (movie, status) = cached::movie(&state, id).await?;
    json(&keywords(&movie, true), status)
}

pub async fn movie_external_ids(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
) -> Result<CachedJson, TmdbError> {
    let (movie, status) = cached::movie(&state, id).await?;
    json(&external_ids(&movie, true), status)
}

pub async fn movie_release_dates(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
) -> Result<CachedJson, TmdbError> {
    let (_, status) = cached::movie(&state, id).await?;
    json(&release_dates(Some(id)), status)
}

/// A page of the native similar ranking (`recommendations::similar_page`) in TMDB's shape.
async fn similar(
    state: &AppState,
    id: MovieId,
    page: PageRequest,
) -> Result<(Bytes, CacheStatus), TmdbError> {
    let (bytes, ranked) = cached::similar(state, id, page).await?;
    let summaries = cached::decode_page(&bytes)?;
    let params = format!("{id}:{}", page_key(page));
    let CachedJson(bytes, status) = movie_page(
        state,
        "similar",
        &params,
        MediaType::Hidden,
        ttl::LIST,
        || async move { Ok(summaries) },
    )
    .await?;
    Ok((bytes, cached::combined(&[ranked, status])))
}

/// `/3/movie/{id}/similar` and `/3/movie/{id}/recommendations`: MovieVerse has one ranking of
/// related movies (shared director, keywords, cast and genres), and answers it for both.
pub async fn similar_movies(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
    query: TmdbQuery,
) -> Result<CachedJson, TmdbError> {
    let page = query.page()?;
    let (_, movie_status) = cached::movie(&state, id).await?;
    let (bytes, status) = similar(&state, id, page).await?;
    Ok(CachedJson(bytes, cached::combined(&[movie_status, status])))
}

/// A page of a movie's MovieVerse reviews, newest first, in TMDB's review shape. Read from the
/// reviews store on every call, as the native reviews route does (reviews are not cached).
async fn reviews_page(
    state: &AppState,
    id: MovieId,
    page: PageRequest,
) -> Result<TmdbPage<Review>, TmdbError> {
    let found = state
        .reviews()?
        .movie_reviews(id, ReviewSort::Newest, page)
        .await?;
    let mut authors: Vec<_> = found.reviews.iter().filter_map(|r| r.user_id).collect();
    authors.sort_unstable();
    authors.dedup();
    // Names are a nicety: without the accounts store the reviews still read, unsigned.
    let names = match state.accounts() {
        Ok(accounts) if !authors.is_empty() => {
            accounts.usernames(&authors).await.unwrap_or_else(|error| {
                tracing::warn!(error = %error, "author names unavailable");
                Default::default()
            })
        }
        _ => Default::default(),
    };
    let time = |t: chrono::DateTime<Utc>| t.to_rfc3339_opts(SecondsFormat::Millis, true);
    let results = found
        .reviews
        .into_iter()
        .map(|review| {
            let username = review
                .user_id
                .and_then(|user| names.get(&user).cloned())
                .unwrap_or_default();
            Review {
                author: username.clone(),
                author_details: AuthorDetails {
                    name: String::new(),
                    username,
                    avatar_path: None,
                    rating: Some(f64::from(review.rating.get())),
                },
                content: review.body,
                created_at: time(review.created_at),
                id: review.id.to_string(),
                updated_at: time(review.updated_at),
                url: format!("/reviews/{}", review.id),
            }
        })
        .collect();
    Ok(TmdbPage::new(page, found.total, results))
}

/// Fresh on every read, as the native reviews route: clients must revalidate.
pub async fn reviews(
    State(state): State<AppState>,
    TmdbPathId(id): TmdbPathId<MovieId>,
    query: TmdbQuery,
) -> Result<impl IntoResponse, TmdbError> {
    let page = query.page()?;
    let (_, status) = cached::movie(&state, id).await?;
    let page = reviews_page(&state, id, page).await?;
    let revalidate = [(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, no-cache"),
    )];
    Ok((revalidate, json(&ReviewPage { id, page }, status)?))
}
