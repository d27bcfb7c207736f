//! Discover on the embedded catalog, built to stay fast at TMDB's size (a million movies).
//!
//! A page is read by walking an index in the list's own order (`0010_discover_walks.sql`) and
//! stopping after the page; only the page's ids are read from the walk (the index covers the
//! sort keys and the range filters), and only the page's movies are joined. What is walked
//! follows the filters: one genre's movies, one language's, or the whole catalog. Person and
//! award filters match few movies, so their matches are collected and sorted instead.
//!
//! The statement text only ever holds fixed fragments; every value is a bound parameter.

use sqlx::{Row, SqlitePool};

use super::embedded::{db, id_array, prefixed_summary_columns, summaries_page};
use super::embedded_rows::to_i64;
use super::embedded_sql::{bind_all, Value, KEPT_COUNT};
use crate::catalog_query::{AwardKey, DiscoverQuery, DiscoverSort, IdSet, Language};
use crate::domain::MovieSummary;
use crate::http::{Page, PageRequest, COUNTED_RESULTS};
use crate::stores::StoreError;

/// How many movies match `query`, counted up to [`COUNTED_RESULTS`] (the whole catalog: all of
/// them, as kept in `catalog_counts`).
pub(super) async fn count(pool: &SqlitePool, query: &DiscoverQuery) -> Result<u64, StoreError> {
    let count = Scope::of(pool, query).await?.count_sql(query);
    let total: i64 = bind_all(sqlx::query(&count.text), &count.values)
        .fetch_one(pool)
        .await
        .and_then(|row| row.try_get(0))
        .map_err(db)?;
    Ok(u64::try_from(total).unwrap_or(0))
}

/// The page of `query`'s matches, `total` of them as counted (which also decides how the
/// collected scope reads its page).
pub(super) async fn read_page(
    pool: &SqlitePool,
    query: &DiscoverQuery,
    page: PageRequest,
    total: u64,
) -> Result<Page<MovieSummary>, StoreError> {
    let total = to_i64(total);
    if to_i64(page.offset()) >= total {
        return summaries_page(page, total, &[]);
    }
    let read = Scope::of(pool, query).await?.page_sql(query, page, total);
    let rows = bind_all(sqlx::query(&read.text), &read.values)
        .fetch_all(pool)
        .await
        .map_err(db)?;
    summaries_page(page, total, &rows)
}

/// How a discover query reads its page.
enum Scope<'q> {
    /// People and awards match few movies: collect the matches and sort their keys (an index
    /// by id), unless the page lies in the first twentieth of many (a prolific person's page
    /// 1): then walk the whole catalog's index of the sort, checking each movie against them.
    Collected,
    Walked(Walk<'q>),
}

/// What a page walks in the list's order.
enum Walk<'q> {
    /// One genre's movies; for "all of" the genre with the fewest movies, the others checked
    /// on its walk.
    Genre {
        lead: i64,
        others: Vec<i64>,
    },
    /// Any of several genres: each genre's walk stops at the page's end, and the page is read
    /// from their union (a movie in the first n of the union is in the first n of a genre).
    AnyGenre(Vec<i64>),
    Language(&'q Language),
    Catalog,
}

