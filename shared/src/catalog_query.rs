//! Catalog queries as typed values: discover filters and sorts, search text, and the rules both
//! catalog adapters share (text folding, the top-rated score, content hashes, similarity weights).
//!
//! Query strings are parsed into these types at the edge; a store only ever sees values that are
//! valid, so nothing a client sends can become a database operator or a SQL fragment.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::domain::{AwardId, CategorySlug, GenreId, Movie, Person, PersonId, RatingSummary};
use crate::error::FieldError;

/// A movie needs this many MovieVerse reviews before its own average ranks it in top rated.
pub const TOP_RATED_MIN_REVIEWS: u64 = 3;
/// Without enough reviews, TMDB's average ranks it when TMDB has this many votes.
pub const TOP_RATED_MIN_TMDB_VOTES: u64 = 50;
/// Movies added on MovieVerse get ids from here up, far above TMDB's.
pub const FIRST_USER_MOVIE_ID: i64 = 1_000_000_000;
/// Search ranks at most this many matches (`total_results` is capped here too): nobody pages
/// past them, and it bounds the work of a vague query.
pub const MAX_SEARCH_RESULTS: u64 = 1000;
/// Longest search text accepted (characters).
pub const MAX_SEARCH_CHARS: usize = 200;
/// Search uses at most this many words of the text.
const MAX_SEARCH_TOKENS: usize = 16;
/// At most this many ids in one `genres`/`with_people` filter or `ids` list.
pub const MAX_FILTER_IDS: usize = 100;

/// Lower-case, accent-free text (`Amélie` → `amelie`): what sorting and matching compare.
pub fn fold(text: &str) -> String {
    text.nfkd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of `text`, folded: runs of letters and digits.
pub fn fold_words(text: &str) -> Vec<String> {
    fold(text)
        .split(|c: char| !c.is_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect()
}

/// The top-rated rank of a movie: its MovieVerse average once it has enough reviews, else TMDB's
/// average once TMDB has enough votes, else -1 (not ranked). Both averages are on the 0–10 scale,
/// so the two kinds of movie rank together.
pub fn top_score(rating: RatingSummary, vote_average: f64, vote_count: u64) -> f64 {
    if rating.count >= TOP_RATED_MIN_REVIEWS {
        rating.average
    } else if vote_count >= TOP_RATED_MIN_TMDB_VOTES {
        vote_average
    } else {
        -1.0
    }
}

/// A digest of what a TMDB import writes: the document without `updated_at`, `rating` and the
/// Wikidata part (`wikidata_id`, `awards`), which that import never changes. Equal digests mean
/// a re-import would change nothing.
pub fn movie_content_hash(movie: &Movie) -> String {
    let mut normalized = movie.clone();
    normalized.updated_at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    normalized.rating = RatingSummary::default();
    normalized.wikidata_id = None;
    normalized.awards = Vec::new();
    digest(&normalized)
}

/// Like [`movie_content_hash`], for people.
pub fn person_content_hash(person: &Person) -> String {
    let mut normalized = person.clone();
    normalized.updated_at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
    normalized.wikidata_id = None;
    normalized.awards = Vec::new();
    digest(&normalized)
}

fn digest(value: &impl Serialize) -> String {
    // Serializing our own plain structs cannot fail; an empty digest would only mean "changed".
    let bytes = serde_json::to_vec(value).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

/// A set of ids that must all match (`28,12`) or any of which may (`28|12`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdSet<T> {
    All(Vec<T>),
    Any(Vec<T>),
}

impl<T> IdSet<T> {
    pub fn ids(&self) -> &[T] {
        match self {
            Self::All(ids) | Self::Any(ids) => ids,
        }
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Self::All(_))
    }
}

impl<T: std::str::FromStr + Ord> IdSet<T> {
    /// `1,2,3` (all of) or `1|2|3` (any of); mixing both separators is refused.
    pub fn parse(text: &str) -> Result<Self, String> {
        let (any, parts): (bool, Vec<&str>) = match (text.contains(','), text.contains('|')) {
            (true, true) => return Err("use either `,` (all of) or `|` (any of), not both".into()),
            (false, true) => (true, text.split('|').collect()),
            _ => (false, text.split(',').collect()),
        };
        let mut ids = parts
            .into_iter()
            .map(|part| part.trim().parse::<T>().map_err(|_| ()))
            .collect::<Result<Vec<T>, ()>>()
            .map_err(|()| "must be positive integer ids separated by `,` or `|`".to_string())?;
        ids.sort();
        ids.dedup();
        if ids.is_empty() || ids.len() > MAX_FILTER_IDS {
            return Err(format!("must hold 1 to {MAX_FILTER_IDS} ids"));
        }
        Ok(if any { Self::Any(ids) } else { Self::All(ids) })
    }
}

/// At most this many awards in one `awards_won`/`awards_nominated` filter.
pub const MAX_AWARD_FILTERS: usize = 20;

/// An award filter term: a body (`academy-awards`) or a body and category
/// (`academy-awards:best-picture`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AwardKey {
    pub award: AwardId,
    pub category: Option<CategorySlug>,
}

