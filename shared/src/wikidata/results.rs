//! SPARQL JSON results (`application/sparql-results+json`) parsed into typed rows. A row that
//! does not make sense (a missing or malformed value) is counted and left out; a body that is not
//! SPARQL JSON at all is an error.

use std::collections::HashMap;

use serde::Deserialize;

use super::SparqlError;
use crate::domain::{AwardId, AwardYear, Outcome, WikidataId};

#[derive(Debug, Deserialize)]
struct Results {
    results: Bindings,
}

#[derive(Debug, Deserialize)]
struct Bindings {
    bindings: Vec<HashMap<String, Term>>,
}

#[derive(Debug, Deserialize)]
struct Term {
    value: String,
}

/// Rows of one query, and how many were left out as malformed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parsed<T> {
    pub rows: Vec<T>,
    pub malformed: u64,
}

/// One win or nomination of a film, possibly naming one of its people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwardRow {
    /// The film's TMDB id.
    pub tmdb: i64,
    pub body: AwardId,
    pub category: String,
    pub outcome: Outcome,
    pub year: AwardYear,
    /// The ceremony's label, when the statement names one.
    pub ceremony: Option<String>,
    /// The TMDB id of a person whose own statement names the film.
    pub person: Option<i64>,
}

fn bindings(body: &[u8]) -> Result<Vec<HashMap<String, Term>>, SparqlError> {
    serde_json::from_slice::<Results>(body)
        .map(|results| results.results.bindings)
        .map_err(|e| SparqlError::Decode(e.to_string()))
}

/// `http://www.wikidata.org/entity/Q42` → `Q42`.
fn item(value: &str) -> Option<WikidataId> {
    WikidataId::parse(value.rsplit('/').next()?).ok()
}

fn tmdb_id(value: &str) -> Option<i64> {
    value.trim().parse::<i64>().ok().filter(|id| *id > 0)
}

/// The category from an award's label: what follows the body's name and `for`
/// (`Academy Award for Best Picture` → `Best Picture`); the whole label otherwise
/// (`Palme d'Or`).
fn category(label: &str) -> Option<String> {
    let label = label.trim();
    let category = label
        .split_once(" for ")
        .map_or(label, |(_, rest)| rest)
        .trim();
    let readable = !category.is_empty()
        && category.chars().count() <= crate::domain::MAX_AWARD_NAME
        // A label the service could not find comes back as the bare item id.
        && WikidataId::parse(category).is_err();
    readable.then(|| category.to_string())
}

/// Rows of `?tmdb ?item`.
pub fn item_rows(body: &[u8]) -> Result<Parsed<(i64, WikidataId)>, SparqlError> {
    let mut parsed = Parsed {
        rows: Vec::new(),
        malformed: 0,
    };
    for row in bindings(body)? {
        let value = |name: &str| row.get(name).map(|t| t.value.as_str());
        match (
            value("tmdb").and_then(tmdb_id),
            value("item").and_then(item),
        ) {
            (Some(tmdb), Some(item)) => parsed.rows.push((tmdb, item)),
            _ => parsed.malformed += 1,
        }
    }
    Ok(parsed)
}

/// Rows of [`super::award_query`].
pub fn award_rows(body: &[u8]) -> Result<Parsed<AwardRow>, SparqlError> {
    let mut parsed = Parsed {
        rows: Vec::new(),
        malformed: 0,
    };
    for row in bindings(body)? {
        let value = |name: &str| row.get(name).map(|t| t.value.as_str());
        let award = || -> Option<AwardRow> {
            let body = AwardId::from_wikidata(item(value("body")?)?.as_str())?;
            let outcome = match value("outcome")? {
                "won" => Outcome::Won,
                "nominated" => Outcome::Nominated,
                _ => return None,
            };
            // `+2020-02-09T00:00:00Z`: the year is what precedes the first `-` after the sign.
            let time = value("time")?.trim_start_matches('+');
            let year = AwardYear::parse(time.split('-').next()?).ok()?;
            let person = match value("person") {
                Some(text) => Some(tmdb_id(text)?),
                None => None,
            };
            Some(AwardRow {
                tmdb: tmdb_id(value("tmdb")?)?,
                body,
                category: category(value("awardLabel")?)?,
                outcome,
                year,
                ceremony: value("ceremonyLabel")
                    .map(str::trim)
                    .filter(|c| !c.is_empty() && c.chars().count() <= crate::domain::MAX_AWARD_NAME)
                    .map(str::to_string),
                person,
            })
        };
        match award() {
            Some(row) => parsed.rows.push(row),
            None => parsed.malformed += 1,
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_come_from_award_labels() {
        assert_eq!(
            category("Academy Award for Best Picture").as_deref(),
            Some("Best Picture")
        );
        assert_eq!(category("Palme d'Or").as_deref(), Some("Palme d'Or"));
        assert_eq!(category("Q102427"), None);
        assert_eq!(category("  "), None);
    }

    #[test]
    fn malformed_rows_are_counted_and_left_out() {
        let body = serde_json::json!({"head": {"vars": []}, "results": {"bindings": [
            {"tmdb": {"type": "literal", "value": "550"},
             "award": {"type": "uri", "value": "http://www.wikidata.org/entity/Q102427"},
             "awardLabel": {"type": "literal", "value": "Academy Award for Best Picture"},
             "body": {"type": "uri", "value": "http://www.wikidata.org/entity/Q19020"},
             "outcome": {"type": "literal", "value": "won"},
             "time": {"type": "literal", "value": "2000-03-26T00:00:00Z"}},
            {"tmdb": {"type": "literal", "value": "not a number"}},
        ]}});
        let parsed = award_rows(body.to_string().as_bytes()).expect("SPARQL JSON");
        assert_eq!(parsed.malformed, 1);
        assert_eq!(parsed.rows[0].year.get(), 2000);
        assert!(award_rows(b"<html>").is_err());
    }
}
