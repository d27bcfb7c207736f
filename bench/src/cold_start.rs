//! Cold start: from spawning a release function binary to its first answered invocation,
//! through our Runtime API, in three configurations; and the size of each binary.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::config::BenchConfig;
use crate::fixtures::{production_env, App};
use crate::report::{ms, Report, Row, Verdict};
use crate::resources::Resources;
use crate::runtime_api::{Answer, RuntimeApi};
use crate::Fallible;

/// Target: first answer within this, with the embedded default.
const COLD_START_TARGET: Duration = Duration::from_millis(50);
/// Target: stripped release binaries up to this size.
const SIZE_TARGET_BYTES: u64 = 10 * 1024 * 1024;
/// A start slower than this is a hang, not a figure.
const START_LIMIT: Duration = Duration::from_secs(30);

/// An HTTP function and the request its first invocation carries.
struct Function {
    name: &'static str,
    path: String,
}

#[derive(Clone, Copy)]
enum Setup {
    /// Embedded default, a data directory no process used before (migrations, keys, sample).
    EmbeddedFresh,
    /// Embedded default, a data directory an earlier start already prepared.
    EmbeddedWarm,
    /// Every production store of this run configured (profiles stay embedded).
    Production,
}

impl Setup {
    fn label(self) -> &'static str {
        match self {
            Self::EmbeddedFresh => "embedded, new data dir",
            Self::EmbeddedWarm => "embedded, used data dir",
            Self::Production => "production stores",
        }
    }
}

pub async fn measure_all(
    config: &BenchConfig,
    resources: &Resources,
    app: &App,
    report: &mut Report,
) -> Fallible<()> {
    let functions = [
        Function {
            name: "movies",
            path: format!("/movies/{}", app.movie),
        },
        Function {
            name: "people",
            path: format!("/people/{}", app.person_id),
        },
        Function {
            name: "reviews",
            path: format!("/movies/{}/reviews", app.movie),
        },
        Function {
            name: "auth",
            path: "/auth/me".into(),
        },
        Function {
            name: "profiles",
            path: format!("/profiles/{}", app.user_id),
        },
    ];
    for function in &functions {
        let binary = config.bin_dir.join(function.name);
        if !binary.is_file() {
            report.push(Row::failed(
                format!("cold start {}", function.name),
                format!("{} is not built", binary.display()),
            ));
            continue;
        }
        for setup in [Setup::EmbeddedFresh, Setup::EmbeddedWarm, Setup::Production] {
            let row = cold_starts(config, resources, &binary, function, setup).await?;
            report.push(row);
        }
    }
    for name in ["movies", "people", "reviews", "auth", "profiles", "seed"] {
        report.push(size_row(&config.bin_dir.join(name), name));
    }
    report.note(
        "seed has no cold-start row: it is a scheduled importer, its first invocation is an import"
            .into(),
    );
    Ok(())
}

