//! MongoDB filters and sorts for discover, built from typed values only: every key is a fixed
//! field name of ours and every value a number, date text or id, so no client text can become an
//! operator.

use mongodb::bson::{doc, Document};

use crate::catalog_query::{DiscoverQuery, DiscoverSort, IdSet};

fn relation(field: &str, ids: &IdSet<i64>) -> Document {
    let operator = if ids.is_all() { "$all" } else { "$in" };
    doc! { field: { operator: ids.ids().to_vec() } }
}

fn as_i64<T: Copy + Into<i64>>(set: &IdSet<T>) -> IdSet<i64> {
    let ids = set.ids().iter().map(|&id| id.into()).collect();
    if set.is_all() {
        IdSet::All(ids)
    } else {
        IdSet::Any(ids)
    }
}

pub(super) fn discover_filter(query: &DiscoverQuery) -> Document {
    let mut clauses: Vec<Document> = Vec::new();
    if let Some(genres) = &query.genres {
        clauses.push(relation("genre_ids", &as_i64(genres)));
    }
    if let Some(people) = &query.with_people {
        clauses.push(relation("people_ids", &as_i64(people)));
    }
    for (field, awards) in [
        ("award_won_keys", &query.awards_won),
        ("award_keys", &query.awards_nominated),
    ] {
        if let Some(awards) = awards {
            let keys: Vec<String> = awards.ids().iter().map(|key| key.key()).collect();
            let operator = if awards.is_all() { "$all" } else { "$in" };
            clauses.push(doc! { field: { operator: keys } });
        }
    }
    let (low, high) = query.release_bounds();
    let dated_only = matches!(
        query.sort,
        DiscoverSort::ReleaseDateAsc | DiscoverSort::ReleaseDateDesc
    );
    // A string bound also leaves out movies without a date (null sorts below every string).
    let low = low.or_else(|| dated_only.then(|| "0000-01-01".to_string()));
    if let Some(low) = low {
        clauses.push(doc! { "release_date": { "$gte": low } });
    }
    if let Some(high) = high {
        clauses.push(doc! { "release_date": { "$lte": high } });
    }
    if let Some(min) = query.min_rating {
        clauses.push(doc! { "vote_average": { "$gte": min.get() } });
    }
    if let Some(min) = query.min_votes {
        clauses.push(doc! { "vote_count": { "$gte": i64::try_from(min).unwrap_or(i64::MAX) } });
    }
    if let Some(language) = &query.language {
        clauses.push(doc! { "original_language": language.as_str() });
    }
    match clauses.len() {
        0 => doc! {},
        1 => clauses.remove(0),
        _ => doc! { "$and": clauses },
    }
}

/// Each order ends on `id`, the unique copy of `_id` that indexes can hold (see
/// `mongo_indexes`).
pub(super) fn discover_sort(sort: DiscoverSort) -> Document {
    match sort {
        DiscoverSort::PopularityDesc => doc! { "popularity": -1, "id": 1 },
        DiscoverSort::ReleaseDateDesc => doc! { "release_date": -1, "id": 1 },
        DiscoverSort::ReleaseDateAsc => doc! { "release_date": 1, "id": 1 },
        DiscoverSort::RatingDesc => doc! { "vote_average": -1, "vote_count": -1, "id": 1 },
        DiscoverSort::TitleAsc => doc! { "sort_title": 1, "id": 1 },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_query::DiscoverParams;

    #[test]
    fn filters_are_fixed_fields_with_typed_values() {
        let params = DiscoverParams {
            genres: Some("28,12".into()),
            with_people: Some("5|6".into()),
            min_rating: Some("7.5".into()),
            language: Some("fr".into()),
            ..Default::default()
        };
        let crate::catalog_query::DiscoverRequest::Filtered(query) = params.parse().unwrap() else {
            panic!("filtered")
        };
        let filter = discover_filter(&query);
        assert_eq!(
            filter,
            doc! { "$and": [
                { "genre_ids": { "$all": [12_i64, 28_i64] } },
                { "people_ids": { "$in": [5_i64, 6_i64] } },
                { "vote_average": { "$gte": 7.5 } },
                { "original_language": "fr" },
            ] }
        );
    }
}