impl<'q> Scope<'q> {
    async fn of(pool: &SqlitePool, query: &'q DiscoverQuery) -> Result<Scope<'q>, StoreError> {
        if query.with_people.is_some()
            || query.awards_won.is_some()
            || query.awards_nominated.is_some()
        {
            return Ok(Scope::Collected);
        }
        if let Some(genres) = &query.genres {
            let ids: Vec<i64> = genres.ids().iter().map(|g| g.get()).collect();
            return Ok(Scope::Walked(match ids.as_slice() {
                [only] => Walk::Genre {
                    lead: *only,
                    others: Vec::new(),
                },
                _ if genres.is_all() => {
                    let lead = rarest_genre(pool, &ids).await?;
                    let others = ids.iter().copied().filter(|&id| id != lead).collect();
                    Walk::Genre { lead, others }
                }
                _ => Walk::AnyGenre(ids),
            }));
        }
        Ok(Scope::Walked(match &query.language {
            Some(language) => Walk::Language(language),
            None => Walk::Catalog,
        }))
    }

    /// How many movies match, counted up to the deepest page a client can ask for.
    fn count_sql(&self, query: &DiscoverQuery) -> Sql {
        let mut sql = Sql::default();
        match self {
            Scope::Collected => {
                sql.push(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movies a \
                     INDEXED BY catalog_movies_keys WHERE ",
                );
                collected_filters(&mut sql, query, "a");
            }
            Scope::Walked(Walk::Genre { lead, others }) => {
                sql.push("SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movie_genres a WHERE ");
                genre_walk_filters(&mut sql, query, *lead, others);
            }
            Scope::Walked(Walk::AnyGenre(ids)) => {
                sql.push(
                    "SELECT COUNT(*) FROM (SELECT DISTINCT a.movie_id FROM catalog_movie_genres a \
                     WHERE a.genre_id IN (SELECT value FROM json_each(?))",
                );
                sql.bind(Value::Text(id_array(ids)));
                range_filters(&mut sql, query, "a", true);
            }
            Scope::Walked(Walk::Language(language)) => {
                sql.push(
                    "SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movies a \
                     WHERE a.original_language = ?",
                );
                sql.bind(Value::Text(language.as_str().to_string()));
                range_filters(&mut sql, query, "a", false);
            }
            Scope::Walked(Walk::Catalog) => {
                let mut filters = Sql::default();
                range_filters(&mut filters, query, "a", true);
                if filters.text.is_empty() {
                    // The whole catalog: how many there are, kept by triggers, not counted.
                    sql.push(KEPT_COUNT);
                    sql.bind(Value::Text("movies".into()));
                    return sql;
                }
                sql.push("SELECT COUNT(*) FROM (SELECT 1 FROM catalog_movies a WHERE true");
                sql.push(&filters.text);
                sql.values.extend(filters.values);
            }
        }
        sql.push(&format!(" LIMIT {COUNTED_RESULTS})"));
        sql
    }

    /// The page's movies, in the list's order (`total`: how many match, as counted).
    fn page_sql(&self, query: &DiscoverQuery, page: PageRequest, total: i64) -> Sql {
        let sort = query.sort;
        let mut sql = Sql::default();
        // The page's ids and sort keys from an index (a walk, or the collected matches'
        // keys sorted), then its movies.
        sql.push(&format!("SELECT {} FROM (", prefixed_summary_columns()));
        match self {
            Scope::Walked(walk) => walk.page_ids(&mut sql, query, page),
            Scope::Collected => {
                let index = if walks_the_matches(page, total) {
                    walk_index("catalog_movies", sort)
                } else {
                    "catalog_movies_keys".to_string()
                };
                movies_head(&mut sql, sort, &index);
                collected_filters(&mut sql, query, "a");
                page_bounds(&mut sql, sort, "a", "id", page);
            }
        }
        sql.push(&format!(
            ") p CROSS JOIN catalog_movies m ON m.id = p.id ORDER BY {}",
            order_by(sort, "p", "id")
        ));
        sql
    }
}

/// Whether a page of `total` matches is cheaper found by walking the sort's index than by
/// sorting every match: when it ends within their first twentieth, a walk reads at most a
/// twentieth of the catalog's index (the matches spread over it), where sorting reads each
/// match's row.
fn walks_the_matches(page: PageRequest, total: i64) -> bool {
    to_i64(page.offset() + page.limit()).saturating_mul(20) <= total
}

impl Walk<'_> {
    /// `SELECT id, <sort keys>` of the page, from the walk.
    fn page_ids(&self, sql: &mut Sql, query: &DiscoverQuery, page: PageRequest) {
        let sort = query.sort;
        match self {
            Walk::Genre { lead, others } => {
                genre_walk_head(sql, sort);
                genre_walk_filters(sql, query, *lead, others);
                page_bounds(sql, sort, "a", "movie_id", page);
            }
            Walk::AnyGenre(ids) => {
                // Each genre's first `offset + limit` movies hold the union's first as many.
                let end = Value::Int(to_i64(page.offset() + page.limit()));
                for (arm, id) in ids.iter().enumerate() {
                    if arm > 0 {
                        sql.push(" UNION ");
                    }
                    sql.push("SELECT * FROM (");
                    genre_walk_head(sql, sort);
                    genre_walk_filters(sql, query, *id, &[]);
                    sql.push(&format!(
                        " ORDER BY {} LIMIT ?)",
                        order_by(sort, "a", "movie_id")
                    ));
                    sql.bind(end.clone());
                }
                page_bounds(sql, sort, "", "id", page);
            }
            Walk::Language(language) => {
                movies_head(sql, sort, &walk_index("catalog_movies_language", sort));
                sql.push("a.original_language = ?");
                sql.bind(Value::Text(language.as_str().to_string()));
                range_filters(sql, query, "a", false);
                page_bounds(sql, sort, "a", "id", page);
            }
            Walk::Catalog => {
                movies_head(sql, sort, &walk_index("catalog_movies", sort));
                sql.push("true");
                range_filters(sql, query, "a", true);
                page_bounds(sql, sort, "a", "id", page);
            }
        }
    }
}

