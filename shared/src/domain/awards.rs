//! Awards (wins and nominations) and the external ids that join the catalog to other databases.
//!
//! An award body (`academy-awards`) gives awards in categories (`Best Picture`) at a yearly
//! ceremony; each entry of a movie or a person says which, in which year, and whether it was won.
//! Ids and slugs are checked when parsed, so a stored or queried value is always well formed.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{MovieId, PersonId};
use crate::catalog_query::fold;

/// Longest award id or category slug accepted.
pub const MAX_SLUG: usize = 60;
/// Longest category or ceremony name accepted.
pub const MAX_AWARD_NAME: usize = 120;

/// `Palme d'Or` → `palme-d-or`: lower-case ASCII letters and digits joined by single dashes.
pub fn slugify(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    slug
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text.len() <= MAX_SLUG
        && !text.starts_with('-')
        && !text.ends_with('-')
        && !text.contains("--")
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// The award bodies MovieVerse knows: id and name. The Wikidata import maps their items here,
/// and a filter or path naming any other id is refused.
pub const AWARD_BODIES: &[(&str, &str, &str)] = &[
    // (id, name, Wikidata item of the body)
    ("academy-awards", "Academy Awards", "Q19020"),
    ("cannes-film-festival", "Cannes Film Festival", "Q42369"),
    ("golden-globe-awards", "Golden Globe Awards", "Q1011547"),
    ("bafta-film-awards", "BAFTA Film Awards", "Q732997"),
    ("venice-film-festival", "Venice Film Festival", "Q49024"),
    (
        "berlin-film-festival",
        "Berlin International Film Festival",
        "Q130871",
    ),
];

/// An award body's id: one of [`AWARD_BODIES`].
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AwardId(&'static str);

impl AwardId {
    pub fn parse(text: &str) -> Result<Self, String> {
        AWARD_BODIES
            .iter()
            .find(|(id, _, _)| *id == text.trim())
            .map(|(id, _, _)| Self(id))
            .ok_or_else(|| {
                let known: Vec<&str> = AWARD_BODIES.iter().map(|(id, _, _)| *id).collect();
                format!("unknown award id; known ids: {}", known.join(", "))
            })
    }

    /// The body whose Wikidata item is `qid`.
    pub fn from_wikidata(qid: &str) -> Option<Self> {
        AWARD_BODIES
            .iter()
            .find(|(_, _, item)| *item == qid)
            .map(|(id, _, _)| Self(id))
    }

    pub fn as_str(&self) -> &'static str {
        self.0
    }

    pub fn name(&self) -> &'static str {
        AWARD_BODIES
            .iter()
            .find(|(id, _, _)| *id == self.0)
            .map_or(self.0, |(_, name, _)| name)
    }

    pub fn all() -> impl Iterator<Item = Self> {
        AWARD_BODIES.iter().map(|(id, _, _)| Self(id))
    }
}

impl Serialize for AwardId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for AwardId {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

impl fmt::Display for AwardId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0)
    }
}

impl utoipa::PartialSchema for AwardId {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let ids: Vec<&str> = AWARD_BODIES.iter().map(|(id, _, _)| *id).collect();
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(ids))
            .into()
    }
}
impl utoipa::ToSchema for AwardId {}

/// A category's slug (`best-picture`), as filters name it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct CategorySlug(String);

impl CategorySlug {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        if is_slug(text) {
            Ok(Self(text.to_string()))
        } else {
            Err("category must be a slug such as best-picture".into())
        }
    }

    pub fn of(category: &str) -> Self {
        Self(slugify(category))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A ceremony year.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(try_from = "i32", into = "i32")]
pub struct AwardYear(i32);

impl AwardYear {
    pub const FIRST: i32 = 1900;
    pub const LAST: i32 = 2200;

    pub fn new(year: i32) -> Option<Self> {
        (Self::FIRST..=Self::LAST)
            .contains(&year)
            .then_some(Self(year))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<i32>()
            .ok()
            .and_then(Self::new)
            .ok_or_else(|| "must be a year between 1900 and 2200".to_string())
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl TryFrom<i32> for AwardYear {
    type Error = String;
    fn try_from(year: i32) -> Result<Self, String> {
        Self::new(year).ok_or_else(|| "award years are between 1900 and 2200".into())
    }
}

impl From<AwardYear> for i32 {
    fn from(year: AwardYear) -> i32 {
        year.0
    }
}

impl fmt::Display for AwardYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// Whether an entry was won or only nominated. A win counts as a nomination too.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Won,
    Nominated,
}

/// Where an award entry came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum AwardSource {
    /// The Wikidata import (CC0).
    Wikidata,
    /// The bundled sample catalog.
    Sample,
    /// Set by an admin on a movie added on MovieVerse.
    User,
}

/// An award body as entries name it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AwardBody {
    pub id: AwardId,
    pub name: String,
}

impl From<AwardId> for AwardBody {
    fn from(id: AwardId) -> Self {
        Self {
            name: id.name().to_string(),
            id,
        }
    }
}

/// What an entry was for: the film, and the people it went to.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AwardFor {
    pub movie_id: Option<MovieId>,
    #[serde(default)]
    pub person_ids: Vec<PersonId>,
}

