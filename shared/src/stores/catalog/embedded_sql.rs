//! SQL for the embedded catalog's discover, built from typed filters: the statement text only
//! ever holds fixed fragments, and every value is a bound parameter.

use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::Sqlite;

use crate::catalog_query::{AwardKey, DiscoverQuery, DiscoverSort, IdSet};

/// A bound value of a dynamically assembled statement.
#[derive(Debug, Clone)]
pub(super) enum Value {
    Int(i64),
    Real(f64),
    Text(String),
}

pub(super) fn bind_all<'q>(
    mut query: Query<'q, Sqlite, SqliteArguments<'q>>,
    values: &'q [Value],
) -> Query<'q, Sqlite, SqliteArguments<'q>> {
    for value in values {
        query = match value {
            Value::Int(v) => query.bind(*v),
            Value::Real(v) => query.bind(*v),
            Value::Text(v) => query.bind(v.as_str()),
        };
    }
    query
}

/// `WHERE …` (or nothing) for `query`, with its parameters.
pub(super) fn discover_where(query: &DiscoverQuery) -> (String, Vec<Value>) {
    let mut clauses: Vec<String> = Vec::new();
    let mut values = Vec::new();
    if let Some(genres) = &query.genres {
        let ids: Vec<i64> = genres.ids().iter().map(|g| g.get()).collect();
        relation(
            &mut clauses,
            &mut values,
            "catalog_movie_genres",
            "genre_id",
            &ids,
            genres.is_all(),
        );
    }
    if let Some(people) = &query.with_people {
        let ids: Vec<i64> = people.ids().iter().map(|p| p.get()).collect();
        relation(
            &mut clauses,
            &mut values,
            "catalog_movie_people",
            "person_id",
            &ids,
            people.is_all(),
        );
    }
    if let Some(awards) = &query.awards_won {
        award_clauses(&mut clauses, &mut values, awards, true);
    }
    if let Some(awards) = &query.awards_nominated {
        award_clauses(&mut clauses, &mut values, awards, false);
    }
    let (low, high) = query.release_bounds();
    let dated_only = matches!(
        query.sort,
        DiscoverSort::ReleaseDateAsc | DiscoverSort::ReleaseDateDesc
    );
    if let Some(low) = low {
        clauses.push("m.release_date >= ?".into());
        values.push(Value::Text(low));
    } else if dated_only {
        // Release-date orders list dated movies only (as both adapters do).
        clauses.push("m.release_date IS NOT NULL".into());
    }
    if let Some(high) = high {
        clauses.push("m.release_date <= ?".into());
        values.push(Value::Text(high));
    }
    if let Some(min) = query.min_rating {
        clauses.push("m.vote_average >= ?".into());
        values.push(Value::Real(min.get()));
    }
    if let Some(min) = query.min_votes {
        clauses.push("m.vote_count >= ?".into());
        values.push(Value::Int(i64::try_from(min).unwrap_or(i64::MAX)));
    }
    if let Some(language) = &query.language {
        clauses.push("m.original_language = ?".into());
        values.push(Value::Text(language.as_str().to_string()));
    }
    let sql = if clauses.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", clauses.join(" AND "))
    };
    (sql, values)
}

/// A movie related to all (or any) of `ids` through `table`.
fn relation(
    clauses: &mut Vec<String>,
    values: &mut Vec<Value>,
    table: &str,
    column: &str,
    ids: &[i64],
    all: bool,
) {
    let list = serde_json::to_string(ids).unwrap_or_else(|_| "[]".into());
    if all {
        clauses.push(format!(
            "m.id IN (SELECT movie_id FROM {table} WHERE {column} IN \
             (SELECT value FROM json_each(?)) GROUP BY movie_id HAVING COUNT(*) = ?)"
        ));
        values.push(Value::Text(list));
        values.push(Value::Int(i64::try_from(ids.len()).unwrap_or(i64::MAX)));
    } else {
        clauses.push(format!(
            "m.id IN (SELECT movie_id FROM {table} WHERE {column} IN \
             (SELECT value FROM json_each(?)))"
        ));
        values.push(Value::Text(list));
    }
}

