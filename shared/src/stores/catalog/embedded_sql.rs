//! SQL shared by the embedded catalog's queries: bound values of assembled statements, and the
//! count of each probed feature's movies. Statement text only ever holds fixed fragments; every
//! value is a bound parameter.

use sqlx::query::Query;
use sqlx::sqlite::SqliteArguments;
use sqlx::Sqlite;

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

/// How many movies carry each of the keywords `?1` and people `?2` (JSON id arrays): rows of
/// (`person`, `id`, `movies`), each count stopping past `?3`: it only has to tell a rare feature
/// from one over the budget, and reads no more of the index than that.
pub(super) const CARRIERS: &str = "WITH features(person, id) AS ( \
      SELECT 0, value FROM json_each(?1) UNION ALL SELECT 1, value FROM json_each(?2)) \
    SELECT person, id, CASE person \
      WHEN 0 THEN (SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movie_keywords c \
                   WHERE c.keyword_id = features.id LIMIT ?3)) \
      ELSE (SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movie_people c \
            WHERE c.person_id = features.id LIMIT ?3)) END AS movies \
    FROM features";

/// How many rows the catalog table named `?` holds (`movies`, `people`), as the triggers of
/// migration 0014 keep it: a list of the whole catalog reports it instead of counting.
pub(super) const KEPT_COUNT: &str = "SELECT rows FROM catalog_counts WHERE name = ?";
