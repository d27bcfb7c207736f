//! TMDB's query conventions: every parameter optional, unknown ones (`api_key`, `language`,
//! `region`, `include_adult`, anything a client library adds) ignored as TMDB ignores them, pages
//! of 20 from 1 to 500, ids that are positive integers.

use std::collections::HashMap;
use std::str::FromStr;

use axum::extract::FromRequestParts;
use axum::http::request::Parts;

use super::TmdbError;
use crate::http::PageRequest;

/// TMDB's page size: fixed, not a parameter.
pub const TMDB_PAGE_SIZE: u32 = 20;

/// The query string as name → value (the last of a repeated name wins; empty values are absent,
/// as TMDB reads them). Only the parameters a route knows are ever read, each through a parser
/// into a typed value, so `with_genres[$gt]=1` is just an unknown name and a value like
/// `{"$gt":1}` fails its parser: nothing here reaches a store as an operator.
#[derive(Debug, Clone, Default)]
pub struct TmdbQuery(HashMap<String, String>);

impl<S: Send + Sync> FromRequestParts<S> for TmdbQuery {
    type Rejection = TmdbError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, TmdbError> {
        Ok(Self::parse(parts.uri.query().unwrap_or_default()))
    }
}

impl TmdbQuery {
    pub fn parse(raw: &str) -> Self {
        Self(
            url::form_urlencoded::parse(raw.as_bytes())
                .filter(|(_, value)| !value.trim().is_empty())
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// `name` through `parse`; a value it refuses is TMDB's invalid-parameters error.
    pub fn parsed<T, E>(
        &self,
        name: &str,
        parse: impl FnOnce(&str) -> Result<T, E>,
    ) -> Result<Option<T>, TmdbError> {
        self.get(name)
            .map(|value| parse(value).map_err(|_| TmdbError::InvalidParameter(name.into())))
            .transpose()
    }

    /// `page` (1 when absent), 20 results a page.
    pub fn page(&self) -> Result<PageRequest, TmdbError> {
        let page = match self.get("page") {
            None => 1,
            Some(text) => text
                .trim()
                .parse::<u32>()
                .map_err(|_| TmdbError::InvalidPage)?,
        };
        PageRequest::new(page, TMDB_PAGE_SIZE).map_err(|_| TmdbError::InvalidPage)
    }

    /// `append_to_response`: comma-separated part names, unknown ones ignored as TMDB does.
    pub fn appended(&self) -> Vec<&str> {
        self.get("append_to_response")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .collect()
    }
}

/// The route's one path parameter, read as an id by [`parse_id`].
#[derive(Debug, Clone, Copy)]
pub struct TmdbPathId<T>(pub T);

impl<S: Send + Sync, T: FromStr + Send> FromRequestParts<S> for TmdbPathId<T> {
    type Rejection = TmdbError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, TmdbError> {
        let axum::extract::Path(text) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| TmdbError::NotFound)?;
        parse_id(&text).map(Self)
    }
}

/// A path id as TMDB reads it: not a number is an unknown resource (34), a number that can
/// never be an id (0, negative) is an invalid id (6).
pub fn parse_id<T: FromStr>(text: &str) -> Result<T, TmdbError> {
    let number: i64 = text.parse().map_err(|_| TmdbError::NotFound)?;
    if number <= 0 {
        return Err(TmdbError::InvalidId);
    }
    text.parse().map_err(|_| TmdbError::InvalidId)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::MovieId;

    #[test]
    fn pages_follow_tmdb() {
        assert_eq!(TmdbQuery::parse("").page().unwrap().page(), 1);
        assert_eq!(TmdbQuery::parse("page=500").page().unwrap().page(), 500);
        for bad in ["page=0", "page=501", "page=abc", "page=-1", "page=1.5"] {
            assert_eq!(
                TmdbQuery::parse(bad).page(),
                Err(TmdbError::InvalidPage),
                "{bad}"
            );
        }
    }

    #[test]
    fn ids_follow_tmdb() {
        assert_eq!(parse_id::<MovieId>("550").unwrap().get(), 550);
        assert_eq!(parse_id::<MovieId>("0"), Err(TmdbError::InvalidId));
        assert_eq!(parse_id::<MovieId>("abc"), Err(TmdbError::NotFound));
    }

    #[test]
    fn unknown_and_empty_parameters_are_absent() {
        let query = TmdbQuery::parse("api_key=x&language=&with_genres%5B%24gt%5D=1");
        assert_eq!(query.get("language"), None);
        assert_eq!(query.get("with_genres"), None);
        assert_eq!(query.get("api_key"), Some("x"));
    }
}
