//! SQL shared by the embedded catalog's queries: bound values of assembled statements, and the
//! feature probes and scores of similar movies. Statement text only ever holds fixed fragments;
//! every value is a bound parameter.

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
