//! `GET /movies/{id}`, `/movies/{id}/credits` and `/movies/{id}/similar`.

use axum::extract::State;
use bytes::Bytes;
use shared::domain::MovieId;
use shared::http::{CachedJson, Query};
use shared::{ApiError, AppState};

use shared::http::PathId;

use crate::cached;
use crate::params::{DetailsQuery, PageQuery};
use crate::views::{MovieCredits, MovieDetails};

/// Movie details; `append=credits,keywords,rating,similar` embeds those parts.
#[utoipa::path(get, path = "/movies/{id}", tag = "movies",
    params(("id" = i64, Path, description = "TMDB movie id"), DetailsQuery),
    responses(
        (status = 200, description = "The movie", body = MovieDetails),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such movie"),
        (status = 422, description = "Unknown append part or query parameter"),
    ))]
pub async fn get_movie(
    State(state): State<AppState>,
    PathId(id): PathId<MovieId>,
    Query(query): Query<DetailsQuery>,
) -> Result<CachedJson, ApiError> {
    let append = query.parse()?;
    if !append.similar {
        let (body, status) = cached::details(&state, id, append).await?;
        return Ok(CachedJson(body, status));
    }
    let (movie, status) = cached::movie(&state, id).await?;
    let mut statuses = vec![status];
    let mut details = MovieDetails::new(movie, append);
    if append.similar {
        let (bytes, status) = cached::similar(&state, id, Default::default()).await?;
        statuses.push(status);
        details.similar = Some(cached::decode_page(&bytes)?);
    }
    let body = serde_json::to_vec(&details).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(CachedJson(Bytes::from(body), cached::combined(&statuses)))
}

/// Cast (by billing order) and crew of a movie.
#[utoipa::path(get, path = "/movies/{id}/credits", tag = "movies",
    params(("id" = i64, Path, description = "TMDB movie id")),
    responses(
        (status = 200, description = "Cast and crew", body = MovieCredits),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such movie"),
    ))]
pub async fn movie_credits(
    State(state): State<AppState>,
    PathId(id): PathId<MovieId>,
) -> Result<CachedJson, ApiError> {
    let (movie, status) = cached::movie(&state, id).await?;
    let body = serde_json::to_vec(&MovieCredits::new(&movie))
        .map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(CachedJson(Bytes::from(body), status))
}

/// Movies sharing genres, keywords and people with this one, best first.
#[utoipa::path(get, path = "/movies/{id}/similar", tag = "movies",
    params(("id" = i64, Path, description = "TMDB movie id"), PageQuery),
    responses(
        (status = 200, description = "A page of similar movies", body = shared::http::Page<shared::domain::MovieSummary>),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such movie"),
        (status = 422, description = "Bad paging"),
    ))]
pub async fn similar_movies(
    State(state): State<AppState>,
    PathId(id): PathId<MovieId>,
    Query(query): Query<PageQuery>,
) -> Result<CachedJson, ApiError> {
    let page = query.parse()?;
    let (_, movie_status) = cached::movie(&state, id).await?;
    let (bytes, status) = cached::similar(&state, id, page).await?;
    Ok(CachedJson(bytes, cached::combined(&[movie_status, status])))
}
