//! Admin writes: `POST /movies`, `PATCH /movies/{id}`, `DELETE /movies/{id}`. Each one drops
//! the cached movie and every cached list it may appear in.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use shared::auth::AdminUser;
use shared::domain::{Credits, GenreId, Movie, MovieId, MovieSource, RatingSummary};
use shared::http::{private_no_store, Json};
use shared::stores::{CatalogStore, StoreError};
use shared::{ApiError, AppState};

use shared::http::PathId;

use crate::input::{MovieBody, MovieChanges};
use crate::params::Append;
use crate::views::MovieDetails;

/// Attempts at taking a fresh id when another admin takes the same one concurrently.
const CREATE_ATTEMPTS: usize = 3;

async fn known_genres(catalog: &dyn CatalogStore) -> Result<HashMap<GenreId, String>, ApiError> {
    Ok(catalog
        .genres_with_counts()
        .await?
        .into_iter()
        .map(|g| (g.id, g.name))
        .collect())
}

/// The written movie, as details with its credits, keywords and rating.
fn written(status: StatusCode, movie: Movie) -> Response {
    let location = HeaderValue::from_str(&format!("/movies/{}", movie.id)).ok();
    let details = MovieDetails::new(
        movie,
        Append {
            credits: true,
            keywords: true,
            rating: true,
            awards: true,
            similar: false,
        },
    );
    let mut response = (status, private_no_store(), axum::Json(details)).into_response();
    if let (StatusCode::CREATED, Some(location)) = (status, location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    response
}

/// Add a movie to MovieVerse (`source: user`; imports never overwrite it).
#[utoipa::path(post, path = "/movies", tag = "movies", request_body = MovieBody,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created", body = MovieDetails),
        (status = 401, description = "No or invalid token"),
        (status = 403, description = "Not an admin"),
        (status = 422, description = "Invalid fields, each one listed"),
    ))]
pub async fn create_movie(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Json(body): Json<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let catalog = state.catalog()?;
    let changes = MovieChanges::parse(&body, true, &known_genres(catalog).await?)
        .map_err(ApiError::Validation)?;
    for _ in 0..CREATE_ATTEMPTS {
        let id = catalog.next_user_movie_id().await?;
        let mut movie = blank_movie(id);
        changes.clone().apply(&mut movie);
        match catalog.create_movie(&movie).await {
            Ok(()) => {
                tracing::info!(movie = %id, admin = %admin.id, "movie created");
                state.cache().invalidate_movie(id).await;
                return Ok(written(StatusCode::CREATED, movie));
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(error) => return Err(error.into()),
        }
    }
    Err(ApiError::Unavailable("catalog".into()))
}

/// A movie added on MovieVerse before its fields are applied.
fn blank_movie(id: MovieId) -> Movie {
    Movie {
        id,
        title: String::new(),
        original_title: None,
        overview: None,
        tagline: None,
        release_date: None,
        runtime: None,
        genres: Vec::new(),
        original_language: None,
        spoken_languages: Vec::new(),
        production_countries: Vec::new(),
        production_companies: Vec::new(),
        poster_path: None,
        backdrop_path: None,
        popularity: 0.0,
        vote_average: 0.0,
        vote_count: 0,
        imdb_id: None,
        wikidata_id: None,
        keywords: Vec::new(),
        credits: Credits::default(),
        source: MovieSource::User,
        updated_at: chrono::Utc::now(),
        rating: RatingSummary::default(),
        awards: Vec::new(),
    }
}

/// Edit a movie's metadata. An edited movie belongs to MovieVerse from then on (`source:
/// user`), so the next import does not undo the edit.
#[utoipa::path(patch, path = "/movies/{id}", tag = "movies", request_body = MovieBody,
    params(("id" = i64, Path, description = "Movie id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated", body = MovieDetails),
        (status = 400, description = "The id is not a positive integer"),
        (status = 401, description = "No or invalid token"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such movie"),
        (status = 422, description = "Invalid fields, each one listed"),
    ))]
pub async fn update_movie(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId<MovieId>,
    Json(body): Json<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let catalog = state.catalog()?;
    let mut movie = catalog
        .movie(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("movie".into()))?;
    let changes = MovieChanges::parse(&body, false, &known_genres(catalog).await?)
        .map_err(ApiError::Validation)?;
    changes.apply(&mut movie);
    movie.source = MovieSource::User;
    movie.updated_at = chrono::Utc::now();
    catalog.update_movie(&movie).await?;
    tracing::info!(movie = %id, admin = %admin.id, "movie edited");
    state.cache().invalidate_movie(id).await;
    // The rating may have moved on since the read; answer with what is stored now.
    let stored = catalog.movie(id).await?.unwrap_or(movie);
    Ok(written(StatusCode::OK, stored))
}

/// Remove a movie.
#[utoipa::path(delete, path = "/movies/{id}", tag = "movies",
    params(("id" = i64, Path, description = "Movie id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "The id is not a positive integer"),
        (status = 401, description = "No or invalid token"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such movie"),
    ))]
pub async fn delete_movie(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId<MovieId>,
) -> Result<Response, ApiError> {
    if !state.catalog()?.delete_movie(id).await? {
        return Err(ApiError::NotFound("movie".into()));
    }
    tracing::info!(movie = %id, admin = %admin.id, "movie deleted");
    state.cache().invalidate_movie(id).await;
    Ok(StatusCode::NO_CONTENT.into_response())
}