impl AwardKey {
    pub fn parse(text: &str) -> Result<Self, String> {
        let (award, category) = match text.trim().split_once(':') {
            Some((award, category)) => (award, Some(CategorySlug::parse(category)?)),
            None => (text.trim(), None),
        };
        Ok(Self {
            award: AwardId::parse(award)?,
            category,
        })
    }

    /// `academy-awards` or `academy-awards:best-picture`, as movies store their filter keys.
    pub fn key(&self) -> String {
        match &self.category {
            Some(category) => format!("{}:{}", self.award, category.as_str()),
            None => self.award.to_string(),
        }
    }

    /// Filters of awards: `a,b` (all of) or `a|b` (any of); mixing both separators is refused.
    pub fn parse_set(text: &str) -> Result<IdSet<Self>, String> {
        let (any, parts): (bool, Vec<&str>) = match (text.contains(','), text.contains('|')) {
            (true, true) => return Err("use either `,` (all of) or `|` (any of), not both".into()),
            (false, true) => (true, text.split('|').collect()),
            _ => (false, text.split(',').collect()),
        };
        let mut keys = parts
            .into_iter()
            .map(Self::parse)
            .collect::<Result<Vec<_>, _>>()?;
        keys.sort();
        keys.dedup();
        if keys.is_empty() || keys.len() > MAX_AWARD_FILTERS {
            return Err(format!("must hold 1 to {MAX_AWARD_FILTERS} awards"));
        }
        Ok(if any {
            IdSet::Any(keys)
        } else {
            IdSet::All(keys)
        })
    }
}

impl Serialize for AwardKey {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.key())
    }
}

/// A release year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Year(i32);

impl Year {
    pub const FIRST: i32 = 1800;
    pub const LAST: i32 = 2200;

    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<i32>()
            .ok()
            .filter(|y| (Self::FIRST..=Self::LAST).contains(y))
            .map(Self)
            .ok_or_else(|| format!("must be a year between {} and {}", Self::FIRST, Self::LAST))
    }

    pub fn get(self) -> i32 {
        self.0
    }

    /// First and last day of the year, as `YYYY-MM-DD`.
    pub fn date_range(self) -> (String, String) {
        (
            format!("{:04}-01-01", self.0),
            format!("{:04}-12-31", self.0),
        )
    }
}

/// An ISO 639-1 language code: two lower-case letters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Language(String);

