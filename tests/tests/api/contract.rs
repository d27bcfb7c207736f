//! The OpenAPI document is the API's exact contract: schemathesis, with every check on, generates
//! requests from the served `/openapi.json` and sends them to the deployed-shape API (the real
//! function binaries behind the API-Gateway-shaped front, on the embedded default). Any answer
//! the document does not describe, any valid request refused and any invalid one accepted is a
//! failure.

use std::path::PathBuf;

use axum::http::{Method, StatusCode};
use movieverse_tests::template::root;
use movieverse_tests::TestApp;
use serde_json::json;

/// Seconds of generated traffic (`MV_CONTRACT_SECONDS`, default two minutes).
const DEFAULT_SECONDS: u64 = 120;

#[tokio::test(flavor = "multi_thread")]
async fn schemathesis_with_every_check_finds_nothing_in_the_served_document() {
    // The `.venv` schemathesis (scripts/requirements-dev.txt), as scripts/test.sh exports it;
    // skipped without it, a failure under CI=true.
    let Some(schemathesis) = movieverse_tests::services::service("MV_SCHEMATHESIS", "schemathesis")
    else {
        return;
    };
    let seconds = std::env::var("MV_CONTRACT_SECONDS")
        .ok()
        .and_then(|value| value.parse::<u64>().ok())
        .unwrap_or(DEFAULT_SECONDS);
    let app = TestApp::embedded().await;
    let api = app.deploy().await;
    // Requests carry a user's token, so the protected operations are tested past their 401
    // (schemathesis's `ignored_auth` check still sends them without it).
    let registration = api
        .call_from(
            None,
            Method::POST,
            "/auth/register",
            Some(
                json!({
                    "username": "contract_user",
                    "email": "contract@example.com",
                    "password": "a long unusual passphrase 42",
                })
                .to_string()
                .into_bytes(),
            ),
            &[("content-type", "application/json")],
        )
        .await;
    assert_eq!(registration.status, StatusCode::CREATED);
    let token = registration.json()["access_token"]
        .as_str()
        .expect("an access token")
        .to_string();
    let report_dir = report_dir();
    // Per-operation settings: what the document cannot say (see the file).
    let config = root().join("tests/schemathesis.toml");
    let arguments = vec![
        "run".to_string(),
        format!("{}/openapi.json", api.url),
        "--checks".into(),
        "all".into(),
        "--max-time".into(),
        seconds.to_string(),
        // One worker: with several, hypothesis parses lambdas' source on threads at once, which
        // CPython 3.11's `ast` can fail at ("AST constructor recursion depth mismatch"), an
        // error of the tool that fails the run.
        "--workers".into(),
        "1".into(),
        "--request-timeout".into(),
        "30".into(),
        "--report".into(),
        "junit,json".into(),
        "--report-dir".into(),
        report_dir.display().to_string(),
        "--header".into(),
        format!("Authorization: Bearer {token}"),
    ];
    let run_dir = report_dir.clone();
    let output = tokio::task::spawn_blocking(move || {
        // Its working directory is the report's: the cache of failures it keeps there goes
        // with the report.
        std::process::Command::new(schemathesis)
            .current_dir(&run_dir)
            .arg("--config-file")
            .arg(config)
            .arg("--no-color")
            .args(arguments)
            .output()
    })
    .await
    .expect("schemathesis ran")
    .expect("schemathesis starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    if output.status.success() {
        let _ = std::fs::remove_dir_all(&report_dir);
    }
    assert!(
        output.status.success(),
        "schemathesis found failures (report kept in {}):\n{stdout}{stderr}",
        report_dir.display()
    );
}

/// `target/schemathesis/run-<time>`: kept when the run fails, removed when it passes.
fn report_dir() -> PathBuf {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%S%.3f");
    let dir = root().join(format!("target/schemathesis/run-{stamp}"));
    std::fs::create_dir_all(&dir).expect("report directory");
    dir
}
