//! The reviews routes.

use std::sync::Arc;
use std::time::Duration;

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Extension;
use bytes::Bytes;
use shared::auth::AuthUser;
use shared::domain::{MovieId, UserId};
use shared::http::{CachedJson, Json, Page, Query};
use shared::rate_limit::{self, RateLimit};
use shared::stores::reviews::{CreateOutcome, Deleter, NewReview, ReviewId};
use shared::{ApiError, AppState};

use crate::body::{CreateReviewRequest, UpdateReviewRequest};
use crate::freshness::RatingFreshness;
use crate::preconditions::{etag, IfMatch};
use crate::query::{MovieReviewsParams, MovieReviewsWanted, UserReviewsParams};
use crate::views::{Authors, MovieRatingView, MovieReviewsPage, ReviewView};
use shared::http::PathId;

/// Review writes (create, edit, delete) per user and hour.
pub const REVIEW_WRITES: RateLimit = RateLimit::new("review_write", 30, Duration::from_secs(3600));

/// Review answers change with every write: shared caches may keep them but must revalidate
/// (cheap: `If-None-Match` → 304), so nobody is shown a rating older than the last write.
const REVALIDATE: HeaderValue = HeaderValue::from_static("public, no-cache");

/// 404 unless the catalog has the movie.
async fn ensure_movie(state: &AppState, movie: MovieId) -> Result<(), ApiError> {
    if state.catalog()?.movie_exists(movie).await? {
        Ok(())
    } else {
        Err(ApiError::NotFound(format!("movie {movie}")))
    }
}

fn json_bytes<T: serde::Serialize>(value: &T) -> Result<Bytes, ApiError> {
    serde_json::to_vec(value)
        .map(Bytes::from)
        .map_err(|e| ApiError::Internal(format!("cannot encode an answer: {e}")))
}

/// A review answer with its version as `ETag`.
fn review_response(
    status: StatusCode,
    view: &ReviewView,
    mut headers: HeaderMap,
) -> Result<Response, ApiError> {
    headers.insert(header::ETAG, etag(view.version));
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Ok((status, headers, json_bytes(view)?).into_response())
}

/// A movie's reviews, one page at a time.
#[utoipa::path(
    get, path = "/movies/{id}/reviews", tag = "reviews",
    params(("id" = i64, Path, description = "Movie id"), MovieReviewsParams),
    responses(
        (status = 200, description = "A page of reviews", body = MovieReviewsPage),
        (status = 400, description = "Malformed movie id"),
        (status = 404, description = "Unknown movie"),
        (status = 422, description = "Bad sort, paging parameters or cursor"),
    )
)]
pub async fn list_movie_reviews(
    State(state): State<AppState>,
    PathId(movie): PathId<MovieId>,
    Query(params): Query<MovieReviewsParams>,
) -> Result<Response, ApiError> {
    let store = state.reviews()?;
    let (found, number, page_size, sort) = match params.parse()? {
        MovieReviewsWanted::Page(sort, page) => {
            let found = store.movie_reviews(movie, sort, page).await?;
            (found, Some(page.page()), page.page_size(), sort)
        }
        MovieReviewsWanted::After(cursor, page_size) => {
            let found = store.movie_reviews_after(movie, cursor, page_size).await?;
            (found, None, page_size, cursor.sort())
        }
    };
    if found.total == 0 {
        ensure_movie(&state, movie).await?;
    }
    let authors = Authors::of(&state, &found.reviews).await;
    let page = MovieReviewsPage::new(number, page_size, found, sort, &authors);
    Ok(([(header::CACHE_CONTROL, REVALIDATE)], axum::Json(page)).into_response())
}

