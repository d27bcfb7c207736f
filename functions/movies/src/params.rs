//! Query strings of the movies routes: raw text in (unknown names refused, so
//! `min_rating[$gt]=` is a 422), typed values out, every bad parameter listed.

use serde::Deserialize;
use shared::catalog_query::{page_from_text, MovieSearch, SearchText, Year};
use shared::error::FieldError;
use shared::http::PageRequest;
use shared::ApiError;

/// `?page=&page_size=` alone.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Page number, from 1.
    pub page: Option<String>,
    /// Results per page, 1–100 (default 20).
    pub page_size: Option<String>,
}

impl PageQuery {
    pub fn parse(&self) -> Result<PageRequest, ApiError> {
        page_from_text(self.page.as_deref(), self.page_size.as_deref())
            .map_err(ApiError::Validation)
    }
}

/// Query of `GET /movies/trending`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct TrendingQuery {
    /// `day` or `week` (default).
    pub window: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// The window trending looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Day,
    Week,
}

impl Window {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Week => "week",
        }
    }
}

impl TrendingQuery {
    pub fn parse(&self) -> Result<(Window, PageRequest), ApiError> {
        let mut errors = Vec::new();
        let window = match self.window.as_deref().map(str::trim) {
            None | Some("week") => Window::Week,
            Some("day") => Window::Day,
            Some(_) => {
                errors.push(FieldError::new("window", "must be day or week"));
                Window::Week
            }
        };
        let page = page_from_text(self.page.as_deref(), self.page_size.as_deref());
        match page {
            Ok(page) if errors.is_empty() => Ok((window, page)),
            Ok(_) => Err(ApiError::Validation(errors)),
            Err(more) => {
                errors.extend(more);
                Err(ApiError::Validation(errors))
            }
        }
    }
}

/// Query of `GET /movies/search`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Search text, 1–200 characters; case and accents are ignored.
    pub q: Option<String>,
    /// Release year.
    pub year: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

impl SearchQuery {
    pub fn parse(&self) -> Result<(MovieSearch, PageRequest), ApiError> {
        let mut errors = Vec::new();
        let text = match self.q.as_deref() {
            None => {
                errors.push(FieldError::new("q", "is required"));
                None
            }
            Some(q) => SearchText::parse(q)
                .map_err(|message| errors.push(FieldError::new("q", message)))
                .ok(),
        };
        let year = match self.year.as_deref() {
            None => None,
            Some(year) => Year::parse(year)
                .map_err(|message| errors.push(FieldError::new("year", message)))
                .ok(),
        };
        let page = page_from_text(self.page.as_deref(), self.page_size.as_deref())
            .map_err(|more| errors.extend(more))
            .ok();
        match (text, page) {
            (Some(text), Some(page)) if errors.is_empty() => Ok((MovieSearch { text, year }, page)),
            _ => Err(ApiError::Validation(errors)),
        }
    }
}

/// Query of `GET /movies/{id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DetailsQuery {
    /// Parts to embed, comma-separated: `credits`, `keywords`, `rating`, `awards`, `similar`.
    pub append: Option<String>,
}

/// The parts `append` may ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Append {
    pub credits: bool,
    pub keywords: bool,
    pub rating: bool,
    pub awards: bool,
    pub similar: bool,
}

impl Append {
    /// Which cached rendering of the details this asks for (`similar` aside, which is paged
    /// and cached on its own): a number below [`shared::cache::DETAILS_VARIANTS`].
    pub fn details_variant(self) -> u8 {
        u8::from(self.credits)
            | u8::from(self.keywords) << 1
            | u8::from(self.rating) << 2
            | u8::from(self.awards) << 3
    }
}

impl DetailsQuery {
    pub fn parse(&self) -> Result<Append, ApiError> {
        let mut append = Append::default();
        let mut unknown = Vec::new();
        for part in self
            .append
            .as_deref()
            .unwrap_or("")
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            match part {
                "credits" => append.credits = true,
                "keywords" => append.keywords = true,
                "rating" => append.rating = true,
                "awards" => append.awards = true,
                "similar" => append.similar = true,
                other => unknown.push(other.chars().take(40).collect::<String>()),
            }
        }
        if unknown.is_empty() {
            Ok(append)
        } else {
            Err(ApiError::validation(
                "append",
                format!(
                    "unknown part(s) {}; use credits, keywords, rating, awards, similar",
                    unknown.join(", ")
                ),
            ))
        }
    }
}

/// Query of `GET /find/{external_id}`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FindQuery {
    /// `imdb_id` or `wikidata_id` (required).
    pub external_source: Option<String>,
}
