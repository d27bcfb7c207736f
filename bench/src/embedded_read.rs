//! The embedded default's cached read: `GET /movies/{id}` served by the movies router over the
//! embedded store (its cache is the `cache_entries` table of the SQLite file every function
//! process of a data dir shares), next to a raw read of the same bytes from the same file.

use std::time::{Duration, Instant};

use shared::config::{keys, RawSettings};
use shared::secrets::SecretSource;
use shared::AppState;

use crate::config::BenchConfig;
use crate::fixtures::MOVIE;
use crate::load::Direct;
use crate::report::{ms, Report, Row};
use crate::stats::{summarise, Latency};
use crate::Fallible;

/// Target: a cached read costs at most this many raw reads of its row.
const TARGET: f64 = 2.0;
/// One request at a time, as a function container takes them.
const CONNECTIONS: u32 = 1;
/// The read the cache backend makes, without its expiry check: the floor.
const RAW_READ: &str = "SELECT value FROM cache_entries WHERE key = ?1";

pub async fn cached_read(config: &BenchConfig, report: &mut Report) -> Fallible<()> {
    let check = format!("embedded cached GET /movies/{MOVIE} p50, {CONNECTIONS} conn");
    let data_dir = tempfile::tempdir()?;
    let env = [(
        keys::MOVIEVERSE_DATA_DIR.to_string(),
        data_dir.path().to_string_lossy().into_owned(),
    )]
    .into_iter()
    .collect();
    let state =
        AppState::from_settings(RawSettings::merge(&env, SecretSource::None).into_settings()).await;
    let movie = shared::domain::MovieId::new(MOVIE).ok_or("bad movie id")?;
    crate::fixtures::seed_catalog(&state, movie).await?;
    let served = crate::server::serve(movies::router(state.clone())).await?;
    let url = format!("http://{}/movies/{MOVIE}", served.addr);
    let outcome = async {
        // The first GET fills the cache; the measured ones are all hits.
        let _ = reqwest::get(&url).await?;
        let body = reqwest::get(&url).await?.bytes().await?;
        let direct =
            crate::load::wrk_direct(&url, CONNECTIONS, config.warmup, config.duration).await?;
        let key = state.cache().details_key(movie, 0);
        let floor = raw_reads(data_dir.path(), &key, &body, config).await?;
        Ok::<_, Box<dyn std::error::Error + Send + Sync>>((direct, floor, body.len()))
    }
    .await;
    served.stop().await;
    let (direct, floor, bytes) = outcome?;
    let Some(Direct {
        latency,
        cpu_per_request,
    }) = direct
    else {
        report.push(Row::failed(check, "failed requests under load".into()));
        return Ok(());
    };
    report.push(Row::ratio(
        check,
        &latency,
        format!(
            "raw SQLite read p50 {} p99 {} ({bytes} B)",
            ms(floor.p50),
            ms(floor.p99)
        ),
        latency.p50,
        floor.p50,
        TARGET,
    ));
    report.push(Row::info(
        "CPU per embedded cached GET, 1 conn".into(),
        format!("{:.1} µs", cpu_per_request.as_secs_f64() * 1e6),
        "user+sys of the server process".into(),
    ));
    Ok(())
}

/// Reads the cached row of `key` over a pool opened as the functions open the file (same
/// pragmas, same driver), one read at a time for the run's duration. Checks it holds `body`.
async fn raw_reads(
    data_dir: &std::path::Path,
    key: &str,
    body: &[u8],
    config: &BenchConfig,
) -> Fallible<Latency> {
    let pool = shared::stores::embedded::open(data_dir).await?;
    let read = || async {
        sqlx::query_scalar::<_, Vec<u8>>(RAW_READ)
            .bind(key)
            .fetch_optional(&pool)
            .await
    };
    if read().await?.as_deref() != Some(body) {
        return Err(format!("the row of {key} is not the body the route answered").into());
    }
    let run = |duration: Duration| async move {
        let started = Instant::now();
        let mut samples = Vec::new();
        while started.elapsed() < duration {
            let begun = Instant::now();
            read().await?;
            samples.push(begun.elapsed());
        }
        Ok::<_, sqlx::Error>(summarise(samples, started.elapsed()))
    };
    let _ = run(config.warmup).await?;
    let latency = run(config.duration).await?;
    pool.close().await;
    Ok(latency)
}
