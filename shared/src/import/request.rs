//! What a seed run imports: the invocation payload `{source, pages?, lists?, people?}`.

use serde::{Deserialize, Serialize};

use crate::tmdb::MovieList;

/// Where the catalog comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    Tmdb,
    /// The catalog bundled with MovieVerse (no network).
    Sample,
    /// Awards and Wikidata ids alone, for the movies and people the catalog holds.
    Wikidata,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Tmdb => "tmdb",
            Self::Sample => "sample",
            Self::Wikidata => "wikidata",
        }
    }
}

/// A TMDB movie list, by its payload name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ListName {
    Popular,
    TopRated,
    NowPlaying,
    TrendingWeek,
}

impl From<ListName> for MovieList {
    fn from(name: ListName) -> Self {
        match name {
            ListName::Popular => Self::Popular,
            ListName::TopRated => Self::TopRated,
            ListName::NowPlaying => Self::NowPlaying,
            ListName::TrendingWeek => Self::TrendingWeek,
        }
    }
}

/// Pages per list: 1 to 500 (TMDB serves no page past 500).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct Pages(u32);

impl Pages {
    pub const MAX: u32 = 500;

    pub fn get(self) -> u32 {
        self.0
    }
}

impl TryFrom<u32> for Pages {
    type Error = String;

    fn try_from(value: u32) -> Result<Self, String> {
        if (1..=Self::MAX).contains(&value) {
            Ok(Self(value))
        } else {
            Err(format!("pages must be between 1 and {}", Self::MAX))
        }
    }
}

impl From<Pages> for u32 {
    fn from(pages: Pages) -> u32 {
        pages.0
    }
}

impl Default for Pages {
    fn default() -> Self {
        Self(1)
    }
}

fn all_lists() -> Vec<ListName> {
    vec![
        ListName::Popular,
        ListName::TopRated,
        ListName::NowPlaying,
        ListName::TrendingWeek,
    ]
}

fn yes() -> bool {
    true
}

/// One seed invocation. Absent fields mean: one page of every list, people included. The sample
/// source ignores `pages` and `lists` (it always loads the whole bundled catalog).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ImportRequest {
    pub source: SourceKind,
    #[serde(default)]
    pub pages: Pages,
    #[serde(default = "all_lists")]
    pub lists: Vec<ListName>,
    #[serde(default = "yes")]
    pub people: bool,
    /// After the catalog, import awards from Wikidata (implied by `source: wikidata`).
    #[serde(default)]
    pub awards: bool,
}

impl ImportRequest {
    /// The whole bundled sample catalog, people included.
    pub fn sample() -> Self {
        Self {
            source: SourceKind::Sample,
            pages: Pages::default(),
            lists: all_lists(),
            people: true,
            awards: false,
        }
    }

    /// The lists to read, each once, in the order asked.
    pub fn distinct_lists(&self) -> Vec<ListName> {
        let mut seen = Vec::new();
        for list in &self.lists {
            if !seen.contains(list) {
                seen.push(*list);
            }
        }
        seen
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn absent_fields_take_defaults_and_bad_ones_are_refused() {
        let request: ImportRequest = serde_json::from_value(json!({"source": "tmdb"})).unwrap();
        assert_eq!(request.pages.get(), 1);
        assert_eq!(request.lists.len(), 4);
        assert!(request.people);
        for bad in [
            json!({"source": "imdb"}),
            json!({"source": "tmdb", "pages": 0}),
            json!({"source": "tmdb", "pages": 501}),
            json!({"source": "tmdb", "pages": "5"}),
            json!({"source": "tmdb", "lists": ["upcoming"]}),
            json!({"source": "tmdb", "pagez": 2}),
            json!({"source": {"$gt": ""}}),
        ] {
            assert!(
                serde_json::from_value::<ImportRequest>(bad.clone()).is_err(),
                "{bad}"
            );
        }
    }
}
