//! The MongoDB catalog's indexes, derived from the sorts the adapter issues.
//!
//! Every list is a filter plus a sort that ends on the unique `id` (the copy of `_id` every
//! stored document carries: the MongoDB-compatible test server cannot put `_id` inside a
//! compound index, and a real server serves `id` just as well). A list stays fast however large
//! the catalog when an index holds, in order:
//!
//! 1. the list's *broad* equality field, if it filters on one (a genre or a language matches a
//!    large share of the catalog, so it must narrow the walk rather than be checked on the way),
//! 2. the whole sort, tie-breaker included, so the server walks the index in the answer's order
//!    and stops after the page instead of sorting every match,
//! 3. the range fields, so `release_date`, `min_rating` and `min_votes` bounds are checked on
//!    index keys while walking, without fetching documents that fail them.
//!
//! A filter on a *narrow* field (a person's films, an award's nominees, a keyword: hundreds of
//! movies at most) is served by that field's own index, and its few matches are sorted in
//! memory. The tests below check every query shape the adapter builds against this list.

use mongodb::bson::{doc, Document};

use super::mongo_filters::discover_sort;
use crate::catalog_query::DiscoverSort;

/// Filter fields that can match a large share of the catalog: each leads an index per sort.
pub(super) const BROAD_FIELDS: [&str; 2] = ["genre_ids", "original_language"];
/// Filter fields that match few movies: their own index finds them all.
pub(super) const NARROW_FIELDS: [&str; 5] = [
    "people_ids",
    "keyword_ids",
    "award_keys",
    "award_won_keys",
    "awards.for.person_ids",
];
/// Fields discover filters by range.
pub(super) const RANGE_FIELDS: [&str; 3] = ["release_date", "vote_average", "vote_count"];

/// The sort of top rated (a precomputed rank, then votes, then the tie-breaker).
pub(super) fn top_rated_sort() -> Document {
    doc! { "top_score": -1, "vote_count": -1, "id": 1 }
}

/// The sort of every popularity-ordered list of movies or people.
pub(super) fn popularity_sort() -> Document {
    doc! { "popularity": -1, "id": 1 }
}

/// One index: its name and its keys, in order.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct IndexSpec {
    pub name: String,
    pub keys: Document,
}

impl IndexSpec {
    fn new(name: impl Into<String>, keys: Document) -> Self {
        Self {
            name: name.into(),
            keys,
        }
    }

    /// `lead` (if any), then `sort`, then the range fields the sort does not already hold.
    fn for_sort(name: &str, lead: Option<&str>, sort: &Document) -> Self {
        let mut keys = Document::new();
        if let Some(lead) = lead {
            keys.insert(lead, 1);
        }
        keys.extend(sort.clone());
        for field in RANGE_FIELDS {
            if !keys.contains_key(field) {
                keys.insert(field, 1);
            }
        }
        let name = match lead {
            Some(lead) => format!("{lead}_{name}"),
            None => name.to_string(),
        };
        Self::new(name, keys)
    }
}

/// The indexes of the movies collection (the text index is created beside them).
pub(super) fn movie_indexes() -> Vec<IndexSpec> {
    let mut sorts: Vec<(String, Document)> = DiscoverSort::ALL
        .iter()
        .map(|&sort| {
            (
                format!("by_{}", sort.as_str().replace('.', "_")),
                discover_sort(sort),
            )
        })
        .collect();
    sorts.push(("by_top_rated".into(), top_rated_sort()));
    let mut indexes = Vec::new();
    for (name, sort) in &sorts {
        indexes.push(IndexSpec::for_sort(name, None, sort));
        for lead in BROAD_FIELDS {
            indexes.push(IndexSpec::for_sort(name, Some(lead), sort));
        }
    }
    for field in NARROW_FIELDS {
        indexes.push(IndexSpec::new(field, doc! { field: 1 }));
    }
    indexes.extend([
        IndexSpec::new(
            "award_ceremony",
            doc! { "awards.award.id": 1, "awards.year": 1 },
        ),
        IndexSpec::new("imdb_id", doc! { "imdb_id": 1 }),
        IndexSpec::new("wikidata_id", doc! { "wikidata_id": 1 }),
    ]);
    indexes
}

