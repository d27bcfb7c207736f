//! Bodies of `POST /movies` and `PATCH /movies/{id}`, checked field by field so a 422 lists
//! every bad field at once (wrong types and unknown fields included). Values only ever land in
//! typed fields of a [`Movie`], so a body holding `$where` or `{"$gt": ""}` is refused, never
//! passed on.

use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::HashMap;

use shared::domain::{Genre, GenreId, Movie};
use shared::error::FieldError;

const MAX_TITLE: usize = 300;
const MAX_OVERVIEW: usize = 5000;
const MAX_TAGLINE: usize = 500;
const MAX_PATH: usize = 300;
const MAX_LIST: usize = 50;
const MAX_NAME: usize = 200;
const MAX_RUNTIME: i64 = 2000;
const MAX_GENRES: usize = 20;

/// The documented shape of a movie body (every field optional on PATCH; `null` clears).
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct MovieBody {
    /// 1–300 characters (required on POST, never null).
    pub title: String,
    pub original_title: Option<String>,
    /// Up to 5000 characters.
    pub overview: Option<String>,
    pub tagline: Option<String>,
    /// YYYY-MM-DD.
    pub release_date: Option<String>,
    /// Minutes, 1–2000.
    pub runtime: Option<u32>,
    /// Ids of existing genres, at most 20.
    pub genre_ids: Option<Vec<i64>>,
    /// ISO 639-1 (two lower-case letters).
    pub original_language: Option<String>,
    pub spoken_languages: Option<Vec<String>>,
    /// ISO 3166-1 alpha-2 (two upper-case letters).
    pub production_countries: Option<Vec<String>>,
    pub production_companies: Option<Vec<String>>,
    /// An image path starting with `/`.
    pub poster_path: Option<String>,
    pub backdrop_path: Option<String>,
    /// `tt` and digits.
    pub imdb_id: Option<String>,
}

/// A field of a PATCH: absent (keep), null (clear) or a new value.
#[derive(Debug, Clone, PartialEq)]
pub enum Change<T> {
    Keep,
    Clear,
    Set(T),
}

impl<T> Change<T> {
    fn apply(self, target: &mut Option<T>) {
        match self {
            Self::Keep => {}
            Self::Clear => *target = None,
            Self::Set(value) => *target = Some(value),
        }
    }
}

/// A checked movie body.
#[derive(Debug, Clone)]
pub struct MovieChanges {
    pub title: Option<String>,
    pub original_title: Change<String>,
    pub overview: Change<String>,
    pub tagline: Change<String>,
    pub release_date: Change<NaiveDate>,
    pub runtime: Change<u32>,
    pub genres: Option<Vec<Genre>>,
    pub original_language: Change<String>,
    pub spoken_languages: Option<Vec<String>>,
    pub production_countries: Option<Vec<String>>,
    pub production_companies: Option<Vec<String>>,
    pub poster_path: Change<String>,
    pub backdrop_path: Change<String>,
    pub imdb_id: Change<String>,
}

const FIELDS: &[&str] = &[
    "title",
    "original_title",
    "overview",
    "tagline",
    "release_date",
    "runtime",
    "genre_ids",
    "original_language",
    "spoken_languages",
    "production_countries",
    "production_companies",
    "poster_path",
    "backdrop_path",
    "imdb_id",
];

/// Collects the errors of one body.
struct Checker<'a> {
    body: &'a Map<String, Value>,
    errors: Vec<FieldError>,
}