/// A statement assembled from fixed fragments, with its bound values in order.
#[derive(Default)]
struct Sql {
    text: String,
    values: Vec<Value>,
}

impl Sql {
    fn push(&mut self, fragment: &str) {
        self.text.push_str(fragment);
    }

    fn bind(&mut self, value: Value) {
        self.values.push(value);
    }
}

/// The genre among `ids` with the fewest movies (the kept counts; a genre without any leads).
async fn rarest_genre(pool: &SqlitePool, ids: &[i64]) -> Result<i64, StoreError> {
    let rarest: Option<i64> = sqlx::query_scalar(
        "SELECT value FROM json_each(?) LEFT JOIN catalog_genres g ON g.id = value \
         ORDER BY COALESCE(g.movie_count, 0), value LIMIT 1",
    )
    .bind(id_array(ids))
    .fetch_optional(pool)
    .await
    .map_err(db)?;
    rarest.ok_or_else(|| StoreError::Internal("an all-of genre filter without genres".into()))
}

/// `SELECT` of movies' ids and sort keys read from `index`, up to its `WHERE`.
fn movies_head(sql: &mut Sql, sort: DiscoverSort, index: &str) {
    sql.push(&format!(
        "SELECT a.id AS id, {} FROM catalog_movies a INDEXED BY {index} WHERE ",
        key_columns(sort, "a"),
    ));
}

/// `SELECT` of a genre walk's ids and sort keys, up to its `WHERE`.
fn genre_walk_head(sql: &mut Sql, sort: DiscoverSort) {
    sql.push(&format!(
        "SELECT a.movie_id AS id, {} FROM catalog_movie_genres a INDEXED BY {} WHERE ",
        key_columns(sort, "a"),
        walk_index("catalog_movie_genres", sort)
    ));
}

/// The conditions of a walk of genre `lead` that also requires `others`.
fn genre_walk_filters(sql: &mut Sql, query: &DiscoverQuery, lead: i64, others: &[i64]) {
    sql.push("a.genre_id = ?");
    sql.bind(Value::Int(lead));
    // The row's copy of the movie's genres (`,18,35,`), on the walked index.
    for &other in others {
        sql.push(" AND instr(a.genre_list, ?) > 0");
        sql.bind(Value::Text(format!(",{other},")));
    }
    range_filters(sql, query, "a", true);
}

/// ` ORDER BY … LIMIT ? OFFSET ?` of the page, on `alias` (none: a compound's columns).
fn page_bounds(sql: &mut Sql, sort: DiscoverSort, alias: &str, id: &str, page: PageRequest) {
    sql.push(&format!(
        " ORDER BY {} LIMIT ? OFFSET ?",
        order_by(sort, alias, id)
    ));
    sql.bind(Value::Int(to_i64(page.limit())));
    sql.bind(Value::Int(to_i64(page.offset())));
}

/// ` AND …` for the date, rating, vote and (unless the walk is led by it) language filters on
/// `alias`: a movie row, or a genre row's copies of its keys (the same column names).
fn range_filters(sql: &mut Sql, query: &DiscoverQuery, alias: &str, language: bool) {
    let (low, high) = query.release_bounds();
    if let Some(low) = low {
        sql.push(&format!(" AND {alias}.release_date >= ?"));
        sql.bind(Value::Text(low));
    } else if lists_dated_only(query.sort) {
        sql.push(&format!(" AND {alias}.release_date IS NOT NULL"));
    }
    if let Some(high) = high {
        sql.push(&format!(" AND {alias}.release_date <= ?"));
        sql.bind(Value::Text(high));
    }
    if let Some(min) = query.min_rating {
        sql.push(&format!(" AND {alias}.vote_average >= ?"));
        sql.bind(Value::Real(min.get()));
    }
    if let Some(min) = query.min_votes {
        sql.push(&format!(" AND {alias}.vote_count >= ?"));
        sql.bind(Value::Int(i64::try_from(min).unwrap_or(i64::MAX)));
    }
    if language {
        if let Some(language) = &query.language {
            sql.push(&format!(" AND {alias}.original_language = ?"));
            sql.bind(Value::Text(language.as_str().to_string()));
        }
    }
}

