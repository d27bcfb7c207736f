//! Cold start: from spawning a release function binary to its first answered invocation,
//! through our Runtime API, in three configurations; and the size of each binary.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::config::BenchConfig;
use crate::fixtures::{production_env, App};
use crate::report::{ms, Report, Row, Verdict};
use crate::resources::Resources;
use crate::runtime_api::{Answer, RuntimeApi};
use crate::template::Template;
use crate::Fallible;

/// Target: first answer within this, with the embedded default in a data dir used before.
const COLD_START_TARGET: Duration = Duration::from_millis(50);
/// Target: first answer within this, with the embedded default in a new data dir (migrations,
/// keys and the sample's rows included).
const FIRST_START_TARGET: Duration = Duration::from_millis(30);
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

/// The largest resident set any start of each function reached, in bytes, by function name.
pub type PeakRss = BTreeMap<&'static str, u64>;

pub async fn measure_all(
    config: &BenchConfig,
    resources: &Resources,
    app: &App,
    report: &mut Report,
) -> Fallible<PeakRss> {
    let mut peaks = PeakRss::new();
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
            let (row, peak) = cold_starts(config, resources, &binary, function, setup).await?;
            report.push(row);
            let highest = peaks.entry(function.name).or_default();
            *highest = (*highest).max(peak);
        }
    }
    for name in ["movies", "people", "reviews", "auth", "profiles", "seed"] {
        report.push(size_row(&config.bin_dir.join(name), name));
    }
    report.note(
        "seed has no cold-start row: it is a scheduled importer, its first invocation is an import"
            .into(),
    );
    Ok(peaks)
}

async fn cold_starts(
    config: &BenchConfig,
    resources: &Resources,
    binary: &Path,
    function: &Function,
    setup: Setup,
) -> Fallible<(Row, u64)> {
    let check = format!("cold start {} ({})", function.name, setup.label());
    let event = crate::events::get(&function.path);
    let shared_dir = tempfile::tempdir()?;
    if matches!(setup, Setup::EmbeddedWarm) {
        // One unmeasured start prepares the directory.
        let _ = start_once(
            binary,
            function.name,
            &event,
            &embedded_env(shared_dir.path()),
            &config.template,
        )
        .await?;
    }
    let mut times = Vec::with_capacity(config.cold_runs);
    let mut statuses = Vec::new();
    let mut peak = 0;
    for _ in 0..config.cold_runs {
        let fresh_dir = tempfile::tempdir()?;
        let env = match setup {
            Setup::EmbeddedFresh => embedded_env(fresh_dir.path()),
            Setup::EmbeddedWarm => embedded_env(shared_dir.path()),
            Setup::Production => production_env(resources, fresh_dir.path(), false),
        };
        match start_once(binary, function.name, &event, &env, &config.template).await? {
            Started::Answered {
                after,
                status,
                peak_rss,
            } => {
                times.push(after);
                statuses.push(status);
                peak = peak.max(peak_rss);
            }
            Started::Failed(reason) => return Ok((Row::failed(check, reason), peak)),
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
    let target = match setup {
        Setup::EmbeddedFresh => FIRST_START_TARGET,
        Setup::EmbeddedWarm => COLD_START_TARGET,
        Setup::Production => {
            let row = Row::info(check, measured, "lazy pools: first query connects".into());
            return Ok((row, peak));
        }
    };
    let verdict = if median <= target {
        Verdict::Pass
    } else {
        Verdict::Fail
    };
    let row = Row::target(check, measured, format!("≤ {}", ms(target)), verdict);
    Ok((row, peak))
}

enum Started {
    Answered {
        after: Duration,
        status: Option<u16>,
        /// Peak resident set of the process when it had answered.
        peak_rss: u64,
    },
    Failed(String),
}

/// Spawns the binary against a fresh Runtime API and times its first answer.
async fn start_once(
    binary: &Path,
    name: &str,
    event: &Bytes,
    env: &[(String, String)],
    template: &Template,
) -> Fallible<Started> {
    let api = RuntimeApi::once(name, event.clone()).await?;
    let work_dir = tempfile::tempdir()?;
    let started = Instant::now();
    let mut child = crate::launch::spawn(binary, name, api.addr, env, work_dir.path(), template)?;
    let answer = api.first_answer(START_LIMIT).await;
    let peak_rss = child
        .id()
        .and_then(crate::process::peak_rss)
        .unwrap_or_default();
    let _ = child.kill().await;
    api.stop().await;
    Ok(match answer {
        Some(Answer::Response { at, status }) => Started::Answered {
            after: at.duration_since(started),
            status,
            peak_rss,
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

/// Binary sizes are information: the 10 MB target was retired (issue #20).
fn size_row(binary: &PathBuf, name: &str) -> Row {
    let check = format!("size of {name} (release, stripped)");
    let Ok(meta) = std::fs::metadata(binary) else {
        return Row::failed(check, format!("{} is not built", binary.display()));
    };
    let zipped = match zipped_size(binary) {
        Some(bytes) => format!("{:.1} MB zipped", mb(bytes)),
        None => "zipped size unknown".to_string(),
    };
    Row::info(
        check,
        format!("{:.1} MB", mb(meta.len())),
        format!("{zipped} (the Lambda upload)"),
    )
}

/// The binary deflated as `cargo lambda build --output-format zip` packs it (gzip and zip share
/// deflate; the headers differ by a few bytes).
fn zipped_size(binary: &Path) -> Option<u64> {
    let output = std::process::Command::new("gzip")
        .arg("-6")
        .arg("-c")
        .arg(binary)
        .output()
        .ok()?;
    output
        .status
        .success()
        .then(|| u64::try_from(output.stdout.len()).ok())
        .flatten()
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}