/// Review a movie (one review per user and movie).
#[utoipa::path(
    post, path = "/movies/{id}/reviews", tag = "reviews",
    params(("id" = i64, Path, description = "Movie id")),
    request_body = CreateReviewRequest,
    security(("bearer" = [])),
    responses(
        (status = 201, description = "Created; `Location` names the review", body = ReviewView),
        (status = 401, description = "Missing, invalid or expired token"),
        (status = 404, description = "Unknown movie"),
        (status = 409, description = "Already reviewed; `existing_review` links to it"),
        (status = 422, description = "Invalid fields, each listed"),
        (status = 429, description = "Too many review writes"),
    )
)]
pub async fn create_review(
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<RatingFreshness>>,
    user: AuthUser,
    PathId(movie): PathId<MovieId>,
    Json(request): Json<CreateReviewRequest>,
) -> Result<Response, ApiError> {
    let fields = request.parse()?;
    let author = UserId(user.id);
    let limit = REVIEW_WRITES
        .hit(state.cache(), &author.to_string())
        .await?;
    ensure_movie(&state, movie).await?;
    let review = NewReview {
        movie_id: movie,
        user_id: author,
        rating: fields.rating,
        title: fields.title,
        body: fields.body,
        contains_spoilers: fields.contains_spoilers,
    };
    let written = match state.reviews()?.create_review(&review).await? {
        CreateOutcome::Created(written) => written,
        CreateOutcome::Duplicate(existing) => {
            let mut extra = serde_json::Map::new();
            extra.insert("existing_review_id".into(), existing.get().into());
            extra.insert(
                "existing_review".into(),
                format!("/reviews/{existing}").into(),
            );
            return Err(ApiError::Conflict {
                detail: "you already reviewed this movie; edit that review instead".into(),
                extra,
            });
        }
    };
    freshness
        .after_write(&state, movie, written.rating, Some(author))
        .await;
    let authors = Authors::of(&state, std::slice::from_ref(&written.review)).await;
    let view = authors.view(written.review);
    let mut headers = rate_limit::headers(&limit);
    if let Ok(location) = HeaderValue::from_str(&format!("/reviews/{}", view.id)) {
        headers.insert(header::LOCATION, location);
    }
    review_response(StatusCode::CREATED, &view, headers)
}

/// One review; its `ETag` is its version.
#[utoipa::path(
    get, path = "/reviews/{id}", tag = "reviews",
    params(("id" = i64, Path, description = "Review id")),
    responses(
        (status = 200, description = "The review", body = ReviewView),
        (status = 304, description = "Unchanged since the `If-None-Match` version"),
        (status = 404, description = "No such review"),
    )
)]
pub async fn get_review(
    State(state): State<AppState>,
    PathId(id): PathId<ReviewId>,
) -> Result<Response, ApiError> {
    let review = state
        .reviews()?
        .review(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("review {id}")))?;
    let view = Authors::of(&state, std::slice::from_ref(&review))
        .await
        .view(review);
    let mut headers = HeaderMap::new();
    headers.insert(header::CACHE_CONTROL, REVALIDATE);
    review_response(StatusCode::OK, &view, headers)
}

/// Edit your review: send the fields to change and `If-Match` with the version you read.
#[utoipa::path(
    patch, path = "/reviews/{id}", tag = "reviews",
    params(
        ("id" = i64, Path, description = "Review id"),
        ("If-Match" = String, Header, description = "The review's ETag as last read"),
    ),
    request_body = UpdateReviewRequest,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Updated; the new `ETag`", body = ReviewView),
        (status = 401, description = "Missing, invalid or expired token"),
        (status = 403, description = "Not your review"),
        (status = 404, description = "No such review"),
        (status = 412, description = "The review changed since you read it"),
        (status = 422, description = "Invalid fields, each listed"),
        (status = 428, description = "`If-Match` is missing"),
        (status = 429, description = "Too many review writes"),
    )
)]
pub async fn update_review(
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<RatingFreshness>>,
    user: AuthUser,
    PathId(id): PathId<ReviewId>,
    headers: HeaderMap,
    Json(request): Json<UpdateReviewRequest>,
) -> Result<Response, ApiError> {
    let patch = request.parse()?;
    let wanted = IfMatch::from_headers(&headers)?;
    let author = UserId(user.id);
    let limit = REVIEW_WRITES
        .hit(state.cache(), &author.to_string())
        .await?;
    let store = state.reviews()?;
    let current = store
        .review(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("review {id}")))?;
    if current.user_id != Some(author) {
        return Err(ApiError::Forbidden(
            "only the author can edit a review".into(),
        ));
    }
    let expected = wanted.version_to_replace(current.version)?;
    let written = store
        .update_review(id, author, Some(expected), &patch)
        .await?;
    if written.review.rating != current.rating {
        freshness
            .after_write(
                &state,
                written.review.movie_id,
                written.rating,
                Some(author),
            )
            .await;
    }
    let view = Authors::of(&state, std::slice::from_ref(&written.review))
        .await
        .view(written.review);
    review_response(StatusCode::OK, &view, rate_limit::headers(&limit))
}

