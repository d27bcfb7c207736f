//! `GET /config` and `PUT /config`: the public app settings.

use std::collections::BTreeMap;

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};
use shared::auth::AdminUser;
use shared::cache::{kind, ttl};
use shared::domain::AppSettings;
use shared::error::FieldError;
use shared::http::{private_no_store, CachedJson, Json};
use shared::{ApiError, AppState};

const MAX_URL: usize = 500;
const MAX_LANGUAGES: usize = 100;
const MAX_FLAGS: usize = 100;
const MAX_VERSION: usize = 50;

/// What `/config` answers before an admin ever wrote settings.
pub fn default_settings() -> AppSettings {
    AppSettings {
        image_base_url: "https://image.tmdb.org/t/p/".into(),
        languages: vec!["en".into()],
        feature_flags: BTreeMap::new(),
        version: env!("CARGO_PKG_VERSION").into(),
    }
}

fn settings_key(state: &AppState) -> String {
    state.cache().key(kind::SETTINGS, "app")
}

/// Public app settings: image base URL, languages, feature flags, version.
#[utoipa::path(get, path = "/config", tag = "movies",
    responses((status = 200, description = "The settings", body = AppSettings)))]
pub async fn get_config(State(state): State<AppState>) -> Result<CachedJson, ApiError> {
    let catalog = state.catalog()?;
    let (bytes, status) = state
        .cache()
        .get_or_load_json(&settings_key(&state), ttl::DETAILS, || async move {
            Ok(catalog.settings().await?.unwrap_or_else(default_settings))
        })
        .await?;
    Ok(CachedJson(bytes, status))
}

/// Replace the app settings (admin).
#[utoipa::path(put, path = "/config", tag = "movies", request_body = AppSettings,
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The new settings", body = AppSettings),
        (status = 401, description = "No or invalid token"),
        (status = 403, description = "Not an admin"),
        (status = 422, description = "Invalid fields, each one listed"),
    ))]
pub async fn put_config(
    State(state): State<AppState>,
    AdminUser(admin): AdminUser,
    Json(body): Json<Map<String, Value>>,
) -> Result<Response, ApiError> {
    let settings = parse_settings(&body).map_err(ApiError::Validation)?;
    state.catalog()?.put_settings(&settings).await?;
    tracing::info!(admin = %admin.id, "app settings replaced");
    state.cache().invalidate(&[settings_key(&state)]).await;
    Ok((private_no_store(), axum::Json(settings)).into_response())
}

/// Checks a whole settings document, listing every bad field.
pub fn parse_settings(body: &Map<String, Value>) -> Result<AppSettings, Vec<FieldError>> {
    let mut errors = Vec::new();
    for key in body.keys() {
        if !["image_base_url", "languages", "feature_flags", "version"].contains(&key.as_str()) {
            errors.push(FieldError::new(
                key.chars().take(60).collect::<String>(),
                "unknown field",
            ));
        }
    }
    let image_base_url = match body.get("image_base_url") {
        Some(Value::String(text))
            if text.len() <= MAX_URL
                && url::Url::parse(text).is_ok_and(|u| u.scheme() == "https" && u.has_host()) =>
        {
            Some(text.clone())
        }
        None => {
            errors.push(FieldError::new("image_base_url", "is required"));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(
                "image_base_url",
                format!("must be an https URL of at most {MAX_URL} characters"),
            ));
            None
        }
    };
    let languages = match body.get("languages") {
        Some(Value::Array(items)) if !items.is_empty() && items.len() <= MAX_LANGUAGES => {
            let codes: Option<Vec<String>> = items
                .iter()
                .map(|item| {
                    item.as_str()
                        .filter(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_lowercase()))
                        .map(str::to_string)
                })
                .collect();
            if codes.is_none() {
                errors.push(FieldError::new(
                    "languages",
                    "must be ISO 639-1 codes (two lower-case letters)",
                ));
            }
            codes
        }
        None => {
            errors.push(FieldError::new("languages", "is required"));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(
                "languages",
                format!("must be a list of 1 to {MAX_LANGUAGES} language codes"),
            ));
            None
        }
    };
    let feature_flags = match body.get("feature_flags") {
        None | Some(Value::Null) => Some(BTreeMap::new()),
        Some(Value::Object(flags)) if flags.len() <= MAX_FLAGS => {
            let mut parsed = BTreeMap::new();
            for (name, value) in flags {
                // Flag names become document keys: plain names only (no `$` or `.`).
                let name_ok = (1..=50).contains(&name.len())
                    && name
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
                match (name_ok, value.as_bool()) {
                    (true, Some(on)) => {
                        parsed.insert(name.clone(), on);
                    }
                    _ => errors.push(FieldError::new(
                        format!(
                            "feature_flags.{}",
                            name.chars().take(50).collect::<String>()
                        ),
                        "flags are lower-case names (a-z, 0-9, _) set to true or false",
                    )),
                }
            }
            Some(parsed)
        }
        Some(_) => {
            errors.push(FieldError::new(
                "feature_flags",
                format!("must be an object of at most {MAX_FLAGS} boolean flags"),
            ));
            None
        }
    };
    let version = match body.get("version") {
        Some(Value::String(text)) if !text.trim().is_empty() && text.len() <= MAX_VERSION => {
            Some(text.trim().to_string())
        }
        None => {
            errors.push(FieldError::new("version", "is required"));
            None
        }
        Some(_) => {
            errors.push(FieldError::new(
                "version",
                format!("must be a string of 1 to {MAX_VERSION} characters"),
            ));
            None
        }
    };
    match (image_base_url, languages, feature_flags, version) {
        (Some(image_base_url), Some(languages), Some(feature_flags), Some(version))
            if errors.is_empty() =>
        {
            Ok(AppSettings {
                image_base_url,
                languages,
                feature_flags,
                version,
            })
        }
        _ => Err(errors),
    }
}