async fn cold_starts(
    config: &BenchConfig,
    resources: &Resources,
    binary: &Path,
    function: &Function,
    setup: Setup,
) -> Fallible<Row> {
    let check = format!("cold start {} ({})", function.name, setup.label());
    let event = api_gateway_event(&function.path);
    let shared_dir = tempfile::tempdir()?;
    if matches!(setup, Setup::EmbeddedWarm) {
        // One unmeasured start prepares the directory.
        let _ = start_once(
            binary,
            function.name,
            &event,
            &embedded_env(shared_dir.path()),
        )
        .await?;
    }
    let mut times = Vec::with_capacity(config.cold_runs);
    let mut statuses = Vec::new();
    for _ in 0..config.cold_runs {
        let fresh_dir = tempfile::tempdir()?;
        let env = match setup {
            Setup::EmbeddedFresh => embedded_env(fresh_dir.path()),
            Setup::EmbeddedWarm => embedded_env(shared_dir.path()),
            Setup::Production => production_env(resources, fresh_dir.path(), false),
        };
        match start_once(binary, function.name, &event, &env).await? {
            Started::Answered { after, status } => {
                times.push(after);
                statuses.push(status);
            }
            Started::Failed(reason) => return Ok(Row::failed(check, reason)),
        }
    }
    statuses.sort_unstable();
    statuses.dedup();
    let statuses: Vec<String> = statuses
        .iter()
        .map(|s| s.map_or("?".to_string(), |s| s.to_string()))
        .collect();
    let median = crate::stats::median(times.clone()).unwrap_or_default();
    let slowest = times.iter().max().copied().unwrap_or_default();
    let measured = format!(
        "{} median, {} max of {} (HTTP {})",
        ms(median),
        ms(slowest),
        times.len(),
        statuses.join("/")
    );
    Ok(match setup {
        Setup::Production => Row::info(check, measured, "lazy pools: first query connects".into()),
        _ => Row::target(
            check,
            measured,
            format!("≤ {}", ms(COLD_START_TARGET)),
            if median <= COLD_START_TARGET {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
        ),
    })
}

enum Started {
    Answered {
        after: Duration,
        status: Option<u16>,
    },
    Failed(String),
}

/// Spawns the binary against a fresh Runtime API and times its first answer.
async fn start_once(
    binary: &Path,
    name: &str,
    event: &Bytes,
    env: &[(String, String)],
) -> Fallible<Started> {
    let api = RuntimeApi::start(name, event.clone()).await?;
    let work_dir = tempfile::tempdir()?;
    let mut command = tokio::process::Command::new(binary);
    command
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .env("AWS_LAMBDA_RUNTIME_API", api.addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", name)
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "1024")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", format!("/aws/lambda/{name}"))
        // No `.env` of the checkout can leak into a start.
        .current_dir(work_dir.path())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = command
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", binary.display()))?;
    let answer = api.answer(START_LIMIT).await;
    let _ = child.kill().await;
    Ok(match answer {
        Some(Answer::Response { at, status }) => Started::Answered {
            after: at.duration_since(started),
            status,
        },
        Some(Answer::Error { body, .. }) => Started::Failed(format!("invocation error: {body}")),
        None => Started::Failed(format!("no answer within {}", ms(START_LIMIT))),
    })
}

fn embedded_env(data_dir: &Path) -> Vec<(String, String)> {
    vec![(
        shared::config::keys::MOVIEVERSE_DATA_DIR.to_string(),
        data_dir.to_string_lossy().into_owned(),
    )]
}

fn size_row(binary: &PathBuf, name: &str) -> Row {
    let check = format!("size of {name} (release, stripped)");
    match std::fs::metadata(binary) {
        Ok(meta) => Row::target(
            check,
            format!("{:.1} MB", meta.len() as f64 / (1024.0 * 1024.0)),
            "≤ 10.0 MB".into(),
            if meta.len() <= SIZE_TARGET_BYTES {
                Verdict::Pass
            } else {
                Verdict::Fail
            },
        ),
        Err(_) => Row::failed(check, format!("{} is not built", binary.display())),
    }
}

/// An API Gateway HTTP API (payload 2.0) GET event, as `events/*.json` are.
fn api_gateway_event(path: &str) -> Bytes {
    let event = serde_json::json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": {
            "accept": "application/json",
            "host": "bench.execute-api.us-east-1.amazonaws.com",
            "user-agent": "movieverse-bench",
            "x-forwarded-for": "192.0.2.10"
        },
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "domainName": "bench.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "bench",
            "http": {
                "method": "GET",
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "movieverse-bench"
            },
            "requestId": "bench",
            "routeKey": "$default",
            "stage": "$default",
            "time": "24/Nov/2026:00:00:00 +0000",
            "timeEpoch": 1_795_478_400_000_u64
        },
        "isBase64Encoded": false
    });
    Bytes::from(event.to_string())
}
