//! Generating the reviews into MariaDB: the reviews store's own schema (its migrations), the
//! planned reviews in insertion order (oldest first, so ids grow with time as in production) by
//! multi-row `INSERT`s, and each reviewed movie's aggregate row exactly as the store keeps it
//! (count, sum, histogram, and the trend scores of its reviews' events) and per-block counts
//! (`movie_review_blocks`), so `GET /movies/{id}/reviews` totals, ratings and numbered pages,
//! and trending, agree with the rows.

use std::fmt::Write as _;
use std::time::Instant;

use chrono::{DateTime, Utc};
use shared::recommend::decay::TrendScores;
use shared::stores::reviews::now_micros;
use sqlx::{Connection, MySqlConnection};

use crate::config::{Config, Sizes, MYSQL_DATABASE};
use crate::plan::{user_id, Plan};
use crate::rng::Rng;
use crate::words::{capitalised, tail_word};
use crate::Fallible;

/// Rows per `INSERT` (about 400 KB of SQL: far below `max_allowed_packet`).
const ROWS_PER_STATEMENT: usize = 2_000;
/// Statements per transaction: a commit (one log flush) per 20,000 rows.
const STATEMENTS_PER_COMMIT: usize = 10;
/// Distinct review texts, reused: the bodies' length matters to the pages, not their words.
const BODIES: usize = 64;

/// Whether MariaDB already holds the reviews of these sizes (and when they were generated).
pub async fn generated_at(config: &Config) -> Fallible<Option<DateTime<Utc>>> {
    let mut admin = MySqlConnection::connect(&config.mysql_admin_url()?).await?;
    sqlx::raw_sql(&format!(
        "CREATE DATABASE IF NOT EXISTS {MYSQL_DATABASE} CHARACTER SET utf8mb4"
    ))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    let mut db = MySqlConnection::connect(&config.mysql_url()?).await?;
    create_marker_table(&mut db).await?;
    let at: Option<chrono::NaiveDateTime> =
        sqlx::query_scalar("SELECT generated_at FROM scale_marker WHERE sizes = ?")
            .bind(config.sizes.key())
            .fetch_optional(&mut db)
            .await?;
    db.close().await?;
    Ok(at.map(|at| at.and_utc()))
}