impl<'a> Checker<'a> {
    fn fail(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// A nullable text field with a length limit and a format check.
    fn text(
        &mut self,
        field: &str,
        max: usize,
        format: impl Fn(&str) -> Result<(), &'static str>,
    ) -> Change<String> {
        match self.body.get(field) {
            None => Change::Keep,
            Some(Value::Null) => Change::Clear,
            Some(Value::String(text)) => {
                let text = text.trim();
                if text.is_empty() {
                    self.fail(field, "must not be empty (send null to clear it)");
                    Change::Keep
                } else if text.chars().count() > max {
                    self.fail(field, format!("must be at most {max} characters"));
                    Change::Keep
                } else if let Err(message) = format(text) {
                    self.fail(field, message);
                    Change::Keep
                } else {
                    Change::Set(text.to_string())
                }
            }
            Some(_) => {
                self.fail(field, "must be a string or null");
                Change::Keep
            }
        }
    }

    /// A list of short strings, each checked by `format`.
    fn list(
        &mut self,
        field: &str,
        format: impl Fn(&str) -> Result<(), &'static str>,
    ) -> Option<Vec<String>> {
        let value = self.body.get(field)?;
        let items = match value {
            Value::Null => return Some(Vec::new()),
            Value::Array(items) => items,
            _ => {
                self.fail(field, "must be a list of strings");
                return None;
            }
        };
        if items.len() > MAX_LIST {
            self.fail(field, format!("must hold at most {MAX_LIST} items"));
            return None;
        }
        let mut out = Vec::new();
        for (index, item) in items.iter().enumerate() {
            match item.as_str().map(str::trim) {
                Some(text) if !text.is_empty() && text.chars().count() <= MAX_NAME => {
                    if let Err(message) = format(text) {
                        self.fail(&format!("{field}[{index}]"), message);
                    } else if !out.iter().any(|o| o == text) {
                        out.push(text.to_string());
                    }
                }
                _ => self.fail(
                    &format!("{field}[{index}]"),
                    format!("must be a string of 1 to {MAX_NAME} characters"),
                ),
            }
        }
        Some(out)
    }
}

fn any(_: &str) -> Result<(), &'static str> {
    Ok(())
}

fn language(text: &str) -> Result<(), &'static str> {
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err("must be an ISO 639-1 code (two lower-case letters)")
    }
}

fn country(text: &str) -> Result<(), &'static str> {
    if text.len() == 2 && text.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(())
    } else {
        Err("must be an ISO 3166-1 code (two upper-case letters)")
    }
}

fn image_path(text: &str) -> Result<(), &'static str> {
    let ok = text.starts_with('/')
        && !text.contains("..")
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err("must be an image path like /abc123.jpg")
    }
}

fn imdb(text: &str) -> Result<(), &'static str> {
    let digits = text.strip_prefix("tt").unwrap_or("");
    if (7..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(())
    } else {
        Err("must be an IMDb id like tt0133093")
    }
}

impl MovieChanges {
    /// Checks a body against the catalog's genres (`known`: id → name); on POST (`creating`)
    /// the title is required.
    pub fn parse(
        body: &Map<String, Value>,
        creating: bool,
        known: &HashMap<GenreId, String>,
    ) -> Result<Self, Vec<FieldError>> {
        let mut check = Checker {
            body,
            errors: Vec::new(),
        };
        for key in body.keys() {
            if !FIELDS.contains(&key.as_str()) {
                let shown: String = key.chars().take(60).collect();
                check.fail(&shown, "unknown field");
            }
        }
        let title = match check.text("title", MAX_TITLE, any) {
            Change::Set(title) => Some(title),
            Change::Clear => {
                check.fail("title", "must not be null");
                None
            }
            Change::Keep => {
                if creating && !body.contains_key("title") {
                    check.fail("title", "is required");
                }
                None
            }
        };
        let original_title = check.text("original_title", MAX_TITLE, any);
        let overview = check.text("overview", MAX_OVERVIEW, any);
        let tagline = check.text("tagline", MAX_TAGLINE, any);
        let release_date = match check.text("release_date", 10, any) {
            Change::Set(text) => match NaiveDate::parse_from_str(&text, "%Y-%m-%d") {
                Ok(date) => Change::Set(date),
                Err(_) => {
                    check.fail("release_date", "must be a date (YYYY-MM-DD)");
                    Change::Keep
                }
            },
            Change::Clear => Change::Clear,
            Change::Keep => Change::Keep,
        };
        let runtime = match body.get("runtime") {
            None => Change::Keep,
            Some(Value::Null) => Change::Clear,
            Some(value) => match value.as_i64().filter(|m| (1..=MAX_RUNTIME).contains(m)) {
                Some(minutes) => Change::Set(u32::try_from(minutes).unwrap_or(1)),
                None => {
                    check.fail(
                        "runtime",
                        format!("must be an integer from 1 to {MAX_RUNTIME}"),
                    );
                    Change::Keep
                }
            },
        };
        let genres = match body.get("genre_ids") {
            None => None,
            Some(Value::Null) => Some(Vec::new()),
            Some(Value::Array(items)) if items.len() <= MAX_GENRES => {
                let ids: Option<Vec<GenreId>> = items
                    .iter()
                    .map(|v| v.as_i64().and_then(GenreId::new))
                    .collect();
                match ids {
                    Some(mut ids) => {
                        ids.sort();
                        ids.dedup();
                        let unknown: Vec<String> = ids
                            .iter()
                            .filter(|id| !known.contains_key(id))
                            .map(ToString::to_string)
                            .collect();
                        if unknown.is_empty() {
                            Some(
                                ids.into_iter()
                                    .map(|id| Genre {
                                        id,
                                        name: known.get(&id).cloned().unwrap_or_default(),
                                    })
                                    .collect(),
                            )
                        } else {
                            check.fail(
                                "genre_ids",
                                format!("unknown genre ids: {}", unknown.join(", ")),
                            );
                            None
                        }
                    }
                    None => {
                        check.fail("genre_ids", "must be positive integer genre ids");
                        None
                    }
                }
            }
            Some(_) => {
                check.fail(
                    "genre_ids",
                    format!("must be a list of at most {MAX_GENRES} genre ids"),
                );
                None
            }
        };
        let original_language = check.text("original_language", 2, language);
        let spoken_languages = check.list("spoken_languages", language);
        let production_countries = check.list("production_countries", country);
        let production_companies = check.list("production_companies", any);
        let poster_path = check.text("poster_path", MAX_PATH, image_path);
        let backdrop_path = check.text("backdrop_path", MAX_PATH, image_path);
        let imdb_id = check.text("imdb_id", 12, imdb);
        if !check.errors.is_empty() {
            return Err(check.errors);
        }
        Ok(Self {
            title,
            original_title,
            overview,
            tagline,
            release_date,
            runtime,
            genres,
            original_language,
            spoken_languages,
            production_countries,
            production_companies,
            poster_path,
            backdrop_path,
            imdb_id,
        })
    }

