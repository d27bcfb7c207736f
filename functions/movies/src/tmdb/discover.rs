//! `/3/discover/movie`'s parameters onto the native discover query: the same typed filters, so
//! the same store method answers both.

use chrono::NaiveDate;
use shared::catalog_query::{DiscoverQuery, DiscoverSort, IdSet, Language, MinRating, Year};
use shared::domain::PersonId;
use shared::tmdb_v3::{TmdbError, TmdbQuery};

fn date(text: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
}

/// TMDB's `sort_by` values the catalog can order by; any other is refused rather than
/// silently ordered some other way.
fn sort(text: &str) -> Result<DiscoverSort, ()> {
    match text.trim() {
        "popularity.desc" => Ok(DiscoverSort::PopularityDesc),
        "primary_release_date.desc" | "release_date.desc" => Ok(DiscoverSort::ReleaseDateDesc),
        "primary_release_date.asc" | "release_date.asc" => Ok(DiscoverSort::ReleaseDateAsc),
        "vote_average.desc" => Ok(DiscoverSort::RatingDesc),
        "title.asc" | "original_title.asc" => Ok(DiscoverSort::TitleAsc),
        _ => Err(()),
    }
}

/// The first of `names` that is present, parsed.
fn first<T, E>(
    query: &TmdbQuery,
    names: &[&str],
    parse: impl Fn(&str) -> Result<T, E>,
) -> Result<Option<T>, TmdbError> {
    for name in names {
        if let Some(value) = query.parsed(name, &parse)? {
            return Ok(Some(value));
        }
    }
    Ok(None)
}

/// `with_cast`, `with_crew` and `with_people` together: TMDB wants every one of them to match.
/// The catalog matches a person in any role, so the role is not told apart; several lists are
/// one "all of" set, and an "any of" list (`|`) only works alone.
fn people(query: &TmdbQuery) -> Result<Option<IdSet<PersonId>>, TmdbError> {
    let mut sets = Vec::new();
    for name in ["with_cast", "with_crew", "with_people"] {
        if let Some(set) = query.parsed(name, IdSet::<PersonId>::parse)? {
            sets.push((name, set));
        }
    }
    match sets.len() {
        0 => Ok(None),
        1 => Ok(sets.pop().map(|(_, set)| set)),
        _ => {
            let mut all = Vec::new();
            for (name, set) in sets {
                if !set.is_all() && set.ids().len() > 1 {
                    return Err(TmdbError::InvalidParameter(name.into()));
                }
                all.extend_from_slice(set.ids());
            }
            all.sort();
            all.dedup();
            Ok(Some(IdSet::All(all)))
        }
    }
}

pub fn discover_query(query: &TmdbQuery) -> Result<DiscoverQuery, TmdbError> {
    let discover = DiscoverQuery {
        genres: query.parsed("with_genres", IdSet::parse)?,
        year: first(query, &["primary_release_year", "year"], Year::parse)?,
        release_date_gte: first(
            query,
            &["primary_release_date.gte", "release_date.gte"],
            date,
        )?,
        release_date_lte: first(
            query,
            &["primary_release_date.lte", "release_date.lte"],
            date,
        )?,
        min_rating: query.parsed("vote_average.gte", MinRating::parse)?,
        min_votes: query.parsed("vote_count.gte", |text| {
            text.trim()
                .parse::<u64>()
                .ok()
                .filter(|v| i64::try_from(*v).is_ok())
                .ok_or(())
        })?,
        language: query.parsed("with_original_language", Language::parse)?,
        with_people: people(query)?,
        sort: query.parsed("sort_by", sort)?.unwrap_or_default(),
        // TMDB has no award filters.
        ..DiscoverQuery::default()
    };
    if let (Some(low), Some(high)) = (discover.release_date_gte, discover.release_date_lte) {
        if low > high {
            return Err(TmdbError::InvalidParameter(
                "primary_release_date.gte".into(),
            ));
        }
    }
    Ok(discover)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmdb_parameters_map_onto_the_native_query() {
        let query = TmdbQuery::parse(
            "with_genres=18|28&primary_release_year=1999&vote_average.gte=7.5\
             &vote_count.gte=100&with_original_language=en&sort_by=vote_average.desc\
             &with_cast=287&with_crew=7467&api_key=ignored",
        );
        let discover = discover_query(&query).unwrap();
        assert!(matches!(discover.genres, Some(IdSet::Any(ref ids)) if ids.len() == 2));
        assert_eq!(discover.year.map(Year::get), Some(1999));
        assert_eq!(discover.min_votes, Some(100));
        assert_eq!(discover.sort, DiscoverSort::RatingDesc);
        let people: Vec<i64> = discover
            .with_people
            .unwrap()
            .ids()
            .iter()
            .map(|p| p.get())
            .collect();
        assert_eq!(people, [287, 7467]);
    }

    #[test]
    fn bad_values_are_tmdb_parameter_errors() {
        for bad in [
            "with_genres={\"$gt\":1}",
            "sort_by=revenue.desc",
            "vote_average.gte=11",
            "primary_release_date.gte=2000-01-01&primary_release_date.lte=1999-01-01",
            "with_cast=1|2&with_crew=3",
        ] {
            assert!(
                matches!(
                    discover_query(&TmdbQuery::parse(bad)),
                    Err(TmdbError::InvalidParameter(_))
                ),
                "{bad}"
            );
        }
    }
}