impl Language {
    pub fn parse(text: &str) -> Result<Self, String> {
        let code = text.trim();
        if code.len() == 2 && code.bytes().all(|b| b.is_ascii_lowercase()) {
            Ok(Self(code.to_string()))
        } else {
            Err("must be an ISO 639-1 code (two lower-case letters)".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How discover orders its results. Every order ends with the id, so pages never overlap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
pub enum DiscoverSort {
    #[default]
    #[serde(rename = "popularity.desc")]
    PopularityDesc,
    #[serde(rename = "release_date.desc")]
    ReleaseDateDesc,
    #[serde(rename = "release_date.asc")]
    ReleaseDateAsc,
    #[serde(rename = "rating.desc")]
    RatingDesc,
    #[serde(rename = "title.asc")]
    TitleAsc,
}

impl DiscoverSort {
    pub const ALL: [Self; 5] = [
        Self::PopularityDesc,
        Self::ReleaseDateDesc,
        Self::ReleaseDateAsc,
        Self::RatingDesc,
        Self::TitleAsc,
    ];

    /// Every accepted spelling, as the API documents them.
    pub const NAMES: [&'static str; 5] = [
        Self::ALL[0].as_str(),
        Self::ALL[1].as_str(),
        Self::ALL[2].as_str(),
        Self::ALL[3].as_str(),
        Self::ALL[4].as_str(),
    ];

    /// The name clients give it in `sort`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::PopularityDesc => "popularity.desc",
            Self::ReleaseDateDesc => "release_date.desc",
            Self::ReleaseDateAsc => "release_date.asc",
            Self::RatingDesc => "rating.desc",
            Self::TitleAsc => "title.asc",
        }
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let text = text.trim();
        Self::ALL
            .into_iter()
            .find(|sort| sort.as_str() == text)
            .ok_or_else(|| format!("must be one of {}", Self::NAMES.join(", ")))
    }
}

/// Discover filters. `min_rating`/`min_votes`/`rating.desc` use TMDB's vote average and count,
/// which every movie has; MovieVerse's own ratings rank `/movies/top-rated`.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct DiscoverQuery {
    pub genres: Option<IdSet<GenreId>>,
    pub year: Option<Year>,
    pub release_date_gte: Option<NaiveDate>,
    pub release_date_lte: Option<NaiveDate>,
    pub min_rating: Option<MinRating>,
    pub min_votes: Option<u64>,
    pub language: Option<Language>,
    pub with_people: Option<IdSet<PersonId>>,
    /// Movies that won these awards.
    pub awards_won: Option<IdSet<AwardKey>>,
    /// Movies nominated for these awards (a win counts as a nomination).
    pub awards_nominated: Option<IdSet<AwardKey>>,
    pub sort: DiscoverSort,
}

impl DiscoverQuery {
    /// The release date bounds of all date filters together (`year` and the explicit range),
    /// as inclusive `YYYY-MM-DD` text.
    pub fn release_bounds(&self) -> (Option<String>, Option<String>) {
        let mut low = self.release_date_gte.map(|d| d.to_string());
        let mut high = self.release_date_lte.map(|d| d.to_string());
        if let Some(year) = self.year {
            let (first, last) = year.date_range();
            low = Some(low.map_or(first.clone(), |l| l.max(first)));
            high = Some(high.map_or(last.clone(), |h| h.min(last)));
        }
        (low, high)
    }

    /// A stable text form, for cache keys.
    pub fn cache_key(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// A minimum vote average, 0–10.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct MinRating(f64);

impl MinRating {
    pub const MAX: f64 = 10.0;

    pub fn parse(text: &str) -> Result<Self, String> {
        text.trim()
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && (0.0..=Self::MAX).contains(v))
            .map(Self)
            .ok_or_else(|| "must be a number from 0 to 10".to_string())
    }

    pub fn get(self) -> f64 {
        self.0
    }
}

/// Search text: 1–200 characters, not blank, kept as folded words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SearchText {
    words: Vec<String>,
}

impl SearchText {
    pub fn parse(text: &str) -> Result<Self, String> {
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err("must not be empty".into());
        }
        if text.chars().count() > MAX_SEARCH_CHARS {
            return Err(format!("must be at most {MAX_SEARCH_CHARS} characters"));
        }
        let mut words = fold_words(trimmed);
        words.truncate(MAX_SEARCH_TOKENS);
        Ok(Self { words })
    }

    /// Folded words (letters and digits only), possibly none for text like `!!!`.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// A query matching every word, for SQLite's FTS5 and MongoDB's `$text` alike: each word
    /// quoted. FTS5 then reads no word as syntax; MongoDB requires every quoted phrase, where
    /// it would match any one of plain words (`the godfather` would match most of a catalog).
    pub fn all_words_query(&self) -> String {
        self.words
            .iter()
            .map(|w| format!("\"{w}\""))
            .collect::<Vec<_>>()
            .join(" ")
    }

    pub fn cache_key(&self) -> String {
        self.words.join(" ")
    }
}

/// A movie search: text and an optional release year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovieSearch {
    pub text: SearchText,
    pub year: Option<Year>,
}

