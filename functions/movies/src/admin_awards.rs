//! `PUT /movies/{id}/awards`: an admin sets the awards of a movie added on MovieVerse. Imported
//! movies get theirs from Wikidata, which would overwrite an edit.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shared::auth::AdminUser;
use shared::domain::{
    slugify, AwardBody, AwardEntry, AwardFor, AwardId, AwardSource, AwardYear, MovieId,
    MovieSource, Outcome, MAX_AWARD_NAME,
};
use shared::error::FieldError;
use shared::http::{private_no_store, Json, PathId};
use shared::stores::AwardRecord;
use shared::{ApiError, AppState};

use crate::awards_views::MovieAwards;

/// Most entries one movie may be given.
const MAX_ENTRIES: usize = 100;

/// One entry of the body: award body id and readable category; the movie is the one in the path.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardInput {
    /// A known award body id (`academy-awards`, `cannes-film-festival`, …).
    pub award_id: AwardId,
    /// 1–120 characters with at least one letter or digit (`Best Picture`).
    pub category: String,
    /// Ceremony year.
    pub year: AwardYear,
    /// The ceremony's name, 1–120 characters; `{year} {award name}` when absent.
    pub ceremony: Option<String>,
    pub outcome: Outcome,
}

/// Body of `PUT /movies/{id}/awards`: the whole list, replacing the stored one.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AwardsBody {
    pub awards: Vec<AwardInput>,
}

fn name(errors: &mut Vec<FieldError>, field: String, text: &str) -> Option<String> {
    let text = text.trim();
    if text.chars().count() > MAX_AWARD_NAME || slugify(text).is_empty() {
        errors.push(FieldError::new(
            field,
            format!("must be 1 to {MAX_AWARD_NAME} characters with a letter or digit"),
        ));
        return None;
    }
    Some(text.to_string())
}

impl AwardsBody {
    /// The entries, every bad field listed.
    fn entries(self, movie: MovieId) -> Result<Vec<AwardEntry>, ApiError> {
        let mut errors = Vec::new();
        if self.awards.len() > MAX_ENTRIES {
            errors.push(FieldError::new(
                "awards",
                format!("at most {MAX_ENTRIES} entries"),
            ));
        }
        let mut entries = Vec::new();
        for (i, input) in self.awards.into_iter().enumerate() {
            let category = name(
                &mut errors,
                format!("awards[{i}].category"),
                &input.category,
            );
            let ceremony = match &input.ceremony {
                Some(text) => name(&mut errors, format!("awards[{i}].ceremony"), text),
                None => Some(format!("{} {}", input.year, input.award_id.name())),
            };
            if let (Some(category), Some(ceremony)) = (category, ceremony) {
                entries.push(AwardEntry {
                    award: AwardBody::from(input.award_id),
                    category,
                    year: input.year,
                    ceremony,
                    outcome: input.outcome,
                    recipients: AwardFor {
                        movie_id: Some(movie),
                        person_ids: Vec::new(),
                    },
                    source: AwardSource::User,
                });
            }
        }
        if errors.is_empty() {
            Ok(entries)
        } else {
            Err(ApiError::Validation(errors))
        }
    }
}

/// Set the awards of a movie added on MovieVerse (`source: user`).
#[utoipa::path(put, path = "/movies/{id}/awards", tag = "awards", request_body = AwardsBody,
    params(("id" = i64, Path, description = "Movie id")),
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The stored awards", body = MovieAwards),
        (status = 400, description = "The id is not a positive integer"),
        (status = 401, description = "No or invalid token"),
        (status = 403, description = "Not an admin"),
        (status = 404, description = "No such movie"),
        (status = 409, description = "An imported movie: its awards come from Wikidata"),
        (status = 422, description = "Invalid entries, each field listed"),
    ))]
pub async fn put_movie_awards(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    PathId(id): PathId<MovieId>,
    Json(body): Json<AwardsBody>,
) -> Result<Response, ApiError> {
    let catalog = state.catalog()?;
    let movie = catalog
        .movie(id)
        .await?
        .ok_or_else(|| ApiError::NotFound("movie".into()))?;
    if movie.source != MovieSource::User {
        return Err(ApiError::conflict(
            "only movies added on MovieVerse take awards by hand; imported movies get theirs from Wikidata",
        ));
    }
    let record = AwardRecord::new(movie.wikidata_id, body.entries(id)?);
    catalog
        .set_movie_awards(id, &record)
        .await?
        .ok_or_else(|| ApiError::NotFound("movie".into()))?;
    tracing::info!(movie = %id, admin = %admin.id, entries = record.awards.len(), "movie awards set");
    state.cache().invalidate_movie(id).await;
    Ok((
        StatusCode::OK,
        private_no_store(),
        axum::Json(MovieAwards::new(id, record.awards)),
    )
        .into_response())
}
