//! The two read measurements: each route under `wrk`, next to its floor at the same concurrency.
//!
//! Both load generators are single-threaded with `connections` keep-alive connections: `wrk -t1`
//! for HTTP, `redis-benchmark` (one thread by default) for Redis, and the SQL floor runs as many
//! tasks as there are connections.

use std::path::Path;
use std::time::Duration;

use crate::config::BenchConfig;
use crate::fixtures::App;
use crate::report::{ms, Report, Row};
use crate::stats::Latency;
use crate::Fallible;

/// Target: a cached movie costs at most this many raw Redis GETs, one at a time …
const CACHED_TARGET_ONE: f64 = 2.0;
/// … and with concurrent connections.
const CACHED_TARGET_CONCURRENT: f64 = 1.5;
/// Target: the reviews page costs at most this many times its SQL.
const REVIEWS_TARGET: f64 = 1.25;

/// Prints the run's figures in one machine-readable line when wrk finishes (latency in µs).
const WRK_SCRIPT: &str = r#"
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("MVBENCH %.0f %.0f %d %d %d %d\n",
    latency:percentile(50), latency:percentile(99), summary.requests, summary.duration,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"#;

/// What a route measured when served directly (the figure the Lambda path is judged against).
#[derive(Debug, Clone, Copy)]
pub struct Direct {
    pub latency: Latency,
    /// CPU time of the server per request.
    pub cpu_per_request: Duration,
}

/// One wrk run.
struct WrkRun {
    latency: Latency,
    /// Answers that were not 2xx/3xx, and socket errors: both make the run worthless.
    failures: u64,
    /// CPU time of this process (the server) per request.
    cpu_per_request: Duration,
}

pub async fn cached_read(
    config: &BenchConfig,
    app: &App,
    connections: u32,
    report: &mut Report,
) -> Fallible<Option<Direct>> {
    let check = format!("cached GET /movies/{} p50, {connections} conn", app.movie);
    let url = app.movie_url();
    // The first GET fills the cache (a miss); the measured ones must all be hits.
    let _ = get(&url).await?;
    let (status, body, x_cache) = get(&url).await?;
    if status != 200 {
        report.push(Row::failed(check, format!("answers {status}, not 200")));
        return Ok(None);
    }
    if x_cache.as_deref() != Some("hit") {
        report.note(format!(
            "GET /movies/{} said X-Cache: {} on its second read",
            app.movie,
            x_cache.as_deref().unwrap_or("(none)")
        ));
    }
    let key = app.movie_cache_key();
    let cached = redis_get(&config.redis_url, &key).await?;
    match &cached {
        None => report.note(format!("the movie is not cached under {key}")),
        Some(bytes) if bytes.as_slice() != body.as_ref() => report.note(format!(
            "the body of GET /movies/{} ({} bytes) is not the cached value ({} bytes): \
             the route re-serialises what it read from the cache",
            app.movie,
            body.len(),
            bytes.len()
        )),
        Some(_) => {}
    }

    let _ = wrk(&url, connections, config.warmup).await?;
    let run = wrk(&url, connections, config.duration).await?;
    if run.failures > 0 {
        report.push(Row::failed(
            check,
            format!("{} failed requests under load", run.failures),
        ));
        return Ok(None);
    }
    // The floor reads the very key the route reads: the same bytes over the same loopback.
    let requests = run.latency.requests.clamp(10_000, 1_000_000);
    let floor = redis_benchmark(&config.redis_url, connections, requests, &key).await?;
    report.push(Row::ratio(
        check,
        &run.latency,
        format!(
            "Redis GET p50 {} p99 {} ({} B)",
            ms(floor.p50),
            ms(floor.p99),
            body.len()
        ),
        run.latency.p50,
        floor.p50,
        if connections == 1 {
            CACHED_TARGET_ONE
        } else {
            CACHED_TARGET_CONCURRENT
        },
    ));
    report.push(Row::info(
        format!("CPU per cached GET, {connections} conn"),
        format!("{:.1} µs", run.cpu_per_request.as_secs_f64() * 1e6),
        "user+sys of the server process".into(),
    ));
    // What the near tier saves on every hit: the same GET through the application's own Redis
    // client (one multiplexed connection, as in a function), from as many tasks as connections.
    let via_app = app_client_redis_get(config, connections, &key).await?;
    report.push(Row::info(
        format!("  Redis GET through the app's client, {connections} conn"),
        format!(
            "p50 {} p99 {} {:.0} req/s",
            ms(via_app.p50),
            ms(via_app.p99),
            via_app.per_second
        ),
        "the round trip the near tier takes off each hit".into(),
    ));
    // The other floor inside the figure: an HTTP answer of the same bytes with no work at all.
    let bare = bare_http(config, connections, body.clone()).await?;
    report.push(Row::info(
        format!("  bare axum answer of the same body, {connections} conn"),
        format!(
            "p50 {} p99 {} {:.0} req/s",
            ms(bare.p50),
            ms(bare.p99),
            bare.per_second
        ),
        "the HTTP hop alone: no layers, no Redis".into(),
    ));
    if connections == config.connections[0] {
        crate::breakdown::cached_read(&body, report)?;
    }
    Ok(Some(run.direct()))
}

pub async fn reviews_read(
    config: &BenchConfig,
    app: &App,
    connections: u32,
    report: &mut Report,
) -> Fallible<Option<Direct>> {
    let check = format!("GET /movies/{}/reviews p50, {connections} conn", app.movie);
    let url = app.reviews_url();
    let (status, _, _) = get(&url).await?;
    if status != 200 {
        report.push(Row::failed(check, format!("answers {status}, not 200")));
        return Ok(None);
    }
    let _ = wrk(&url, connections, config.warmup).await?;
    let run = wrk(&url, connections, config.duration).await?;
    if run.failures > 0 {
        report.push(Row::failed(
            check,
            format!("{} failed requests under load", run.failures),
        ));
        return Ok(None);
    }
    let floor = crate::sql_floor::measure(app, connections, config.warmup, config.duration).await?;
    report.push(Row::ratio(
        check,
        &run.latency,
        format!(
            "same SQL p50 {} p99 {} (3 statements)",
            ms(floor.p50),
            ms(floor.p99)
        ),
        run.latency.p50,
        floor.p50,
        REVIEWS_TARGET,
    ));
    report.push(Row::info(
        format!("CPU per reviews page, {connections} conn"),
        format!("{:.1} µs", run.cpu_per_request.as_secs_f64() * 1e6),
        "user+sys of the server process".into(),
    ));
    Ok(Some(run.direct()))
}

impl WrkRun {
    fn direct(&self) -> Direct {
        Direct {
            latency: self.latency,
            cpu_per_request: self.cpu_per_request,
        }
    }
}

/// `RedisCache::get` (the client every function uses) of `key` from `connections` tasks.
async fn app_client_redis_get(
    config: &BenchConfig,
    connections: u32,
    key: &str,
) -> Fallible<Latency> {
    use shared::cache::CacheBackend;
    let client = std::sync::Arc::new(shared::cache::RedisCache::new(&config.redis_url)?);
    let run = |duration: Duration| {
        let started = std::time::Instant::now();
        let deadline = started + duration;
        let tasks: Vec<_> = (0..connections)
            .map(|_| {
                let client = client.clone();
                let key = key.to_string();
                tokio::spawn(async move {
                    let mut samples = Vec::new();
                    while std::time::Instant::now() < deadline {
                        let begun = std::time::Instant::now();
                        client.get(&key).await?;
                        samples.push(begun.elapsed());
                    }
                    Ok::<_, shared::cache::CacheError>(samples)
                })
            })
            .collect();
        async move {
            let mut all = Vec::new();
            for task in tasks {
                all.extend(task.await??);
            }
            Ok::<_, Box<dyn std::error::Error + Send + Sync>>(crate::stats::summarise(
                all,
                started.elapsed(),
            ))
        }
    };
    let _ = run(config.warmup).await?;
    run(config.duration).await
}

/// wrk against a router that answers `body` at once: the cost of the HTTP hop itself.
async fn bare_http(
    config: &BenchConfig,
    connections: u32,
    body: bytes::Bytes,
) -> Fallible<Latency> {
    let router = axum::Router::new().route(
        "/",
        axum::routing::get(move || {
            let body = body.clone();
            async move { ([("content-type", "application/json")], body) }
        }),
    );
    let served = crate::server::serve(router).await?;
    let url = format!("http://{}/", served.addr);
    let outcome = async {
        let _ = wrk(&url, connections, config.warmup).await?;
        wrk(&url, connections, config.duration).await
    }
    .await;
    served.stop().await;
    Ok(outcome?.latency)
}

/// One GET: status, body and `X-Cache`.
async fn get(url: &str) -> Fallible<(u16, bytes::Bytes, Option<String>)> {
    let response = reqwest::get(url).await?;
    let status = response.status().as_u16();
    let x_cache = response
        .headers()
        .get("x-cache")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    Ok((status, response.bytes().await?, x_cache))
}

async fn redis_get(url: &str, key: &str) -> Fallible<Option<Vec<u8>>> {
    let client = redis::Client::open(url)?;
    let mut conn = client.get_multiplexed_async_connection().await?;
    Ok(redis::cmd("GET").arg(key).query_async(&mut conn).await?)
}

pub async fn wrk_direct(
    url: &str,
    connections: u32,
    warmup: Duration,
    duration: Duration,
) -> Fallible<Option<Direct>> {
    let _ = wrk(url, connections, warmup).await?;
    let run = wrk(url, connections, duration).await?;
    Ok((run.failures == 0).then(|| run.direct()))
}

async fn wrk(url: &str, connections: u32, duration: Duration) -> Fallible<WrkRun> {
    let script = tempfile::Builder::new().suffix(".lua").tempfile()?;
    tokio::fs::write(script.path(), WRK_SCRIPT).await?;
    let cpu_before = crate::cpu::process_cpu_time();
    let output = tokio::process::Command::new("wrk")
        .arg("-t1")
        .arg(format!("-c{connections}"))
        .arg(format!("-d{}s", duration.as_secs()))
        .arg("--timeout")
        .arg("5s")
        .arg("-s")
        .arg(script.path())
        .arg(url)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run wrk: {e}"))?;
    let cpu = crate::cpu::process_cpu_time().saturating_sub(cpu_before);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .find_map(|line| line.strip_prefix("MVBENCH "))
        .ok_or_else(|| {
            format!(
                "wrk printed no summary: {}",
                String::from_utf8_lossy(&output.stderr)
            )
        })?;
    parse_wrk(line, cpu)
}

fn parse_wrk(line: &str, cpu: Duration) -> Fallible<WrkRun> {
    let fields: Vec<u64> = line
        .split_whitespace()
        .map(str::parse::<u64>)
        .collect::<Result<_, _>>()?;
    let [p50, p99, requests, duration_us, status_errors, socket_errors] = fields[..] else {
        return Err(format!("unexpected wrk summary: {line}").into());
    };
    let per_second = if duration_us == 0 {
        0.0
    } else {
        requests as f64 / (duration_us as f64 / 1e6)
    };
    let cpu_per_request = if requests == 0 {
        Duration::ZERO
    } else {
        cpu / u32::try_from(requests).unwrap_or(u32::MAX)
    };
    Ok(WrkRun {
        latency: Latency {
            p50: Duration::from_micros(p50),
            p99: Duration::from_micros(p99),
            requests,
            per_second,
        },
        failures: status_errors + socket_errors,
        cpu_per_request,
    })
}

/// `redis-benchmark -c N -n M GET key`: its p50/p99 (reported in ms with µs resolution).
async fn redis_benchmark(
    url: &str,
    connections: u32,
    requests: u64,
    key: &str,
) -> Fallible<Latency> {
    let parsed = url::Url::parse(url)?;
    let host = parsed.host_str().unwrap_or("127.0.0.1").to_string();
    let port = parsed.port().unwrap_or(6379);
    let mut command = tokio::process::Command::new("redis-benchmark");
    command
        .arg("-h")
        .arg(&host)
        .arg("-p")
        .arg(port.to_string())
        .arg("-c")
        .arg(connections.to_string())
        .arg("-n")
        .arg(requests.to_string())
        .arg("--csv");
    if let Some(password) = parsed.password() {
        command.arg("-a").arg(password);
    }
    let db = parsed.path().trim_start_matches('/');
    if !db.is_empty() {
        command.arg("--dbnum").arg(db);
    }
    let output = command
        .arg("GET")
        .arg(key)
        .kill_on_drop(true)
        .output()
        .await
        .map_err(|e| format!("cannot run redis-benchmark: {e}"))?;
    parse_redis_csv(&String::from_utf8_lossy(&output.stdout))
}

/// The CSV of redis-benchmark 7: `"test","rps","avg_latency_ms","min_latency_ms",
/// "p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"`.
fn parse_redis_csv(csv: &str) -> Fallible<Latency> {
    let line = csv
        .lines()
        .find(|line| line.starts_with("\"GET"))
        .ok_or_else(|| format!("redis-benchmark printed no GET line: {csv}"))?;
    let fields: Vec<f64> = line
        .split(',')
        .skip(1)
        .map(|field| field.trim_matches('"').parse::<f64>())
        .collect::<Result<_, _>>()?;
    let [rps, _avg, _min, p50, _p95, p99, _max] = fields[..] else {
        return Err(format!("unexpected redis-benchmark line: {line}").into());
    };
    let from_ms = |value: f64| Duration::from_secs_f64(value.max(0.0) / 1000.0);
    Ok(Latency {
        p50: from_ms(p50),
        p99: from_ms(p99),
        requests: 0,
        per_second: rps,
    })
}

/// Whether a tool is on the PATH (run.sh installs them; this names what is missing).
pub fn have(tool: &str) -> bool {
    std::env::var_os("PATH").is_some_and(|paths| {
        std::env::split_paths(&paths).any(|dir| Path::new(&dir).join(tool).is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_wrk_summary() {
        let run = parse_wrk("120 480 50000 10000000 0 0", Duration::from_secs(2)).unwrap();
        assert_eq!(run.latency.p50, Duration::from_micros(120));
        assert_eq!(run.latency.requests, 50_000);
        assert!((run.latency.per_second - 5000.0).abs() < 1e-6);
        assert_eq!(run.cpu_per_request, Duration::from_micros(40));
        assert!(parse_wrk("1 2 3", Duration::ZERO).is_err());
    }

    #[test]
    fn reads_the_redis_benchmark_csv() {
        let csv = "\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n\"GET k\",\"27586.21\",\"0.112\",\"0.008\",\"0.055\",\"0.527\",\"1.039\",\"5.647\"\n";
        let latency = parse_redis_csv(csv).unwrap();
        assert_eq!(latency.p50, Duration::from_micros(55));
        assert_eq!(latency.p99, Duration::from_micros(1039));
        assert!(parse_redis_csv("nothing").is_err());
    }
}