impl MovieSearch {
    pub fn cache_key(&self) -> String {
        match self.year {
            Some(year) => format!("{}|{}", self.text.cache_key(), year.get()),
            None => self.text.cache_key(),
        }
    }
}

/// Raw discover parameters as they appear in the query string; unknown names are refused, so
/// `min_rating[$gt]=` is a 422 naming that field.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct DiscoverParams {
    /// Genre ids: `28,12` = all of them, `28|12` = any of them.
    pub genres: Option<String>,
    /// Release year.
    pub year: Option<String>,
    /// Released on or after (YYYY-MM-DD).
    pub release_date_gte: Option<String>,
    /// Released on or before (YYYY-MM-DD).
    pub release_date_lte: Option<String>,
    /// Minimum TMDB vote average (0–10).
    pub min_rating: Option<String>,
    /// Minimum TMDB vote count.
    pub min_votes: Option<String>,
    /// Original language (ISO 639-1).
    pub language: Option<String>,
    /// Person ids: `,` = all of them, `|` = any of them.
    pub with_people: Option<String>,
    /// Awards won: `academy-awards` or `academy-awards:best-picture`; `,` = all of them,
    /// `|` = any of them.
    pub awards_won: Option<String>,
    /// Awards nominated for (wins count), same syntax as `awards_won`.
    pub awards_nominated: Option<String>,
    /// `popularity.desc` (default), `release_date.desc`, `release_date.asc`, `rating.desc`, `title.asc`.
    pub sort: Option<String>,
    /// Up to 100 movie ids: returns exactly those movies, in this order, as one page; the
    /// filters, `sort` and paging do not apply to them.
    pub ids: Option<String>,
    pub page: Option<String>,
    pub page_size: Option<String>,
}

/// Parses one optional parameter, recording its error under `name`.
fn check<T>(
    errors: &mut Vec<FieldError>,
    name: &str,
    value: &Option<String>,
    parse: impl FnOnce(&str) -> Result<T, String>,
) -> Option<T> {
    match parse(value.as_deref()?) {
        Ok(parsed) => Some(parsed),
        Err(message) => {
            errors.push(FieldError::new(name, message));
            None
        }
    }
}

/// What a discover request asks for.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscoverRequest {
    /// Exactly these movies, in this order (each once).
    Ids(Vec<crate::domain::MovieId>),
    Filtered(DiscoverQuery),
}

impl DiscoverParams {
    /// Validates every parameter, listing every bad one.
    pub fn parse(&self) -> Result<DiscoverRequest, Vec<FieldError>> {
        let mut errors = Vec::new();
        let e = &mut errors;
        let date = |text: &str| {
            NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
                .map_err(|_| "must be a date (YYYY-MM-DD)".to_string())
        };
        let query = DiscoverQuery {
            genres: check(e, "genres", &self.genres, IdSet::parse),
            year: check(e, "year", &self.year, Year::parse),
            release_date_gte: check(e, "release_date_gte", &self.release_date_gte, date),
            release_date_lte: check(e, "release_date_lte", &self.release_date_lte, date),
            min_rating: check(e, "min_rating", &self.min_rating, MinRating::parse),
            min_votes: check(e, "min_votes", &self.min_votes, |t| {
                t.trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|v| i64::try_from(*v).is_ok())
                    .ok_or_else(|| "must be a non-negative integer".to_string())
            }),
            language: check(e, "language", &self.language, Language::parse),
            with_people: check(e, "with_people", &self.with_people, IdSet::parse),
            awards_won: check(e, "awards_won", &self.awards_won, AwardKey::parse_set),
            awards_nominated: check(
                e,
                "awards_nominated",
                &self.awards_nominated,
                AwardKey::parse_set,
            ),
            sort: check(e, "sort", &self.sort, DiscoverSort::parse).unwrap_or_default(),
        };
        let ids = check(e, "ids", &self.ids, |text| {
            let ids = text
                .split(',')
                .map(|part| {
                    part.trim()
                        .parse::<crate::domain::MovieId>()
                        .map_err(|_| ())
                })
                .collect::<Result<Vec<_>, ()>>()
                .map_err(|()| "must be positive integer ids separated by `,`".to_string())?;
            if ids.is_empty() || ids.len() > MAX_FILTER_IDS {
                Err(format!("must hold 1 to {MAX_FILTER_IDS} ids"))
            } else {
                Ok(ids)
            }
        });
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(match ids {
            Some(ids) => DiscoverRequest::Ids(ids),
            None => DiscoverRequest::Filtered(query),
        })
    }
}

