//! MovieVerse against the physical limits: one run, one table.
//!
//! Serves the movies and reviews routers (the very routers the Lambda functions run) over the
//! production stores on loopback, loads them with `wrk`, and puts each figure next to its floor:
//! a raw Redis `GET` of the same cached bytes (`redis-benchmark`), the same SQL issued directly
//! (a sqlx loop here), a raw read of the embedded cache's row. Then the release function
//! binaries through a Lambda Runtime API of our own: invoked back to back (CPU per invocation
//! next to the direct figure, peak memory against `template.yaml`) and started cold.
//! `bench/run.sh` installs the tools, builds, starts what is missing and calls this binary; see
//! it for the settings.

mod breakdown;
mod cold_start;
mod config;
mod cpu;
mod embedded_read;
mod events;
mod fixtures;
mod lambda_path;
mod launch;
mod load;
mod memory;
mod process;
mod report;
mod resources;
mod runtime_api;
mod server;
mod sql_floor;
mod stats;
mod template;

use std::collections::BTreeMap;
use std::process::ExitCode;

use config::BenchConfig;
use report::Report;
use resources::Resources;

/// Errors of a measuring tool: reported once, with what was being done.
pub type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn main() -> ExitCode {
    // One thread, as each function runs (`tokio::main(flavor = "current_thread")`: Lambda sends
    // a container one request at a time). A multi-thread runtime here measured work stealing
    // between two workers and `wrk` on a 2-core machine, which no function ever does.
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("bench: cannot start the async runtime: {error}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run())
}

async fn run() -> ExitCode {
    logs_as_in_production();
    let config = match BenchConfig::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("bench: {error}");
            return ExitCode::FAILURE;
        }
    };
    let resources = match Resources::create(&config).await {
        Ok(resources) => resources,
        Err(error) => {
            eprintln!("bench: could not create the benchmark databases: {error}");
            return ExitCode::FAILURE;
        }
    };
    // Whatever happens (an error, Ctrl-C, a TERM from run.sh), the databases and keys this run
    // created are removed before the process ends.
    let outcome = tokio::select! {
        outcome = measure(&config, &resources) => outcome,
        _ = interrupted() => Err("interrupted".into()),
    };
    resources.remove().await;
    match outcome {
        Ok(report) => {
            print!("{}", report.render(&config));
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn measure(config: &BenchConfig, resources: &Resources) -> Fallible<Report> {
    for tool in ["wrk", "redis-benchmark"] {
        if !load::have(tool) {
            return Err(format!("{tool} is not installed (bench/run.sh installs it)").into());
        }
    }
    let mut report = Report::default();
    let app = fixtures::App::start(config, resources).await?;
    let (mut direct_cached, mut direct_reviews) = (None, None);
    for &connections in &config.connections {
        let cached = load::cached_read(config, &app, connections, &mut report).await?;
        let reviews = load::reviews_read(config, &app, connections, &mut report).await?;
        // A container takes one request at a time: the Lambda path is judged against 1 conn.
        if connections == 1 {
            (direct_cached, direct_reviews) = (cached, reviews);
        }
    }
    embedded_read::cached_read(config, &mut report).await?;
    let load_peaks = lambda_path::measure_all(
        config,
        resources,
        &app,
        direct_cached,
        direct_reviews,
        &mut report,
    )
    .await?;
    let start_peaks = cold_start::measure_all(config, resources, &app, &mut report).await?;
    app.stop().await;
    let mut peaks: BTreeMap<&'static str, memory::Peaks> = BTreeMap::new();
    for (name, peak) in load_peaks {
        peaks.entry(name).or_default().load_run = Some(peak);
    }
    for (name, peak) in start_peaks {
        peaks.entry(name).or_default().cold_start = Some(peak);
    }
    memory::rows(&peaks, &config.template, &mut report);
    Ok(report)
}

/// The functions' JSON log lines (`shared::logging`, `RUST_LOG`, default `info`), formatted as
/// in Lambda but written nowhere: their CPU cost belongs in the figures, their text does not.
fn logs_as_in_production() {
    shared::logging::init_with_writer(std::io::sink);
}

async fn interrupted() {
    use tokio::signal::unix::{signal, SignalKind};
    match (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) {
        (Ok(mut int), Ok(mut term)) => {
            tokio::select! {
                _ = int.recv() => {}
                _ = term.recv() => {}
            }
        }
        _ => std::future::pending().await,
    }
}
