//! `GET /me/recommendations`, and the similar and trending rankings of `shared::recommend`
//! served over the cache.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use shared::auth::AuthUser;
use shared::cache::{kind, ttl, CacheStatus};
use shared::domain::{MovieId, MovieSummary, UserId};
use shared::http::{private_no_store, CachedJson, Page, PageRequest};
use shared::recommend::personal::{recommend, Taste};
use shared::recommend::similarity::MAX_CANDIDATES;
use shared::recommend::trending::{trending_page, Window};
use shared::recommend::{rank_similar, CandidateProbe, RecommendationList};
use shared::stores::StoreError;
use shared::{ApiError, AppState};

/// The caller's recommendations, best first, each with its reason. Cached per user for an hour;
/// writing a review or changing the watchlist drops the cached list.
#[utoipa::path(get, path = "/me/recommendations", tag = "movies",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "Up to 20 movies, each with why it is recommended", body = RecommendationList),
        (status = 401, description = "Missing, expired or forged token"),
        (status = 503, description = "A store is unavailable"),
    ))]
pub async fn recommendations(
    State(state): State<AppState>,
    user: AuthUser,
) -> Result<Response, ApiError> {
    let user = UserId(user.id);
    let catalog = state.catalog()?;
    let reviews = state.reviews()?;
    let profiles = state.profiles()?;
    let key = state.cache().recommendations_key(user);
    // Single-flight: a burst of misses for one user computes once in this container. Never
    // from the near tier: the user's last review or watchlist change went through another
    // function, which dropped the shared entry but not this container's near copy.
    let (bytes, status) = state
        .cache()
        .get_or_load_own_json(&key, ttl::RECOMMENDATIONS, || async move {
            let taste = Taste::read(reviews, profiles, user).await?;
            recommend(catalog, &taste).await
        })
        .await?;
    Ok((private_no_store(), CachedJson(bytes, status)).into_response())
}

/// One page of the movies most similar to `id` (whose existence the caller checked). The whole
/// ranked list is cached once per movie, under a list key: the list holds other movies too
/// (their summaries and ratings), so any catalog write makes it unreachable; a rating shows in
/// it within the list TTL.
pub async fn similar_page(
    state: &AppState,
    id: MovieId,
    page: PageRequest,
) -> Result<(Bytes, CacheStatus), ApiError> {
    let catalog = state.catalog()?;
    let key = state.cache().list_key(kind::SIMILAR, &id.to_string()).await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || async move {
            let Some(source) = catalog.movie_features(&[id]).await?.pop() else {
                return Ok(Vec::new());
            };
            let probe = CandidateProbe::around([&source]);
            let candidates = catalog.candidate_features(&probe, MAX_CANDIDATES).await?;
            Ok::<_, StoreError>(rank_similar(&source, candidates))
        })
        .await?;
    let list: Vec<MovieSummary> = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::Internal(format!("cached similar list: {e}")))?;
    let total = list.len() as u64;
    let results = list
        .into_iter()
        .skip(usize::try_from(page.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(page.limit()).unwrap_or(0))
        .collect();
    let answer = serde_json::to_vec(&Page::new(page, total, results))
        .map_err(|e| ApiError::Internal(format!("similar page: {e}")))?;
    Ok((Bytes::from(answer), status))
}

/// One page of trending movies in `window` (the caller caches it).
pub async fn trending(
    state: &AppState,
    window: crate::params::Window,
    page: PageRequest,
) -> Result<Page<MovieSummary>, StoreError> {
    let window = match window {
        crate::params::Window::Day => Window::Day,
        crate::params::Window::Week => Window::Week,
    };
    trending_page(state.catalog()?, state.reviews()?, window, page).await
}