/// `page` and `page_size` from query-string text, every problem listed (non-integers included).
pub fn page_from_text(
    page: Option<&str>,
    page_size: Option<&str>,
) -> Result<crate::http::PageRequest, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut number = |name: &str, text: Option<&str>| match text {
        None => None,
        Some(text) => match text.trim().parse::<i64>() {
            Ok(value) => Some(value),
            Err(_) => {
                errors.push(FieldError::new(name, "must be an integer"));
                None
            }
        },
    };
    let params = crate::http::PageParams {
        page: number("page", page),
        page_size: number("page_size", page_size),
    };
    match crate::http::PageRequest::try_from(params) {
        Ok(request) if errors.is_empty() => Ok(request),
        Ok(_) => Err(errors),
        Err(crate::error::ApiError::Validation(more)) => {
            errors.extend(more);
            Err(errors)
        }
        Err(_) => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folding_drops_case_and_accents() {
        assert_eq!(fold("Amélie"), "amelie");
        assert_eq!(fold("ÉCOLE Ça"), "ecole ca");
        assert_eq!(
            fold_words("Léon: The Professional!"),
            ["leon", "the", "professional"]
        );
    }

    #[test]
    fn id_sets_parse_all_and_any() {
        assert_eq!(
            IdSet::<GenreId>::parse("28,12").unwrap(),
            IdSet::All(vec![GenreId::new(12).unwrap(), GenreId::new(28).unwrap()])
        );
        assert!(matches!(
            IdSet::<GenreId>::parse("28|12"),
            Ok(IdSet::Any(_))
        ));
        for bad in ["", "28,|12", "a", "0", "-1", "28,,12", "{\"$gt\":\"\"}"] {
            assert!(IdSet::<GenreId>::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn award_filters_parse_known_bodies_and_slugs() {
        let set = AwardKey::parse_set("academy-awards:best-picture|cannes-film-festival").unwrap();
        assert!(!set.is_all());
        let keys: Vec<String> = set.ids().iter().map(AwardKey::key).collect();
        assert_eq!(
            keys,
            ["academy-awards:best-picture", "cannes-film-festival"]
        );
        for bad in [
            "",
            "oscars",
            "academy-awards:",
            "academy-awards:Best Picture",
            "academy-awards,cannes-film-festival|x",
            "{\"$gt\":\"\"}",
        ] {
            assert!(AwardKey::parse_set(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn search_text_keeps_words_only() {
        let text = SearchText::parse("  \"Amélie\" -Poulain ").unwrap();
        assert_eq!(text.all_words_query(), "\"amelie\" \"poulain\"");
        assert!(SearchText::parse("   ").is_err());
        assert!(SearchText::parse(&"a".repeat(201)).is_err());
        assert!(SearchText::parse(&"a".repeat(200)).is_ok());
    }

    #[test]
    fn discover_lists_every_bad_parameter() {
        let params = DiscoverParams {
            genres: Some("x".into()),
            year: Some("19999".into()),
            min_rating: Some("11".into()),
            sort: Some("bogus".into()),
            ..Default::default()
        };
        let errors = params.parse().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["genres", "year", "min_rating", "sort"]);
    }

    #[test]
    fn year_narrows_the_date_range() {
        let query = DiscoverQuery {
            year: Some(Year::parse("1999").unwrap()),
            release_date_gte: NaiveDate::from_ymd_opt(1999, 6, 1),
            ..Default::default()
        };
        assert_eq!(
            query.release_bounds(),
            (Some("1999-06-01".into()), Some("1999-12-31".into()))
        );
    }

    #[test]
    fn top_score_prefers_enough_reviews() {
        let reviewed = RatingSummary {
            average: 6.0,
            count: 3,
        };
        assert_eq!(top_score(reviewed, 9.0, 10_000), 6.0);
        assert_eq!(top_score(RatingSummary::default(), 8.0, 50), 8.0);
        assert_eq!(top_score(RatingSummary::default(), 8.0, 49), -1.0);
    }
}
