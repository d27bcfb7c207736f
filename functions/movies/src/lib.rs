//! The movies function: the catalog's movie routes, genres, app settings, recommendations,
//! `/health`, the OpenAPI document of the whole API, and the TMDB v3 read API under `/3`
//! (people aside).

mod admin;
mod admin_awards;
mod awards;
mod awards_views;
mod cached;
mod details;
mod input;
mod lists;
mod params;
mod recommendations;
mod settings;
mod tmdb;
mod views;

use axum::routing::get;
use axum::Router;
use shared::AppState;

/// Public GET answers may be cached by clients and CDNs for this long.
const PUBLIC_MAX_AGE_SECS: u32 = 60;

/// The function's router, built once per container from the shared state.
pub fn router(state: AppState) -> Router {
    let routes = Router::new()
        .route("/movies", get(lists::discover).post(admin::create_movie))
        .route("/movies/popular", get(lists::popular))
        .route("/movies/top-rated", get(lists::top_rated))
        .route("/movies/trending", get(lists::trending))
        .route("/movies/search", get(lists::search))
        .route(
            "/movies/{id}",
            get(details::get_movie)
                .patch(admin::update_movie)
                .delete(admin::delete_movie),
        )
        .route("/movies/{id}/credits", get(details::movie_credits))
        .route(
            "/movies/{id}/awards",
            get(awards::movie_awards).put(admin_awards::put_movie_awards),
        )
        .route("/awards", get(awards::award_bodies))
        .route("/awards/{award_id}/{year}", get(awards::ceremony))
        .route("/find/{external_id}", get(awards::find))
        .route("/movies/{id}/similar", get(details::similar_movies))
        .route("/genres", get(lists::genres))
        .route(
            "/config",
            get(settings::get_config).put(settings::put_config),
        )
        .route("/me/recommendations", get(recommendations::recommendations))
        .route("/openapi.json", get(openapi_json))
        .route("/health", get(shared::health::health))
        .merge(tmdb::routes())
        .layer(axum::middleware::from_fn(|request, next| {
            shared::http::http_caching(PUBLIC_MAX_AGE_SECS, request, next)
        }))
        .with_state(state);
    shared::http::finish_router(routes)
}

/// The OpenAPI description of this function's routes.
#[derive(utoipa::OpenApi)]
#[openapi(paths(
    lists::discover,
    admin::create_movie,
    lists::popular,
    lists::top_rated,
    lists::trending,
    lists::search,
    details::get_movie,
    admin::update_movie,
    admin::delete_movie,
    details::movie_credits,
    details::similar_movies,
    awards::movie_awards,
    admin_awards::put_movie_awards,
    awards::award_bodies,
    awards::ceremony,
    awards::find,
    lists::genres,
    settings::get_config,
    settings::put_config,
    recommendations::recommendations,
    shared::health::health,
    openapi_json
))]
pub struct ApiDoc;

// The document is assembled from every function's description by the tests crate
// (`movieverse_tests::openapi`) into `functions/movies/openapi.json`; a test fails when the file
// is stale. Serving the file keeps the generator out of the binary, and this function free of the
// other functions' crates.
/// The OpenAPI 3.1 document of the whole API.
#[utoipa::path(get, path = "/openapi.json", tag = "movies",
    responses((status = 200, description = "The OpenAPI document", content_type = "application/json")))]
async fn openapi_json() -> axum::response::Response {
    use axum::response::IntoResponse;
    (
        [(axum::http::header::CONTENT_TYPE, "application/json")],
        OPENAPI_JSON,
    )
        .into_response()
}

/// The committed document (see [`openapi_json`]).
pub const OPENAPI_JSON: &str = include_str!("../openapi.json");