/// Release-date orders list dated movies only (as both adapters do).
fn lists_dated_only(sort: DiscoverSort) -> bool {
    matches!(
        sort,
        DiscoverSort::ReleaseDateAsc | DiscoverSort::ReleaseDateDesc
    )
}

/// Every filter, on the `catalog_movies` row (or index entry) `alias`, for the collected scope.
fn collected_filters(sql: &mut Sql, query: &DiscoverQuery, alias: &str) {
    sql.push("true");
    if let Some(genres) = &query.genres {
        let ids: Vec<i64> = genres.ids().iter().map(|g| g.get()).collect();
        relation(
            sql,
            alias,
            "catalog_movie_genres",
            "genre_id",
            &ids,
            genres.is_all(),
        );
    }
    if let Some(people) = &query.with_people {
        let ids: Vec<i64> = people.ids().iter().map(|p| p.get()).collect();
        relation(
            sql,
            alias,
            "catalog_movie_people",
            "person_id",
            &ids,
            people.is_all(),
        );
    }
    if let Some(awards) = &query.awards_won {
        award_filter(sql, alias, awards, true);
    }
    if let Some(awards) = &query.awards_nominated {
        award_filter(sql, alias, awards, false);
    }
    range_filters(sql, query, alias, true);
}

/// ` AND` a movie related to all (or any) of `ids` through `table`.
fn relation(sql: &mut Sql, alias: &str, table: &str, column: &str, ids: &[i64], all: bool) {
    sql.push(&format!(
        " AND {alias}.id IN (SELECT movie_id FROM {table} WHERE {column} IN \
         (SELECT value FROM json_each(?))"
    ));
    sql.bind(Value::Text(id_array(ids)));
    if all {
        sql.push(" GROUP BY movie_id HAVING COUNT(*) = ?");
        sql.bind(Value::Int(i64::try_from(ids.len()).unwrap_or(i64::MAX)));
    }
    sql.push(")");
}

/// ` AND` movies holding all (or any) of `awards` in `catalog_awards`: won, or nominated (wins
/// count).
fn award_filter(sql: &mut Sql, alias: &str, awards: &IdSet<AwardKey>, won_only: bool) {
    let won = if won_only { " AND won = 1" } else { "" };
    let joiner = if awards.is_all() { " AND " } else { " OR " };
    sql.push(" AND (");
    for (n, key) in awards.ids().iter().enumerate() {
        if n > 0 {
            sql.push(joiner);
        }
        sql.bind(Value::Text(key.award.as_str().to_string()));
        match &key.category {
            Some(category) => {
                sql.bind(Value::Text(category.as_str().to_string()));
                sql.push(&format!(
                    "{alias}.id IN (SELECT subject_id FROM catalog_awards WHERE award_id = ? \
                     AND category_slug = ?{won} AND subject = 'movie')"
                ));
            }
            None => sql.push(&format!(
                "{alias}.id IN (SELECT subject_id FROM catalog_awards WHERE award_id = ?{won} \
                 AND subject = 'movie')"
            )),
        }
    }
    sql.push(")");
}

/// The sort's keys, most significant first, and whether each descends; the id breaks ties.
fn sort_keys(sort: DiscoverSort) -> &'static [(&'static str, bool)] {
    match sort {
        DiscoverSort::PopularityDesc => &[("popularity", true)],
        DiscoverSort::ReleaseDateDesc => &[("release_date", true)],
        DiscoverSort::ReleaseDateAsc => &[("release_date", false)],
        DiscoverSort::RatingDesc => &[("vote_average", true), ("vote_count", true)],
        DiscoverSort::TitleAsc => &[("sort_title", false)],
    }
}

