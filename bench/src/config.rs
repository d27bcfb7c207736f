//! What to measure and where the services are, from the environment `bench/run.sh` sets.

use std::path::PathBuf;
use std::time::Duration;

use crate::template::Template;

/// Every knob of a run. Each has a default so `bench/run.sh` alone is the whole command.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Admin URLs of the services: each run creates its own database on them and drops it.
    pub mysql_url: String,
    pub postgres_url: String,
    pub redis_url: String,
    pub mongodb_uri: String,
    /// Where the release function binaries are (`target/release`).
    pub bin_dir: PathBuf,
    /// The repository's sample API Gateway events (`events/`).
    pub events_dir: PathBuf,
    /// The SAM template (`template.yaml`): the memory rows check its `MemorySize`s, and every
    /// function process gets the plain environment variables it sets.
    pub template: Template,
    /// Concurrency levels: every load and its floor runs at each one.
    pub connections: Vec<u32>,
    /// Length of each measured load run.
    pub duration: Duration,
    /// Unmeasured load before each measured run (connections, prepared statements, allocator).
    pub warmup: Duration,
    /// Process starts per function and configuration; the median is reported.
    pub cold_runs: usize,
}

const DEFAULT_CONNECTIONS: &[u32] = &[1, 8];
/// Bounds that keep a run short and loopback-sized whatever the environment says.
const MAX_CONNECTIONS: u32 = 64;
const MAX_DURATION_SECS: u64 = 60;
const MAX_COLD_RUNS: usize = 25;

impl BenchConfig {
    pub fn from_env() -> Result<Self, String> {
        let var = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
        let mongodb_uri = var("BENCH_MONGODB_URI")
            .ok_or("BENCH_MONGODB_URI is not set (bench/run.sh starts nx-27017 and sets it)")?;
        let connections = match var("BENCH_CONNECTIONS") {
            Some(list) => parse_connections(&list)?,
            None => DEFAULT_CONNECTIONS.to_vec(),
        };
        let secs = |key: &str, default: u64| -> Result<u64, String> {
            match var(key) {
                Some(text) => text
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|s| (1..=MAX_DURATION_SECS).contains(s))
                    .ok_or(format!("{key} must be 1–{MAX_DURATION_SECS} seconds")),
                None => Ok(default),
            }
        };
        let cold_runs = match var("BENCH_COLD_RUNS") {
            Some(text) => text
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_COLD_RUNS).contains(n))
                .ok_or(format!("BENCH_COLD_RUNS must be 1–{MAX_COLD_RUNS}"))?,
            None => 7,
        };
        Ok(Self {
            mysql_url: var("BENCH_MYSQL_URL")
                .unwrap_or_else(|| "mysql://root@127.0.0.1:3306/mysql".into()),
            postgres_url: var("BENCH_POSTGRES_URL")
                .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/postgres".into()),
            redis_url: var("BENCH_REDIS_URL").unwrap_or_else(|| "redis://127.0.0.1:6379".into()),
            mongodb_uri,
            // Absolute: each function process runs in its own working directory.
            bin_dir: std::path::absolute(
                var("BENCH_BIN_DIR")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("target/release")),
            )
            .map_err(|e| format!("BENCH_BIN_DIR: {e}"))?,
            events_dir: var("BENCH_EVENTS_DIR")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("events")),
            template: Template::load(
                &var("BENCH_TEMPLATE")
                    .map(PathBuf::from)
                    .unwrap_or_else(|| PathBuf::from("template.yaml")),
            )
            .map_err(|e| e.to_string())?,
            connections,
            duration: Duration::from_secs(secs("BENCH_DURATION_SECS", 10)?),
            warmup: Duration::from_secs(secs("BENCH_WARMUP_SECS", 2)?),
            cold_runs,
        })
    }
}

fn parse_connections(list: &str) -> Result<Vec<u32>, String> {
    let levels: Option<Vec<u32>> = list
        .split(',')
        .map(|item| {
            item.trim()
                .parse::<u32>()
                .ok()
                .filter(|c| (1..=MAX_CONNECTIONS).contains(c))
        })
        .collect();
    match levels {
        Some(levels) if !levels.is_empty() => Ok(levels),
        _ => Err(format!(
            "BENCH_CONNECTIONS must be a comma-separated list of 1–{MAX_CONNECTIONS}"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_lists_are_bounded() {
        assert_eq!(parse_connections("1, 8").unwrap(), vec![1, 8]);
        assert!(parse_connections("0").is_err());
        assert!(parse_connections("1000").is_err());
        assert!(parse_connections("x").is_err());
        assert!(parse_connections("").is_err());
    }
}