/// Which sizes the database holds, written last: a generation cut short is not reused.
async fn create_marker_table(db: &mut MySqlConnection) -> Fallible<()> {
    sqlx::raw_sql(
        "CREATE TABLE IF NOT EXISTS scale_marker (sizes VARCHAR(200) PRIMARY KEY, \
         generated_at DATETIME(6) NOT NULL)",
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Replaces whatever the bench's database holds with the reviews of `plan`.
/// Brings reused reviews to the store's current schema, as a deployment's migration step would
/// (the functions do not migrate MariaDB themselves).
pub async fn upgrade(config: &Config) -> Fallible<()> {
    let started = Instant::now();
    let pool = shared::state::mysql_pool(&config.mysql_url()?)?;
    shared::migrate::mysql(&pool).await?;
    pool.close().await;
    eprintln!(
        "scale: reviews schema up to date ({:.1} s)",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

pub async fn generate(config: &Config, sizes: Sizes, plan: &Plan) -> Fallible<()> {
    let started = Instant::now();
    // Whole microseconds, as stored: the trend scores are summed from the stored times.
    let generated_at = now_micros();
    let mut admin = MySqlConnection::connect(&config.mysql_admin_url()?).await?;
    // The bench's own database (created above by `generated_at`), never another.
    sqlx::raw_sql(&format!(
        "DROP DATABASE IF EXISTS {MYSQL_DATABASE}; CREATE DATABASE {MYSQL_DATABASE} CHARACTER SET utf8mb4"
    ))
    .execute(&mut admin)
    .await?;
    admin.close().await?;
    let pool = shared::state::mysql_pool(&config.mysql_url()?)?;
    shared::migrate::mysql(&pool).await?;
    pool.close().await;

    let mut db = MySqlConnection::connect(&config.mysql_url()?).await?;
    create_marker_table(&mut db).await?;
    // Uniqueness holds by construction (the plan has one review per user and movie): InnoDB
    // may then buffer the unique index's changes instead of reading each page.
    sqlx::raw_sql("SET SESSION unique_checks = 0, foreign_key_checks = 0")
        .execute(&mut db)
        .await?;
    let bodies = review_bodies();
    let chunks: Vec<_> = plan.reviews.chunks(ROWS_PER_STATEMENT).collect();
    for (n, group) in chunks.chunks(STATEMENTS_PER_COMMIT).enumerate() {
        let mut tx = db.begin().await?;
        for chunk in group {
            let mut sql = String::with_capacity(chunk.len() * 220);
            sql.push_str(
                "INSERT INTO reviews (movie_id, user_id, rating, title, body, contains_spoilers, \
                 version, created_at, updated_at, rated_at) VALUES ",
            );
            for (i, review) in chunk.iter().enumerate() {
                let at = written_at(generated_at, review.age_secs);
                let at = at.format("%Y-%m-%d %H:%M:%S%.6f");
                let body = &bodies[(review.user as usize + review.movie as usize) % BODIES];
                let title = if review.user % 3 == 0 {
                    "NULL".to_string()
                } else {
                    format!("'{}'", &body[..body.len().min(40)].trim_end())
                };
                let separator = if i == 0 { "" } else { "," };
                write!(
                    sql,
                    "{separator}({},X'{}',{},{title},'{body}',{},1,'{at}','{at}','{at}')",
                    review.movie,
                    user_id(u64::from(review.user)).simple(),
                    review.rating,
                    u8::from(review.movie % 17 == 0),
                )?;
            }
            sqlx::raw_sql(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        let written = (n + 1) * STATEMENTS_PER_COMMIT * ROWS_PER_STATEMENT;
        if written.is_multiple_of(500_000) {
            eprintln!(
                "scale: {written} reviews written ({:.0} s)",
                started.elapsed().as_secs_f64()
            );
        }
    }
    write_aggregates(&mut db, plan, generated_at).await?;
    // The per-block counts numbered pages start from, as the store's writes leave them.
    sqlx::raw_sql(
        "INSERT INTO movie_review_blocks (movie_id, rating, block, reviews) \
         SELECT movie_id, rating, id >> 16, COUNT(*) FROM reviews \
         GROUP BY movie_id, rating, id >> 16",
    )
    .execute(&mut db)
    .await?;
    sqlx::raw_sql("ANALYZE TABLE reviews, movie_ratings")
        .execute(&mut db)
        .await?;
    sqlx::query("INSERT INTO scale_marker (sizes, generated_at) VALUES (?, ?)")
        .bind(sizes.key())
        .bind(generated_at.naive_utc())
        .execute(&mut db)
        .await?;
    db.close().await?;
    eprintln!(
        "scale: reviews done in {:.0} s",
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// When a planned review `age_secs` old was written (created and rated).
fn written_at(generated_at: DateTime<Utc>, age_secs: u32) -> DateTime<Utc> {
    generated_at - chrono::Duration::seconds(i64::from(age_secs))
}

/// Each movie's trend scores: one event per review, at its creation (as the store adds them).
fn trend_scores(plan: &Plan, generated_at: DateTime<Utc>) -> Vec<TrendScores> {
    let mut scores = vec![TrendScores::default(); plan.histograms.len()];
    for review in &plan.reviews {
        if let Some(movie) = scores.get_mut(review.movie as usize) {
            *movie = movie.with_event(written_at(generated_at, review.age_secs));
        }
    }
    scores
}

/// A score as SQL: a float literal, or NULL.
fn score_sql(score: Option<f64>) -> String {
    score.map_or_else(|| "NULL".into(), |score| format!("{score:e}"))
}

/// One `movie_ratings` row per reviewed movie, as the store's writes leave it.
async fn write_aggregates(
    db: &mut MySqlConnection,
    plan: &Plan,
    generated_at: DateTime<Utc>,
) -> Fallible<()> {
    let trends = trend_scores(plan, generated_at);
    let at = generated_at.format("%Y-%m-%d %H:%M:%S%.6f");
    let rows: Vec<(usize, &[u32; 10])> = plan
        .histograms
        .iter()
        .enumerate()
        .filter(|(_, h)| h.iter().any(|&n| n > 0))
        .collect();
    let mut tx = db.begin().await?;
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(
            "INSERT INTO movie_ratings (movie_id, rating_count, rating_sum, r1, r2, r3, r4, r5, \
             r6, r7, r8, r9, r10, revision, updated_at, trend_day, trend_week) VALUES ",
        );
        for (i, (movie, histogram)) in chunk.iter().enumerate() {
            let (count, sum) = crate::plan::count_and_sum(histogram);
            let columns: Vec<String> = histogram.iter().map(u32::to_string).collect();
            let trend = trends.get(*movie).copied().unwrap_or_default();
            let separator = if i == 0 { "" } else { "," };
            write!(
                sql,
                "{separator}({movie},{count},{sum},{},{count},'{at}',{},{})",
                columns.join(","),
                score_sql(trend.day.0),
                score_sql(trend.week.0),
            )?;
        }
        sqlx::raw_sql(&sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Review texts of 100 to 600 characters, lower-case letters and spaces only (no escaping).
fn review_bodies() -> Vec<String> {
    let mut rng = Rng::new(crate::config::SEED);
    (0..BODIES)
        .map(|_| {
            let words = 15 + rng.below(70);
            capitalised(
                &(0..words)
                    .map(|_| tail_word(&mut rng))
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::PlannedReview;
    use shared::recommend::decay::{weight, Window};

    #[test]
    fn trend_scores_sum_each_movies_reviews_by_age() {
        let review = |movie, age_secs| PlannedReview {
            movie,
            user: 7,
            rating: 8,
            age_secs,
        };
        let plan = Plan {
            reviews: vec![review(3, 6 * 3600), review(3, 0), review(1, 12 * 3600)],
            histograms: vec![[0; 10]; 4],
        };
        let generated_at = now_micros();
        let scores = trend_scores(&plan, generated_at);
        let day = |movie: usize| {
            scores[movie]
                .day
                .0
                .map(|s| weight(Window::Day, s, generated_at))
        };
        assert!((day(3).unwrap() - 1.5).abs() < 1e-9);
        assert!((day(1).unwrap() - 0.25).abs() < 1e-9);
        assert_eq!(day(2), None);
        // Written as SQL, a score reads back as the same number.
        let score = scores[3].week.0.unwrap();
        assert_eq!(score_sql(Some(score)).parse::<f64>().unwrap(), score);
        assert_eq!(score_sql(None), "NULL");
    }
}
