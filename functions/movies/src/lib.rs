//! The movies function: the catalog's movie routes, genres, app settings, recommendations,
//! `/health` and the OpenAPI document of the whole API.

mod pending;

use axum::routing::get;
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route(
            "/movies",
            get(pending::discover).post(pending::create_movie),
        )
        .route("/movies/popular", get(pending::popular))
        .route("/movies/top-rated", get(pending::top_rated))
        .route("/movies/trending", get(pending::trending))
        .route("/movies/search", get(pending::search))
        .route(
            "/movies/{id}",
            get(pending::get_movie)
                .patch(pending::update_movie)
                .delete(pending::delete_movie),
        )
        .route("/movies/{id}/credits", get(pending::movie_credits))
        .route("/movies/{id}/similar", get(pending::similar_movies))
        .route("/genres", get(pending::genres))
        .route("/config", get(pending::get_config).put(pending::put_config))
        .route("/me/recommendations", get(pending::recommendations))
        .route("/openapi.json", get(openapi_json))
        .route("/health", get(shared::health::health))
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    pending::discover,
    pending::create_movie,
    pending::popular,
    pending::top_rated,
    pending::trending,
    pending::search,
    pending::get_movie,
    pending::update_movie,
    pending::delete_movie,
    pending::movie_credits,
    pending::similar_movies,
    pending::genres,
    pending::get_config,
    pending::put_config,
    pending::recommendations,
    shared::health::health,
    openapi_json
))]
pub struct ApiDoc;

/// The OpenAPI 3.1 document of the whole API: every function's routes.
pub fn openapi() -> utoipa::openapi::OpenApi {
    use utoipa::OpenApi;
    let mut doc = ApiDoc::openapi();
    doc.merge(people::ApiDoc::openapi());
    doc.merge(auth::ApiDoc::openapi());
    doc.merge(reviews::ApiDoc::openapi());
    doc.merge(profiles::ApiDoc::openapi());
    doc.info.title = "MovieVerse API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description =
        Some("A movie database backend: catalog, accounts, reviews, profiles.".into());
    doc
}

/// The OpenAPI 3.1 document of the whole API, serialized once per container.
#[utoipa::path(get, path = "/openapi.json", tag = "movies",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> axum::response::Response {
    use axum::response::IntoResponse;
    static DOCUMENT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let body = DOCUMENT.get_or_init(|| openapi().to_json().unwrap_or_else(|_| "{}".into()));
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        body.clone(),
    )
        .into_response()
}
