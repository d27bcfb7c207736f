//! The scale benchmark of issue #21: a synthetic catalog of TMDB's size in the embedded store
//! and millions of reviews in MariaDB (generated once, reused by later runs), then every public
//! read route timed on a cache miss through the functions' own routers, in one table with
//! PASS/FAIL against the targets. `bench/scale.sh` builds and runs it; see it for the knobs.

mod catalog;
mod config;
mod measure;
mod plan;
mod report;
mod reviews_db;
mod rng;
mod routes;
mod synth;
mod words;

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Instant;

use config::Config;
use plan::Plan;

/// Errors of a measuring tool: reported once, with what was being done.
pub type Fallible<T> = Result<T, Box<dyn std::error::Error + Send + Sync>>;

/// Written into a catalog's data dir once its generation has finished and been verified.
const COMPLETE_MARK: &str = "complete";

fn main() -> ExitCode {
    // The functions' log lines are formatted, as in Lambda, and dropped.
    shared::logging::init_with_writer(std::io::sink);
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("scale: {error}");
            return ExitCode::FAILURE;
        }
    };
    let generation = match generate(&config) {
        Ok(text) => text,
        Err(error) => {
            eprintln!("scale: generation failed: {error}");
            return ExitCode::FAILURE;
        }
    };
    match measure(&config, generation) {
        Ok(table) => {
            print!("{table}");
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("scale: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Generates whatever is missing (the catalog, the reviews, or both at once) and says what was
/// reused.
fn generate(config: &Config) -> Fallible<String> {
    // Two workers: the catalog's generation and SQLite's writes overlap MariaDB's.
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let dir = config.data_dir();
        let catalog_ready = dir.join(COMPLETE_MARK).exists();
        let reviews_at = reviews_db::generated_at(config).await?;
        if catalog_ready {
            if let Some(at) = reviews_at {
                reviews_db::upgrade(config).await?;
                return Ok(format!(
                    "data reused: catalog in {}, reviews generated {} (trending weighs reviews by age: the activity of the last day and week before now)",
                    dir.display(),
                    at.format("%Y-%m-%d %H:%M UTC")
                ));
            }
        }
        let started = Instant::now();
        let sizes = config.sizes;
        eprintln!("scale: planning {} reviews", sizes.reviews);
        let plan = Arc::new(tokio::task::spawn_blocking(move || Plan::make(&sizes)).await?);
        let catalog = async {
            if catalog_ready {
                return Ok(());
            }
            if dir.exists() {
                std::fs::remove_dir_all(&dir)?;
            }
            catalog::generate(sizes, plan.clone(), &dir).await?;
            mark_complete(&dir)
        };
        let reviews = async {
            if reviews_at.is_some() {
                return Ok(());
            }
            reviews_db::generate(config, sizes, &plan).await
        };
        let (catalog, reviews): (Fallible<()>, Fallible<()>) = tokio::join!(catalog, reviews);
        catalog?;
        reviews?;
        Ok(format!(
            "data generated in {:.0} s ({}{}); kept in {} and MariaDB database {}",
            started.elapsed().as_secs_f64(),
            if catalog_ready { "" } else { "catalog" },
            match (catalog_ready, reviews_at.is_some()) {
                (false, false) => " and reviews",
                (true, false) => "reviews",
                _ => "",
            },
            dir.display(),
            config::MYSQL_DATABASE
        ))
    })
}

fn mark_complete(dir: &Path) -> Fallible<()> {
    std::fs::write(dir.join(COMPLETE_MARK), b"generated and verified\n")?;
    Ok(())
}

/// Times every route, one request at a time on one thread, as a function container serves.
fn measure(config: &Config, generation: String) -> Fallible<String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        let apps = measure::Apps::start(config, &config.data_dir()).await?;
        let mut samples = Vec::new();
        let mut failed = Vec::new();
        for route in routes::all(&config.sizes) {
            if !route.label.contains(config.only.as_str()) {
                continue;
            }
            let label = route.label.clone();
            eprintln!("scale: measuring {label}");
            match apps.measure(route, config.warmup, config.requests).await {
                Ok(sample) => samples.push(sample),
                Err(error) => failed.push((label, error.to_string())),
            }
        }
        let context = report::Context {
            sizes: config.sizes,
            requests: config.requests,
            generation,
            machine: machine(),
        };
        Ok(report::render(&context, &samples, &failed))
    })
}

/// The machine, for the reader of the table: cores and load when the run started.
fn machine() -> String {
    let cores = std::thread::available_parallelism().map_or(0, std::num::NonZero::get);
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| text.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into());
    format!("{cores} cores, load average {load} at the start of measuring")
}
