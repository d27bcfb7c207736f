//! The proof of the TMDB-compatible API: tmdbsimple, a widely used TMDB v3 client library, reads
//! the deployed-shape API (the real function binaries behind the API-Gateway stand-in) with only
//! its base URL changed, on the bundled sample the embedded default loads on its first start.

use movieverse_tests::template::root;
use movieverse_tests::TestApp;

#[tokio::test]
async fn tmdbsimple_reads_movieverse_as_tmdb() {
    // The `.venv` Python with tmdbsimple (scripts/requirements-dev.txt), as scripts/test.sh
    // exports it; skipped without it, a failure under CI=true.
    let Some(python) = movieverse_tests::services::service("MV_PYTHON", "Python with tmdbsimple")
    else {
        return;
    };
    let app = TestApp::embedded().await;
    let api = app.deploy().await;
    let script = root().join("tests/tmdb_client/check.py");
    let base = format!("{}/3", api.url);
    let output = tokio::task::spawn_blocking(move || {
        std::process::Command::new(python)
            .arg(script)
            .env("MOVIEVERSE_TMDB_BASE", base)
            .output()
    })
    .await
    .expect("the check ran")
    .expect("python starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "tmdbsimple check failed:\n{stdout}{stderr}\nmovies log:\n{}\npeople log:\n{}",
        api.log_of("movies"),
        api.log_of("people")
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
}