/// Delete a review: its author, or an admin.
#[utoipa::path(
    delete, path = "/reviews/{id}", tag = "reviews",
    params(("id" = i64, Path, description = "Review id")),
    security(("bearer" = [])),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Missing, invalid or expired token"),
        (status = 403, description = "Neither the author nor an admin"),
        (status = 404, description = "No such review"),
        (status = 429, description = "Too many review writes"),
    )
)]
pub async fn delete_review(
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<RatingFreshness>>,
    user: AuthUser,
    PathId(id): PathId<ReviewId>,
) -> Result<Response, ApiError> {
    let caller = UserId(user.id);
    let limit = REVIEW_WRITES
        .hit(state.cache(), &caller.to_string())
        .await?;
    let store = state.reviews()?;
    let current = store
        .review(id)
        .await?
        .ok_or_else(|| ApiError::NotFound(format!("review {id}")))?;
    let by = if current.user_id == Some(caller) {
        Deleter::Author(caller)
    } else if user.is_admin() {
        Deleter::Admin
    } else {
        return Err(ApiError::Forbidden(
            "only the author or an admin can delete a review".into(),
        ));
    };
    let written = store.delete_review(id, by).await?;
    freshness
        .after_write(
            &state,
            written.review.movie_id,
            written.rating,
            written.review.user_id,
        )
        .await;
    Ok((StatusCode::NO_CONTENT, rate_limit::headers(&limit)).into_response())
}

/// A user's reviews, newest first.
#[utoipa::path(
    get, path = "/users/{user_id}/reviews", tag = "reviews",
    params(("user_id" = String, Path, description = "User id (UUID)"), UserReviewsParams),
    responses(
        (status = 200, description = "A page of reviews", body = Page<ReviewView>),
        (status = 400, description = "Malformed user id"),
        (status = 422, description = "Bad paging parameters"),
    )
)]
pub async fn user_reviews(
    State(state): State<AppState>,
    PathId(user): PathId<UserId>,
    Query(params): Query<UserReviewsParams>,
) -> Result<Response, ApiError> {
    let page = params.parse()?;
    let found = state.reviews()?.user_reviews(user, page).await?;
    let authors = Authors::of(&state, &found.reviews).await;
    let results = found.reviews.into_iter().map(|r| authors.view(r)).collect();
    let page = Page::new(page, found.total, results);
    Ok(([(header::CACHE_CONTROL, REVALIDATE)], axum::Json(page)).into_response())
}

/// The movie's rating: average, count and the 1–10 histogram.
#[utoipa::path(
    get, path = "/movies/{id}/rating", tag = "reviews",
    params(("id" = i64, Path, description = "Movie id")),
    responses(
        (status = 200, description = "The rating aggregate", body = MovieRatingView),
        (status = 400, description = "Malformed movie id"),
        (status = 404, description = "Unknown movie"),
    )
)]
pub async fn movie_rating(
    State(state): State<AppState>,
    Extension(freshness): Extension<Arc<RatingFreshness>>,
    PathId(movie): PathId<MovieId>,
) -> Result<Response, ApiError> {
    let (view, status) = freshness.rating(&state, movie).await?;
    if view.count == 0 {
        ensure_movie(&state, movie).await?;
    }
    Ok((
        [(header::CACHE_CONTROL, REVALIDATE)],
        CachedJson(json_bytes(&view)?, status),
    )
        .into_response())
}