/// The name ending of the sort's walk indexes.
fn index_suffix(sort: DiscoverSort) -> &'static str {
    match sort {
        DiscoverSort::PopularityDesc => "popularity",
        DiscoverSort::ReleaseDateDesc => "release_desc",
        DiscoverSort::ReleaseDateAsc => "release_asc",
        DiscoverSort::RatingDesc => "rating",
        DiscoverSort::TitleAsc => "title",
    }
}

/// The walk index of `table` (or of its language-led set, `catalog_movies_language`) for `sort`,
/// as `0010_discover_walks.sql` names them.
fn walk_index(table: &str, sort: DiscoverSort) -> String {
    format!("{table}_walk_{}", index_suffix(sort))
}

/// The sort's keys on `alias`, as select-list columns under their own names.
fn key_columns(sort: DiscoverSort, alias: &str) -> String {
    sort_keys(sort)
        .iter()
        .map(|(key, _)| format!("{alias}.{key} AS {key}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `ORDER BY` terms of the sort on `alias` (none: the compound's result columns), ties by `id`.
fn order_by(sort: DiscoverSort, alias: &str, id: &str) -> String {
    let qualify = |column: &str| {
        if alias.is_empty() {
            column.to_string()
        } else {
            format!("{alias}.{column}")
        }
    };
    let mut terms: Vec<String> = sort_keys(sort)
        .iter()
        .map(|(key, descending)| {
            format!("{}{}", qualify(key), if *descending { " DESC" } else { "" })
        })
        .collect();
    terms.push(qualify(id));
    terms.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog_query::{DiscoverParams, DiscoverRequest};

    fn query(pairs: &[(&str, &str)]) -> DiscoverQuery {
        let object: serde_json::Map<String, serde_json::Value> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), serde_json::Value::from(*v)))
            .collect();
        let params: DiscoverParams = serde_json::from_value(object.into()).unwrap();
        match params.parse().unwrap() {
            DiscoverRequest::Filtered(query) => query,
            DiscoverRequest::Ids(_) => panic!("ids"),
        }
    }

    /// Each walk reads its scope's index of the sort, covering (no movie row is read to skip
    /// one), and sorts nothing but the page it joins (and, for any of several genres, each
    /// genre's bounded walk before the union merges them); collected matches are sorted from
    /// their keys' index.
    #[tokio::test]
    async fn every_walk_reads_the_index_of_its_sort_and_sorts_only_the_page() {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::stores::embedded::open(dir.path()).await.unwrap();
        // Filters, the index read (a walk's without its sort's ending), how many sorts the plan
        // holds (the page's; one per genre walk that a union merges; the collected matches'),
        // and the page read (of 20) with the count it was read with.
        type Shape = (
            &'static [(&'static str, &'static str)],
            &'static str,
            usize,
            (u32, i64),
        );
        const DEEP: (u32, i64) = (500, COUNTED_RESULTS as i64);
        let shapes: [Shape; 8] = [
            (&[], "catalog_movies_walk_", 1, DEEP),
            (
                &[("min_rating", "7"), ("year", "2015")],
                "catalog_movies_walk_",
                1,
                DEEP,
            ),
            (
                &[("genres", "18"), ("language", "fr")],
                "catalog_movie_genres_walk_",
                1,
                DEEP,
            ),
            (
                &[("genres", "18,35")],
                "catalog_movie_genres_walk_",
                1,
                DEEP,
            ),
            (
                &[("genres", "27|53|99")],
                "catalog_movie_genres_walk_",
                4,
                DEEP,
            ),
            (
                &[("language", "fr"), ("min_votes", "10")],
                "catalog_movies_language_walk_",
                1,
                DEEP,
            ),
            // A prolific person's first page: 10 000 matches, the page within their first 400.
            (
                &[("with_people", "31"), ("genres", "18")],
                "catalog_movies_walk_",
                1,
                (1, 10_000),
            ),
            // Its page 500: the matches' keys collected by id and sorted.
            (
                &[("with_people", "31"), ("genres", "18")],
                "catalog_movies_keys",
                2,
                DEEP,
            ),
        ];
        for (filters, index, sorts, (number, total)) in shapes {
            for sort in DiscoverSort::NAMES {
                let mut pairs = filters.to_vec();
                pairs.push(("sort", sort));
                let query = query(&pairs);
                let scope = Scope::of(&pool, &query).await.unwrap();
                let page = PageRequest::new(number, 20).unwrap();
                let page = scope.page_sql(&query, page, total);
                let explain = format!("EXPLAIN QUERY PLAN {}", page.text);
                let plan = bind_all(sqlx::query(&explain), &page.values)
                    .fetch_all(&pool)
                    .await
                    .unwrap();
                let details: Vec<String> = plan.iter().map(|row| row.get(3)).collect();
                let walk = match index {
                    "catalog_movies_keys" => format!("USING COVERING INDEX {index}"),
                    walk => format!("USING COVERING INDEX {walk}{}", index_suffix(query.sort)),
                };
                let walks: Vec<&String> = details
                    .iter()
                    .filter(|d| d.starts_with("SEARCH a ") || d.starts_with("SCAN a "))
                    .collect();
                assert!(!walks.is_empty(), "{pairs:?}: {details:?}");
                assert!(
                    walks.iter().all(|d| d.contains(&walk)),
                    "{pairs:?}: {details:?}"
                );
                let sorted = details
                    .iter()
                    .filter(|d| d.contains("TEMP B-TREE FOR ORDER BY"))
                    .count();
                assert_eq!(sorted, sorts, "{pairs:?}: {details:?}");
            }
        }
    }

    #[test]
    fn matches_are_walked_only_for_a_page_within_their_first_twentieth() {
        let page = |number| PageRequest::new(number, 20).unwrap();
        assert!(walks_the_matches(page(1), 10_025));
        assert!(walks_the_matches(page(25), 10_000));
        assert!(!walks_the_matches(page(26), 10_000));
        assert!(!walks_the_matches(page(500), 10_025));
        assert!(!walks_the_matches(page(1), 3));
    }

    /// A data directory written before the walks existed gains them on its next start: the
    /// genre rows get their movies' keys, and a genre's pages list in order.
    #[tokio::test]
    async fn an_older_catalog_gains_its_genre_walks_when_migrated() {
        let dir = tempfile::tempdir().unwrap();
        let options = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(dir.path().join("old.db"))
            .create_if_missing(true);
        let pool = SqlitePool::connect_with(options).await.unwrap();
        let mut before_walks = sqlx::migrate!("../migrations/sqlite");
        before_walks.migrations = before_walks
            .migrations
            .iter()
            .filter(|m| m.version < 10)
            .cloned()
            .collect::<Vec<_>>()
            .into();
        before_walks.run(&pool).await.unwrap();
        for (id, popularity, release) in [
            (1, 5.0, "2001-01-01"),
            (2, 9.0, "1999-05-05"),
            (3, 7.0, "2010-02-02"),
        ] {
            sqlx::query(
                "INSERT INTO catalog_movies (id, title, sort_title, release_date, genre_ids, \
                 popularity, vote_average, vote_count, source, content_hash, updated_at, document) \
                 VALUES (?, 'Film', 'film', ?, '[18]', ?, 7.0, 10, 'tmdb', '', '', '{}')",
            )
            .bind(id)
            .bind(release)
            .bind(popularity)
            .execute(&pool)
            .await
            .unwrap();
            sqlx::query("INSERT INTO catalog_movie_genres (movie_id, genre_id) VALUES (?, 18)")
                .bind(id)
                .execute(&pool)
                .await
                .unwrap();
        }
        crate::stores::embedded::migrate(&pool).await.unwrap();

        let drama = query(&[("genres", "18")]);
        let total = count(&pool, &drama).await.unwrap();
        let listed = read_page(&pool, &drama, PageRequest::new(1, 20).unwrap(), total)
            .await
            .unwrap();
        let ids: Vec<i64> = listed.results.iter().map(|m| m.id.get()).collect();
        assert_eq!((ids, listed.total_results), (vec![2, 3, 1], 3));
        let dated = query(&[("genres", "18"), ("sort", "release_date.asc")]);
        let total = count(&pool, &dated).await.unwrap();
        let listed = read_page(&pool, &dated, PageRequest::new(1, 20).unwrap(), total)
            .await
            .unwrap();
        let ids: Vec<i64> = listed.results.iter().map(|m| m.id.get()).collect();
        assert_eq!(ids, [2, 1, 3]);
    }
}