/// Movies holding all (or any) of `awards` in `catalog_awards`: won, or nominated (wins count).
fn award_clauses(
    clauses: &mut Vec<String>,
    values: &mut Vec<Value>,
    awards: &IdSet<AwardKey>,
    won_only: bool,
) {
    let won = if won_only { " AND won = 1" } else { "" };
    let mut terms = Vec::new();
    for key in awards.ids() {
        values.push(Value::Text(key.award.as_str().to_string()));
        terms.push(match &key.category {
            Some(category) => {
                values.push(Value::Text(category.as_str().to_string()));
                format!(
                    "m.id IN (SELECT subject_id FROM catalog_awards WHERE award_id = ? \
                     AND category_slug = ?{won} AND subject = 'movie')"
                )
            }
            None => format!(
                "m.id IN (SELECT subject_id FROM catalog_awards WHERE award_id = ?{won} \
                 AND subject = 'movie')"
            ),
        });
    }
    let joiner = if awards.is_all() { " AND " } else { " OR " };
    clauses.push(format!("({})", terms.join(joiner)));
}

pub(super) fn order_by(sort: DiscoverSort) -> &'static str {
    match sort {
        DiscoverSort::PopularityDesc => "m.popularity DESC, m.id",
        DiscoverSort::ReleaseDateDesc => "m.release_date DESC, m.id",
        DiscoverSort::ReleaseDateAsc => "m.release_date ASC, m.id",
        DiscoverSort::RatingDesc => "m.vote_average DESC, m.vote_count DESC, m.id",
        DiscoverSort::TitleAsc => "m.sort_title ASC, m.id",
    }
}

/// The keywords and people of movie `?1`, as `features(person, id)` for [`carriers`].
pub(super) const MOVIE_FEATURES: &str = "features(person, id) AS ( \
      SELECT 0, keyword_id FROM catalog_movie_keywords WHERE movie_id = ?1 \
      UNION ALL SELECT 1, person_id FROM catalog_movie_people WHERE movie_id = ?1)";

/// The keywords `?1` and people `?2` (JSON id arrays), as `features(person, id)`.
pub(super) const PROBE_FEATURES: &str = "features(person, id) AS ( \
      SELECT 0, value FROM json_each(?1) UNION ALL SELECT 1, value FROM json_each(?2))";

/// How many movies carry each of `features` (`person`, `id`, `movies`), each count stopping
/// past `?3`: it only has to tell a rare feature from one over the budget, and reads no more of
/// the index than that.
pub(super) fn carriers(features: &str) -> String {
    format!(
        "WITH {features} SELECT person, id, CASE person \
           WHEN 0 THEN (SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movie_keywords c \
                        WHERE c.keyword_id = features.id LIMIT ?3)) \
           ELSE (SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movie_people c \
                 WHERE c.person_id = features.id LIMIT ?3)) END AS movies \
         FROM features"
    )
}

/// Movies similar to `?1`, scored (`?2`–`?4`: the weights of a shared genre, keyword, person).
/// Only candidates are scored: the movies carrying a probed keyword (`?5`) or person (`?6`), the
/// rarest of the movie's (`specific`), and the `?7` most popular sharing a genre, read in
/// popularity order. Scoring every movie that shares a genre would read most of the catalog.
pub(super) const SIMILAR_SCORES: &str = "WITH \
      src_genres AS (SELECT genre_id AS id FROM catalog_movie_genres WHERE movie_id = ?1), \
      src_keywords AS (SELECT keyword_id AS id FROM catalog_movie_keywords WHERE movie_id = ?1), \
      src_people AS (SELECT person_id AS id FROM catalog_movie_people WHERE movie_id = ?1), \
      candidates AS ( \
        SELECT movie_id AS id FROM catalog_movie_keywords \
         WHERE keyword_id IN (SELECT value FROM json_each(?5)) \
        UNION SELECT movie_id FROM catalog_movie_people \
         WHERE person_id IN (SELECT value FROM json_each(?6)) \
        UNION SELECT id FROM (SELECT m.id FROM catalog_movies m \
         WHERE EXISTS (SELECT 1 FROM src_genres) AND m.id <> ?1 \
           AND EXISTS (SELECT 1 FROM catalog_movie_genres g \
                        WHERE g.movie_id = m.id AND g.genre_id IN src_genres) \
         ORDER BY m.popularity DESC, m.id LIMIT ?7) \
      ), scored AS ( \
        SELECT c.id AS id, \
          ?2 * (SELECT COUNT(*) FROM catalog_movie_genres g \
                 WHERE g.movie_id = c.id AND g.genre_id IN src_genres) \
        + ?3 * (SELECT COUNT(*) FROM catalog_movie_keywords k \
                 WHERE k.movie_id = c.id AND k.keyword_id IN src_keywords) \
        + ?4 * (SELECT COUNT(*) FROM catalog_movie_people p \
                 WHERE p.movie_id = c.id AND p.person_id IN src_people) AS score \
        FROM candidates c WHERE c.id <> ?1) ";
