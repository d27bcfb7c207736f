//! The people routes: details, credits, popular people and search.

use axum::extract::State;
use bytes::Bytes;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use shared::cache::{ttl, CacheStatus};
use shared::catalog_query::{page_from_text, SearchText};
use shared::domain::{ExternalIds, Person, PersonCredit, PersonId, PersonSummary};
use shared::error::FieldError;
use shared::http::{CachedJson, Page, PageRequest, Query};
use shared::stores::StoreError;
use shared::{ApiError, AppState};

use shared::http::PathId;

/// A person's details; `credits` only with `append=credits`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonDetails {
    pub id: PersonId,
    pub name: String,
    pub also_known_as: Vec<String>,
    pub biography: Option<String>,
    pub birthday: Option<NaiveDate>,
    pub deathday: Option<NaiveDate>,
    pub place_of_birth: Option<String>,
    pub profile_path: Option<String>,
    pub known_for_department: Option<String>,
    pub popularity: f64,
    pub external_ids: ExternalIds,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credits: Option<PersonCredits>,
}

/// A filmography: roles played and jobs done, newest first (undated last).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PersonCredits {
    pub id: PersonId,
    pub cast: Vec<PersonCredit>,
    pub crew: Vec<PersonCredit>,
}

impl PersonCredits {
    fn new(person: &Person) -> Self {
        let newest_first = |a: &PersonCredit, b: &PersonCredit| {
            // `None` sorts below every date, so undated credits end up last.
            b.release_date
                .cmp(&a.release_date)
                .then(a.movie_id.cmp(&b.movie_id))
        };
        let mut cast: Vec<PersonCredit> = person
            .credits
            .iter()
            .filter(|c| c.job.is_none())
            .cloned()
            .collect();
        let mut crew: Vec<PersonCredit> = person
            .credits
            .iter()
            .filter(|c| c.job.is_some())
            .cloned()
            .collect();
        cast.sort_by(newest_first);
        crew.sort_by(newest_first);
        Self {
            id: person.id,
            cast,
            crew,
        }
    }
}

/// Query of `GET /people/{id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DetailsQuery {
    /// `credits` to embed the filmography.
    pub append: Option<String>,
}

/// `?page=&page_size=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Query of `GET /people/search`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Name to look for, 1–200 characters; case and accents are ignored.
    pub q: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// A person document from the cache or the store; 404 when unknown.
pub(crate) async fn cached_person(
    state: &AppState,
    id: PersonId,
) -> Result<(Person, CacheStatus), ApiError> {
    let catalog = state.catalog()?;
    let key = state.cache().person_key(id);
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::DETAILS, || async move {
            catalog
                .person(id)
                .await?
                .ok_or_else(|| StoreError::NotFound("person".into()))
        })
        .await?;
    let person = serde_json::from_slice(&bytes)
        .map_err(|e| ApiError::Internal(format!("cached person {id}: {e}")))?;
    Ok((person, status))
}

fn json(value: &impl Serialize, status: CacheStatus) -> Result<CachedJson, ApiError> {
    let body = serde_json::to_vec(value).map_err(|e| ApiError::Internal(e.to_string()))?;
    Ok(CachedJson(Bytes::from(body), status))
}

/// Person details; `append=credits` embeds the filmography.
#[utoipa::path(get, path = "/people/{id}", tag = "people",
    params(("id" = i64, Path, description = "TMDB person id"), DetailsQuery),
    responses(
        (status = 200, description = "The person", body = PersonDetails),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such person"),
        (status = 422, description = "Unknown append part or query parameter"),
    ))]
pub async fn get_person(
    State(state): State<AppState>,
    PathId(id): PathId<PersonId>,
    Query(query): Query<DetailsQuery>,
) -> Result<CachedJson, ApiError> {
    let mut with_credits = false;
    for part in query
        .append
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
    {
        match part {
            "" => {}
            "credits" => with_credits = true,
            _ => return Err(ApiError::validation("append", "the only part is credits")),
        }
    }
    let (person, status) = cached_person(&state, id).await?;
    let credits = with_credits.then(|| PersonCredits::new(&person));
    let external_ids = person.external_ids();
    let details = PersonDetails {
        id: person.id,
        name: person.name,
        also_known_as: person.also_known_as,
        biography: person.biography,
        birthday: person.birthday,
        deathday: person.deathday,
        place_of_birth: person.place_of_birth,
        profile_path: person.profile_path,
        known_for_department: person.known_for_department,
        popularity: person.popularity,
        external_ids,
        credits,
    };
    json(&details, status)
}

/// Movie credits of a person as cast and crew, newest first.
#[utoipa::path(get, path = "/people/{id}/credits", tag = "people",
    params(("id" = i64, Path, description = "TMDB person id")),
    responses(
        (status = 200, description = "The filmography", body = PersonCredits),
        (status = 400, description = "The id is not a positive integer"),
        (status = 404, description = "No such person"),
    ))]
pub async fn person_credits(
    State(state): State<AppState>,
    PathId(id): PathId<PersonId>,
) -> Result<CachedJson, ApiError> {
    let (person, status) = cached_person(&state, id).await?;
    json(&PersonCredits::new(&person), status)
}

fn page_of(page: Option<&str>, page_size: Option<&str>) -> Result<PageRequest, ApiError> {
    page_from_text(page, page_size).map_err(ApiError::Validation)
}

/// People by popularity.
#[utoipa::path(get, path = "/people/popular", tag = "people", params(PageQuery),
    responses(
        (status = 200, description = "A page of people", body = Page<PersonSummary>),
        (status = 422, description = "Bad paging"),
    ))]
pub async fn popular_people(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<CachedJson, ApiError> {
    let page = page_of(query.page.as_deref(), query.page_size.as_deref())?;
    let catalog = state.catalog()?;
    let key = state
        .cache()
        .list_key(
            "people_popular",
            &format!("{}:{}", page.page(), page.page_size()),
        )
        .await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::LIST, || catalog.popular_people(page))
        .await?;
    Ok(CachedJson(bytes, status))
}

/// Search people by name, most relevant first.
#[utoipa::path(get, path = "/people/search", tag = "people", params(SearchQuery),
    responses(
        (status = 200, description = "A page of people", body = Page<PersonSummary>),
        (status = 422, description = "Missing, empty or over-long q, or bad paging"),
    ))]
pub async fn search_people(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> Result<CachedJson, ApiError> {
    let mut errors = Vec::new();
    let text = match query.q.as_deref() {
        None => {
            errors.push(FieldError::new("q", "is required"));
            None
        }
        Some(q) => SearchText::parse(q)
            .map_err(|message| errors.push(FieldError::new("q", message)))
            .ok(),
    };
    let page = page_from_text(query.page.as_deref(), query.page_size.as_deref())
        .map_err(|more| errors.extend(more))
        .ok();
    let (Some(text), Some(page), true) = (text, page, errors.is_empty()) else {
        return Err(ApiError::Validation(errors));
    };
    let catalog = state.catalog()?;
    let params = format!("{}:{}:{}", text.cache_key(), page.page(), page.page_size());
    let key = state.cache().list_key("people_search", &params).await;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&key, ttl::SEARCH, || async move {
            catalog.search_people(&text, page).await
        })
        .await?;
    Ok(CachedJson(bytes, status))
}