    /// Writes the changes into `movie`.
    pub fn apply(self, movie: &mut Movie) {
        if let Some(title) = self.title {
            movie.title = title;
        }
        self.original_title.apply(&mut movie.original_title);
        self.overview.apply(&mut movie.overview);
        self.tagline.apply(&mut movie.tagline);
        self.release_date.apply(&mut movie.release_date);
        self.runtime.apply(&mut movie.runtime);
        if let Some(genres) = self.genres {
            movie.genres = genres;
        }
        self.original_language.apply(&mut movie.original_language);
        if let Some(list) = self.spoken_languages {
            movie.spoken_languages = list;
        }
        if let Some(list) = self.production_countries {
            movie.production_countries = list;
        }
        if let Some(list) = self.production_companies {
            movie.production_companies = list;
        }
        self.poster_path.apply(&mut movie.poster_path);
        self.backdrop_path.apply(&mut movie.backdrop_path);
        self.imdb_id.apply(&mut movie.imdb_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(body: Value, creating: bool) -> Result<MovieChanges, Vec<String>> {
        let Value::Object(map) = body else { panic!() };
        let known = HashMap::from([(GenreId::new(28).unwrap(), "Action".to_string())]);
        MovieChanges::parse(&map, creating, &known)
            .map_err(|errors| errors.into_iter().map(|e| e.field).collect())
    }

    #[test]
    fn every_bad_field_is_listed() {
        let errors = parse(
            serde_json::json!({
                "title": {"$gt": ""},
                "runtime": "long",
                "release_date": "yesterday",
                "genre_ids": [28, "x"],
                "poster_path": "http://evil/x.jpg",
                "spoken_languages": ["en", "ENG"],
                "$where": "sleep(1000)",
            }),
            true,
        )
        .unwrap_err();
        for field in [
            "$where",
            "title",
            "release_date",
            "runtime",
            "genre_ids",
            "spoken_languages[1]",
            "poster_path",
        ] {
            assert!(errors.iter().any(|e| e == field), "{field} in {errors:?}");
        }
    }

    #[test]
    fn title_is_required_on_create_and_never_null() {
        assert_eq!(parse(serde_json::json!({}), true).unwrap_err(), ["title"]);
        assert!(parse(serde_json::json!({}), false).is_ok());
        assert_eq!(
            parse(serde_json::json!({"title": null}), false).unwrap_err(),
            ["title"]
        );
    }

    #[test]
    fn genres_must_exist() {
        let changes = parse(serde_json::json!({"genre_ids": [28, 28]}), false).unwrap();
        assert_eq!(changes.genres.unwrap()[0].name, "Action");
        assert_eq!(
            parse(serde_json::json!({"genre_ids": [28, 99]}), false).unwrap_err(),
            ["genre_ids"]
        );
    }

    #[test]
    fn null_clears_and_absent_keeps() {
        let changes = parse(serde_json::json!({"tagline": null, "runtime": 120}), false).unwrap();
        assert_eq!(changes.tagline, Change::Clear);
        assert_eq!(changes.overview, Change::Keep);
        assert_eq!(changes.runtime, Change::Set(120));
    }
}