/// The indexes of the people collection (the text index is created beside them).
pub(super) fn people_indexes() -> Vec<IndexSpec> {
    vec![
        IndexSpec::new("by_popularity", popularity_sort()),
        IndexSpec::new(
            "award_ceremony",
            doc! { "awards.award.id": 1, "awards.year": 1 },
        ),
        IndexSpec::new("imdb_id", doc! { "imdb_id": 1 }),
        IndexSpec::new("wikidata_id", doc! { "wikidata_id": 1 }),
    ]
}

/// Indexes of earlier releases that the ones above replace: dropped at index creation so a
/// write does not keep maintaining them.
pub(super) const SUPERSEDED: [(&str, &str); 8] = [
    ("movies", "popularity"),
    ("movies", "release_date"),
    ("movies", "vote_average"),
    ("movies", "top_score"),
    ("movies", "sort_title"),
    ("movies", "genre_ids"),
    ("movies", "original_language"),
    ("people", "popularity"),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_query::{DiscoverParams, DiscoverQuery, DiscoverRequest};
    use crate::stores::catalog::mongo_filters::discover_filter;
    use mongodb::bson::Bson;

    /// What a filter asks of an index: fields matched by equality, and by range.
    #[derive(Debug, Default)]
    struct Shape {
        equality: Vec<String>,
        range: Vec<String>,
    }

    fn shape(filter: &Document) -> Shape {
        let mut shape = Shape::default();
        let clauses: Vec<Document> = match filter.get_array("$and") {
            Ok(list) => list
                .iter()
                .filter_map(|c| c.as_document().cloned())
                .collect(),
            Err(_) => vec![filter.clone()],
        };
        for clause in clauses {
            for (field, condition) in clause {
                let ranged = matches!(&condition, Bson::Document(d)
                    if d.keys().any(|op| ["$gte", "$lte", "$gt", "$lt"].contains(&op.as_str())));
                if ranged {
                    shape.range.push(field);
                } else {
                    shape.equality.push(field);
                }
            }
        }
        shape
    }

    fn keys(index: &IndexSpec) -> Vec<(String, Bson)> {
        index.keys.clone().into_iter().collect()
    }

    /// Whether `index` walks the matches of `shape` in `sort`'s order, checking its ranges on
    /// the way: an optional leading equality field of the filter, the whole sort (or its exact
    /// reverse), then every range field of the filter.
    fn walks_in_order(index: &IndexSpec, shape: &Shape, sort: &Document) -> bool {
        let mut keys = keys(index);
        if let Some((lead, _)) = keys.first() {
            if shape.equality.contains(lead) && !sort.contains_key(lead) {
                keys.remove(0);
            } else if !shape.equality.is_empty() {
                return false;
            }
        }
        let sort: Vec<(String, Bson)> = sort.clone().into_iter().collect();
        if keys.len() < sort.len() {
            return false;
        }
        let prefix = &keys[..sort.len()];
        let same = prefix.iter().zip(&sort).all(|(k, s)| k == s);
        let reversed = prefix
            .iter()
            .zip(&sort)
            .all(|(k, s)| k.0 == s.0 && k.1.as_i32().map(|d| -d) == s.1.as_i32());
        let ranges_in_index = shape
            .range
            .iter()
            .all(|field| keys.iter().any(|(key, _)| key == field));
        (same || reversed) && ranges_in_index
    }

    /// Whether some declared index serves a list with this filter and sort.
    fn served(indexes: &[IndexSpec], filter: &Document, sort: &Document) -> Result<(), String> {
        let shape = shape(filter);
        let narrow = shape
            .equality
            .iter()
            .find(|field| NARROW_FIELDS.contains(&field.as_str()));
        if let Some(field) = narrow {
            return indexes
                .iter()
                .any(|index| index.keys.keys().next() == Some(field))
                .then_some(())
                .ok_or(format!("no index leads with the narrow field {field}"));
        }
        let broad: Vec<&String> = shape.equality.iter().collect();
        let candidates = indexes.iter().filter(|index| {
            let lead = index.keys.keys().next();
            broad.is_empty() || broad.iter().any(|field| Some(*field) == lead)
        });
        for index in candidates {
            if walks_in_order(index, &shape, sort) {
                return Ok(());
            }
        }
        Err(format!("no index walks {shape:?} in the order {sort}"))
    }

    fn discover(pairs: &[(&str, &str)], sort: DiscoverSort) -> DiscoverQuery {
        let object: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .chain([("sort".to_string(), serde_json::Value::from(sort.as_str()))])
            .collect();
        let params: DiscoverParams = serde_json::from_value(object.into()).unwrap();
        match params.parse().unwrap() {
            DiscoverRequest::Filtered(query) => query,
            DiscoverRequest::Ids(_) => panic!("ids"),
        }
    }

    /// Every filter discover can build, alone and with the others it is combined with most.
    const FILTERS: [&[(&str, &str)]; 14] = [
        &[],
        &[("genres", "18")],
        &[("genres", "18,28")],
        &[("genres", "18|28")],
        &[("language", "en")],
        &[("with_people", "287")],
        &[("awards_won", "academy-awards")],
        &[("awards_nominated", "academy-awards")],
        &[("release_date_gte", "2000-01-01")],
        &[("release_date_lte", "2000-01-01")],
        &[("min_rating", "7")],
        &[("min_votes", "1000")],
        &[
            ("genres", "18"),
            ("language", "en"),
            ("min_votes", "100"),
            ("release_date_gte", "1990-01-01"),
        ],
        &[
            ("with_people", "287"),
            ("genres", "18"),
            ("min_rating", "6"),
        ],
    ];

    #[test]
    fn every_discover_shape_is_served_by_an_index() {
        let indexes = movie_indexes();
        let mut failures = Vec::new();
        for sort in DiscoverSort::ALL {
            for pairs in FILTERS {
                let query = discover(pairs, sort);
                let filter = discover_filter(&query);
                if let Err(why) = served(&indexes, &filter, &discover_sort(sort)) {
                    failures.push(format!("{pairs:?} by {}: {why}", sort.as_str()));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }

    #[test]
    fn top_rated_and_popular_people_are_served_by_an_index() {
        let top = doc! { "top_score": { "$gte": 0.0 } };
        assert_eq!(served(&movie_indexes(), &top, &top_rated_sort()), Ok(()));
        assert_eq!(
            served(&people_indexes(), &doc! {}, &popularity_sort()),
            Ok(())
        );
    }

    #[test]
    fn the_check_refuses_an_index_that_does_not_hold_the_whole_sort() {
        let without_tie_breaker = [IndexSpec::new("p", doc! { "popularity": -1 })];
        assert!(served(&without_tie_breaker, &doc! {}, &popularity_sort()).is_err());
        let genre_after_sort = [IndexSpec::new(
            "p",
            doc! { "popularity": -1, "id": 1, "genre_ids": 1 },
        )];
        let by_genre = doc! { "genre_ids": { "$in": [18_i64] } };
        assert!(served(&genre_after_sort, &by_genre, &popularity_sort()).is_err());
    }

    #[test]
    fn names_are_unique_and_within_the_index_limit() {
        for indexes in [movie_indexes(), people_indexes()] {
            let mut names: Vec<&str> = indexes.iter().map(|i| i.name.as_str()).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), indexes.len());
            // MongoDB allows 64 per collection, `_id` and the text index included.
            assert!(indexes.len() + 2 <= 64);
        }
    }
}
