//! The Lambda path: a release function binary invoked back to back through our Runtime API
//! (next → response → next …) with an API Gateway event, as a warm container is fed in AWS.
//! Per invocation: its latency as the Runtime API sees it, and the function process's CPU time.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use bytes::Bytes;

use crate::config::BenchConfig;
use crate::fixtures::{production_env, App, FIRST_READER, PASSWORD};
use crate::load::Direct;
use crate::report::{ms, ratio, Report, Row};
use crate::resources::Resources;
use crate::runtime_api::RuntimeApi;
use crate::stats::{summarise, Latency};
use crate::template::Template;
use crate::Fallible;

/// The in-flight invocation when a run closes must be answered within this.
const ANSWER_LIMIT: Duration = Duration::from_secs(30);

/// One load run of a function process.
#[derive(Debug, Clone, Copy)]
pub struct LambdaRun {
    pub latency: Latency,
    /// User + system CPU time of the function process per measured invocation.
    pub cpu_per_invocation: Duration,
    /// Peak resident set of the function process, start and every invocation included.
    pub peak_rss: u64,
    /// Measured invocations not answered with a 2xx.
    pub failures: u64,
}

/// Starts `binary` with `env` (and what `template` sets for it), invokes it with `event` for `warmup` unmeasured, then for
/// `duration` measured. `Err` for what kept the run from happening at all.
pub async fn invoke_back_to_back(
    binary: &Path,
    name: &str,
    event: Bytes,
    env: &[(String, String)],
    template: &Template,
    warmup: Duration,
    duration: Duration,
) -> Fallible<LambdaRun> {
    let api = RuntimeApi::stream(name, event).await?;
    let work_dir = tempfile::tempdir()?;
    let mut child = crate::launch::spawn(binary, name, api.addr, env, work_dir.path(), template)?;
    let outcome = measure(&api, child.id(), warmup, duration).await;
    let _ = child.kill().await;
    api.stop().await;
    outcome
}

async fn measure(
    api: &RuntimeApi,
    pid: Option<u32>,
    warmup: Duration,
    duration: Duration,
) -> Fallible<LambdaRun> {
    let pid = pid.ok_or("the function process has no id")?;
    if !api.run_for(warmup, ANSWER_LIMIT).await {
        return Err("the function stopped answering during the warm-up".into());
    }
    let _ = api.take_samples();
    let cpu_before = crate::process::cpu_time(pid).ok_or("no /proc/<pid>/stat")?;
    let started = Instant::now();
    if !api.run_for(duration, ANSWER_LIMIT).await {
        return Err("the function stopped answering".into());
    }
    let elapsed = started.elapsed();
    let cpu = crate::process::cpu_time(pid)
        .ok_or("no /proc/<pid>/stat")?
        .saturating_sub(cpu_before);
    let peak_rss = crate::process::peak_rss(pid).ok_or("no /proc/<pid>/status")?;
    let samples = api.take_samples();
    let invocations = u32::try_from(samples.latencies.len()).unwrap_or(u32::MAX);
    if invocations == 0 {
        return Err("no invocation was answered".into());
    }
    Ok(LambdaRun {
        latency: summarise(samples.latencies, elapsed),
        cpu_per_invocation: cpu / invocations,
        peak_rss,
        failures: samples.failures,
    })
}

/// Target: an invocation through the Lambda path costs at most this many times the CPU of the
/// same request served directly.
const CPU_TARGET: f64 = 1.5;

/// The two read routes through the Lambda path, judged against their direct figures (one
/// connection: a container takes one request at a time), then a load run of every other HTTP
/// function for its memory. Returns each function's peak resident set.
pub async fn measure_all(
    config: &BenchConfig,
    resources: &Resources,
    app: &App,
    direct_cached: Option<Direct>,
    direct_reviews: Option<Direct>,
    report: &mut Report,
) -> Fallible<BTreeMap<&'static str, u64>> {
    let events = &config.events_dir;
    let judged = [
        (
            "movies",
            format!("cached GET /movies/{}", app.movie),
            crate::events::sample_without_query(events, "movies-get-movie.json")?,
            direct_cached,
        ),
        (
            "reviews",
            format!("GET /movies/{}/reviews", app.movie),
            crate::events::sample_without_query(events, "reviews-list.json")?,
            direct_reviews,
        ),
    ];
    let login = serde_json::json!({ "login": FIRST_READER, "password": PASSWORD });
    let for_memory = [
        (
            "people",
            format!("GET /people/{}", app.person_id),
            crate::events::get(&format!("/people/{}", app.person_id)),
        ),
        (
            "auth",
            "POST /auth/login (argon2id)".to_string(),
            crate::events::post_json("/auth/login", &login),
        ),
        (
            "profiles",
            format!("GET /profiles/{}", app.user_id),
            crate::events::get(&format!("/profiles/{}", app.user_id)),
        ),
    ];
    let mut peaks = BTreeMap::new();
    for (name, what, event, direct) in judged {
        let check = format!("Lambda path: {what} ({name})");
        match run(config, resources, name, event, config.duration).await {
            Ok(run) => {
                peaks.insert(name, run.peak_rss);
                report.push(judged_row(check, &run, direct));
            }
            Err(error) => report.push(Row::failed(check, error.to_string())),
        }
    }
    for (name, what, event) in for_memory {
        let check = format!("Lambda path: {what} ({name})");
        // Long enough for a peak; these rows are judged by memory only.
        match run(config, resources, name, event, config.warmup).await {
            Ok(run) => {
                peaks.insert(name, run.peak_rss);
                report.push(Row::info(
                    check,
                    measured(&run),
                    format!("{} not 2xx (memory run)", run.failures),
                ));
            }
            Err(error) => report.push(Row::failed(check, error.to_string())),
        }
    }
    Ok(peaks)
}

async fn run(
    config: &BenchConfig,
    resources: &Resources,
    name: &str,
    event: Bytes,
    duration: Duration,
) -> Fallible<LambdaRun> {
    let data_dir = tempfile::tempdir()?;
    let env = production_env(resources, data_dir.path(), false);
    let binary = config.bin_dir.join(name);
    if !binary.is_file() {
        return Err(format!("{} is not built", binary.display()).into());
    }
    invoke_back_to_back(
        &binary,
        name,
        event,
        &env,
        &config.template,
        config.warmup,
        duration,
    )
    .await
}

fn judged_row(check: String, run: &LambdaRun, direct: Option<Direct>) -> Row {
    if run.failures > 0 {
        return Row::failed(
            check,
            format!("{} invocations not answered 2xx", run.failures),
        );
    }
    let Some(direct) = direct else {
        return Row::info(
            check,
            measured(run),
            "no direct run at 1 connection to compare with".into(),
        );
    };
    Row::judged(
        check,
        measured(run),
        format!(
            "direct, 1 conn: p50 {} p99 {}, {:.1} µs CPU/req",
            ms(direct.latency.p50),
            ms(direct.latency.p99),
            micros(direct.cpu_per_request)
        ),
        ratio(run.cpu_per_invocation, direct.cpu_per_request),
        CPU_TARGET,
    )
}

fn measured(run: &LambdaRun) -> String {
    format!(
        "p50 {} p99 {}, {:.1} µs CPU/inv",
        ms(run.latency.p50),
        ms(run.latency.p99),
        micros(run.cpu_per_invocation)
    )
}

fn micros(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e6
}