/// One win or nomination.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AwardEntry {
    pub award: AwardBody,
    /// Readable category name (`Best Picture`, `Palme d'Or`).
    pub category: String,
    pub year: AwardYear,
    /// The ceremony (`96th Academy Awards`).
    pub ceremony: String,
    pub outcome: Outcome,
    #[serde(rename = "for")]
    pub recipients: AwardFor,
    pub source: AwardSource,
}

impl AwardEntry {
    pub fn category_slug(&self) -> CategorySlug {
        CategorySlug::of(&self.category)
    }

    /// The filter keys this entry matches: the body alone and the body with the category.
    pub fn filter_keys(&self) -> [String; 2] {
        let body = self.award.id.as_str();
        [
            body.to_string(),
            format!("{body}:{}", self.category_slug().as_str()),
        ]
    }

    pub fn won(&self) -> bool {
        self.outcome == Outcome::Won
    }

    /// The order entries are listed in: newest first, then body, category, wins first.
    pub fn listing_order(a: &Self, b: &Self) -> std::cmp::Ordering {
        b.year
            .cmp(&a.year)
            .then(a.award.id.cmp(&b.award.id))
            .then(a.category.cmp(&b.category))
            .then(a.outcome.cmp(&b.outcome))
            .then(a.recipients.movie_id.cmp(&b.recipients.movie_id))
    }
}

/// How many wins and nominations (wins included) a list of entries holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AwardCounts {
    pub wins: u64,
    pub nominations: u64,
}

impl AwardCounts {
    pub fn of(entries: &[AwardEntry]) -> Self {
        Self {
            wins: entries.iter().filter(|e| e.won()).count() as u64,
            nominations: entries.len() as u64,
        }
    }
}

/// An IMDb id: `tt` (titles) or `nm` (names) and 7 or more digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(try_from = "String", into = "String")]
pub struct ImdbId(String);

impl ImdbId {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        let digits = text
            .strip_prefix("tt")
            .or_else(|| text.strip_prefix("nm"))
            .unwrap_or("");
        if (7..=10).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            Ok(Self(text.to_string()))
        } else {
            Err("IMDb ids are tt or nm followed by 7 to 10 digits".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ImdbId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<ImdbId> for String {
    fn from(id: ImdbId) -> String {
        id.0
    }
}

/// A Wikidata item id: `Q` and digits.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema,
)]
#[serde(try_from = "String", into = "String")]
pub struct WikidataId(String);

impl WikidataId {
    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        match text.strip_prefix('Q') {
            Some(digits)
                if (1..=12).contains(&digits.len())
                    && digits.bytes().all(|b| b.is_ascii_digit())
                    && !digits.starts_with('0') =>
            {
                Ok(Self(text.to_string()))
            }
            _ => Err("Wikidata ids are Q followed by digits".into()),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for WikidataId {
    type Error = String;
    fn try_from(text: String) -> Result<Self, String> {
        Self::parse(&text)
    }
}

impl From<WikidataId> for String {
    fn from(id: WikidataId) -> String {
        id.0
    }
}

/// Ids of the same movie or person in other databases.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExternalIds {
    pub imdb_id: Option<String>,
    pub wikidata_id: Option<WikidataId>,
}

/// Which external id `/find` looks up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalId {
    Imdb(ImdbId),
    Wikidata(WikidataId),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_folded_ascii_words() {
        assert_eq!(slugify("Palme d'Or"), "palme-d-or");
        assert_eq!(
            slugify("Best Actor in a Leading Role"),
            "best-actor-in-a-leading-role"
        );
        assert_eq!(
            slugify("  Best Foreign Language Film "),
            "best-foreign-language-film"
        );
        assert_eq!(slugify("Meilleur réalisateur"), "meilleur-realisateur");
        assert!(CategorySlug::parse("best-picture").is_ok());
        for bad in [
            "",
            "Best",
            "best--picture",
            "-best",
            "{\"$gt\":\"\"}",
            "a b",
        ] {
            assert!(CategorySlug::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn award_ids_are_known_bodies() {
        assert_eq!(
            AwardId::parse("academy-awards").unwrap().name(),
            "Academy Awards"
        );
        assert!(AwardId::parse("oscars").is_err());
        assert!(serde_json::from_str::<AwardId>("\"$gt\"").is_err());
        assert_eq!(
            AwardId::from_wikidata("Q19020").map(|id| id.as_str()),
            Some("academy-awards")
        );
    }

    #[test]
    fn external_ids_are_checked() {
        assert!(ImdbId::parse("tt0137523").is_ok());
        assert!(ImdbId::parse("nm0000093").is_ok());
        for bad in ["", "tt", "tt12", "xx0137523", "tt0137523x"] {
            assert!(ImdbId::parse(bad).is_err(), "{bad}");
        }
        assert!(WikidataId::parse("Q190050").is_ok());
        for bad in ["Q", "Q0", "q1", "P166", "Q1a"] {
            assert!(WikidataId::parse(bad).is_err(), "{bad}");
        }
    }
}
