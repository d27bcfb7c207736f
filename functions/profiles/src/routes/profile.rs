//! `GET /profiles/{user_id}`, `GET /profiles/me` and `PATCH /profiles/me`.

use axum::extract::State;
use axum::http::{header, HeaderValue};
use axum::response::IntoResponse;
use shared::auth::AuthUser;
use shared::domain::UserId;
use shared::http::{private_no_store, Json};
use shared::{ApiError, AppState};

use super::{limit_writes, require_account, username_of};
use crate::update::ProfileUpdate;
use crate::views::ProfileView;
use shared::http::PathId;

/// Profile, counts and username, read concurrently.
async fn view(state: &AppState, user: UserId) -> Result<ProfileView, ApiError> {
    let store = state.profiles()?;
    let (username, profile, counts) = futures::try_join!(
        username_of(state, user),
        async { store.profile(user).await.map_err(ApiError::from) },
        async { store.follow_counts(user).await.map_err(ApiError::from) },
    )?;
    Ok(ProfileView::new(
        user,
        username,
        profile.unwrap_or_default(),
        counts,
    ))
}

/// A user's profile, with follower and following counts.
#[utoipa::path(
    get,
    path = "/profiles/{user_id}",
    tag = "profiles",
    params(("user_id" = uuid::Uuid, Path, description = "The user's id")),
    responses(
        (status = 200, description = "The profile", body = ProfileView),
        (status = 400, description = "The id is not a UUID"),
        (status = 404, description = "No such user"),
        (status = 503, description = "A store is unavailable"),
    )
)]
pub async fn get_profile(
    State(state): State<AppState>,
    PathId(user): PathId<UserId>,
) -> Result<impl IntoResponse, ApiError> {
    let profile = view(&state, user).await?;
    // Counts change often: caches keep the answer but must revalidate it (a cheap 304).
    Ok((
        [(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, no-cache"),
        )],
        axum::Json(profile),
    ))
}

/// The caller's own profile. (`/profiles/me` is a fixed route beside `/profiles/{user_id}`, so
/// without this handler a GET there would be a 405 rather than the caller's profile.)
#[utoipa::path(
    get,
    path = "/profiles/me",
    tag = "profiles",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's profile", body = ProfileView),
        (status = 401, description = "No valid access token"),
    )
)]
pub async fn get_my_profile(
    State(state): State<AppState>,
    caller: AuthUser,
) -> Result<impl IntoResponse, ApiError> {
    let profile = view(&state, UserId(caller.id)).await?;
    Ok((private_no_store(), axum::Json(profile)))
}

/// Partial update of the caller's profile: omitted fields are kept, `null` clears one.
#[utoipa::path(
    patch,
    path = "/profiles/me",
    tag = "profiles",
    security(("bearer" = [])),
    request_body = ProfileUpdate,
    responses(
        (status = 200, description = "The updated profile", body = ProfileView),
        (status = 400, description = "Malformed JSON"),
        (status = 401, description = "No valid access token"),
        (status = 413, description = "Body over 64 KiB"),
        (status = 415, description = "Body is not JSON"),
        (status = 404, description = "No genre or movie with an id given"),
        (status = 422, description = "Invalid or unknown fields, each listed"),
        (status = 429, description = "Too many writes"),
        (status = 503, description = "A store is unavailable"),
    )
)]
pub async fn update_my_profile(
    State(state): State<AppState>,
    caller: AuthUser,
    Json(update): Json<ProfileUpdate>,
) -> Result<impl IntoResponse, ApiError> {
    limit_writes(&state, &caller).await?;
    let username = require_account(&state, &caller).await?;
    let user = UserId(caller.id);
    let patch = update.into_patch(state.catalog()?).await?;
    let store = state.profiles()?;
    let counts = async { store.follow_counts(user).await.map_err(ApiError::from) };
    // The update answers the stored profile: no second read of it.
    let (profile, counts) = if patch.is_empty() {
        let profile = async { store.profile(user).await.map_err(ApiError::from) };
        futures::try_join!(profile, counts)?
    } else {
        let updated = async {
            store
                .update_profile(user, &patch, chrono::Utc::now())
                .await
                .map(Some)
                .map_err(ApiError::from)
        };
        futures::try_join!(updated, counts)?
    };
    let view = ProfileView::new(user, username, profile.unwrap_or_default(), counts);
    Ok((private_no_store(), axum::Json(view)))
}
