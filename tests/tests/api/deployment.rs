//! The deployment description: the SAM template, the local route table, the OpenAPI document and
//! the sample events agree with each other and with the code.

use std::collections::BTreeSet;

use axum::http::StatusCode;
use movieverse_tests::app::route_table;
use movieverse_tests::template::{matchit_path, root, template, template_routes};
use movieverse_tests::TestApp;
use tower::ServiceExt;

#[test]
fn the_template_passes_cfn_lint() {
    let cfn_lint = std::env::var("MV_CFN_LINT").unwrap_or_else(|_| "cfn-lint".into());
    let output = match std::process::Command::new(&cfn_lint)
        .arg(root().join("template.yaml"))
        .output()
    {
        Ok(output) => output,
        Err(_) if movieverse_tests::services::service("MV_CFN_LINT", "cfn-lint").is_none() => {
            return
        }
        Err(error) => panic!("could not run {cfn_lint}: {error}"),
    };
    assert!(
        output.status.success(),
        "cfn-lint found problems:\n{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn the_template_has_one_arm64_function_per_route_group_and_a_daily_seed() {
    let template = template();
    let mut binaries = BTreeSet::new();
    for (_, resource) in template["Resources"].as_mapping().unwrap() {
        if resource["Type"] == "AWS::Serverless::Function" {
            assert_eq!(resource["Metadata"]["BuildMethod"], "rust-cargolambda");
            binaries.insert(
                resource["Metadata"]["BuildProperties"]["Binary"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    let expected: BTreeSet<String> = ["auth", "movies", "people", "profiles", "reviews", "seed"]
        .map(String::from)
        .into();
    assert_eq!(binaries, expected);
    let globals = &template["Globals"]["Function"];
    assert_eq!(globals["Runtime"], "provided.al2023");
    assert_eq!(globals["Architectures"][0], "arm64");
    let seed_event = &template["Resources"]["SeedFunction"]["Properties"]["Events"]["DailySeed"];
    assert_eq!(seed_event["Type"], "Schedule");
}

#[test]
fn the_schedule_input_is_the_seed_schedule_event() {
    let template = template();
    let input = template["Resources"]["SeedFunction"]["Properties"]["Events"]["DailySeed"]
        ["Properties"]["Input"]
        .as_str()
        .expect("Input");
    let from_template: serde_json::Value = serde_json::from_str(input).unwrap();
    let event: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("events/seed-schedule.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(from_template, event);
    // And the function accepts it.
    serde_json::from_value::<seed::SeedRequest>(event).expect("a valid seed request");
}

#[test]
fn the_weekly_awards_input_is_the_seed_awards_event() {
    let template = template();
    let schedule = &template["Resources"]["SeedFunction"]["Properties"]["Events"]["WeeklyAwards"];
    assert_eq!(schedule["Type"], "Schedule");
    let input = schedule["Properties"]["Input"].as_str().expect("Input");
    let from_template: serde_json::Value = serde_json::from_str(input).unwrap();
    let event: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(root().join("events/seed-awards.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(from_template, event);
    let request: seed::SeedRequest = serde_json::from_value(event).expect("a valid seed request");
    assert_eq!(request.source, seed::Source::Wikidata);
}

#[test]
fn template_routes_and_the_watch_router_table_agree() {
    let from_template: BTreeSet<(String, String)> = template_routes()
        .into_iter()
        .map(|(function, _, path)| (matchit_path(&path), function))
        .collect();
    let from_watch: BTreeSet<(String, String)> = route_table().into_iter().collect();
    assert_eq!(from_template, from_watch);
}

/// The served document is the committed file; regenerate it with
/// `MV_WRITE_OPENAPI=1 cargo test -p movieverse-tests --test api deployment::the_served`.
#[test]
fn the_served_openapi_document_is_the_one_the_code_describes() {
    let generated = serde_json::to_value(movieverse_tests::openapi::document()).unwrap();
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../functions/movies/openapi.json"
    );
    if std::env::var_os("MV_WRITE_OPENAPI").is_some() {
        let text = serde_json::to_string_pretty(&generated).unwrap() + "\n";
        std::fs::write(file, text).unwrap();
    }
    let served: serde_json::Value = serde_json::from_str(movies::OPENAPI_JSON).unwrap();
    assert!(
        served == generated,
        "functions/movies/openapi.json is stale: regenerate it with \
         MV_WRITE_OPENAPI=1 cargo test -p movieverse-tests --test api deployment::the_served"
    );
}

/// Every operation lists the answers the shared code can give it, in problem+json, with the
/// headers they carry.
#[test]
fn every_operation_documents_its_shared_answers() {
    let doc = serde_json::to_value(movieverse_tests::openapi::document()).unwrap();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let responses = &operation["responses"];
            let mut expected = vec!["429", "503"];
            if operation["security"]
                .as_array()
                .is_some_and(|requirements| !requirements.is_empty())
            {
                expected.push("401");
            }
            if !operation["requestBody"].is_null() {
                expected.extend(["400", "413", "415", "422"]);
            }
            for status in expected {
                assert!(
                    responses[status].is_object(),
                    "{method} {path} does not document {status}"
                );
            }
        }
    }
    let shared = &doc["components"]["responses"];
    assert!(shared["Unauthorized"]["headers"]["WWW-Authenticate"].is_object());
    for header in [
        "Retry-After",
        "RateLimit-Limit",
        "RateLimit-Remaining",
        "RateLimit-Reset",
    ] {
        assert!(
            shared["TooManyRequests"]["headers"][header].is_object(),
            "{header}"
        );
    }
    assert!(
        shared["Unavailable"]["content"]["application/problem+json"]["schema"]["$ref"]
            .as_str()
            .is_some_and(|target| target.ends_with("/Problem"))
    );
}

/// Every template route is `ANY <path>`, so a wrong method reaches the function and gets its
/// documented 405 rather than API Gateway's own 404.
#[test]
fn every_template_route_takes_any_method() {
    let per_method: Vec<String> = template_routes()
        .into_iter()
        .filter(|(_, method, _)| method != "ANY")
        .map(|(_, method, path)| format!("{method} {path}"))
        .collect();
    assert!(
        per_method.is_empty(),
        "routes with one method: {per_method:?}"
    );
}

/// The documented methods of a template path; the TMDB v3 surface under `/3` is left out of the
/// document (it follows TMDB's own v3 reference, which the README points to: describing TMDB's
/// API again in ours would only let the two drift apart) and serves GET.
fn methods_of(doc: &serde_json::Value, path: &str) -> Vec<String> {
    if path.starts_with("/3/") {
        return vec!["GET".into()];
    }
    doc["paths"][path]
        .as_object()
        .map(|operations| operations.keys().map(|m| m.to_uppercase()).collect())
        .unwrap_or_default()
}

#[test]
fn every_template_route_is_documented_in_openapi_and_back() {
    let doc = serde_json::to_value(movieverse_tests::openapi::document()).unwrap();
    let routes = template_routes();
    let undocumented: Vec<&String> = routes
        .iter()
        .map(|(_, _, path)| path)
        .filter(|path| methods_of(&doc, path).is_empty())
        .collect();
    assert!(
        undocumented.is_empty(),
        "not in openapi.json: {undocumented:?}"
    );
    let unrouted: Vec<&String> = doc["paths"]
        .as_object()
        .unwrap()
        .keys()
        .filter(|path| !routes.iter().any(|(_, _, routed)| routed == *path))
        .collect();
    assert!(
        unrouted.is_empty(),
        "documented, not in template.yaml: {unrouted:?}"
    );
}

#[test]
fn every_template_route_is_served_by_its_function() {
    // A documented method of a template route must not be a 404/405 inside its function.
    let doc = serde_json::to_value(movieverse_tests::openapi::document()).unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(async {
        let app = TestApp::embedded().await;
        for (function, _, path) in template_routes() {
            for method in methods_of(&doc, &path) {
                let concrete = path
                    .replace("{id}", "550")
                    .replace("{movie_id}", "550")
                    .replace("{proxy+}", "movie/550")
                    .replace("{user_id}", "0190a3c4-5e6f-7a8b-9c0d-1e2f3a4b5c6d");
                let router = app.function(&function);
                let request = axum::http::Request::builder()
                    .method(method.as_str())
                    .uri(&concrete)
                    .body(axum::body::Body::empty())
                    .unwrap();
                let response = router.oneshot(request).await.unwrap();
                let status = response.status();
                let route_missing = status == StatusCode::METHOD_NOT_ALLOWED
                    || (status == StatusCode::NOT_FOUND
                        && response
                            .into_body()
                            .collect_string()
                            .await
                            .contains("this path"));
                assert!(
                    !route_missing,
                    "{method} {path} is not routed in {function} ({status})"
                );
            }
        }
    });
}

trait CollectString {
    async fn collect_string(self) -> String;
}

impl CollectString for axum::body::Body {
    async fn collect_string(self) -> String {
        let bytes = axum::body::to_bytes(self, usize::MAX)
            .await
            .unwrap_or_default();
        String::from_utf8_lossy(&bytes).into_owned()
    }
}

#[tokio::test]
async fn every_http_event_goes_through_its_function() {
    let app = TestApp::embedded().await;
    let mut seen = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("events")).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let function = name.split('-').next().unwrap().to_string();
        if function == "seed" {
            let text = std::fs::read_to_string(&path).unwrap();
            serde_json::from_str::<seed::SeedRequest>(&text)
                .unwrap_or_else(|e| panic!("{name}: not a seed request: {e}"));
            seen.insert(function);
            continue;
        }
        let request = lambda_http::request::from_str(&std::fs::read_to_string(&path).unwrap())
            .unwrap_or_else(|e| panic!("{name}: not an API Gateway event: {e}"));
        let (parts, body) = request.into_parts();
        let request = axum::http::Request::from_parts(parts, axum::body::Body::from(body.to_vec()));
        let router = app.function(&function);
        let response = router.oneshot(request).await.unwrap();
        let status = response.status();
        assert!(
            !status.is_server_error() || status == StatusCode::NOT_IMPLEMENTED,
            "{name}: {status}"
        );
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        assert!(content_type.contains("json"), "{name}: {content_type}");
        let body = response.into_body().collect_string().await;
        serde_json::from_str::<serde_json::Value>(&body)
            .unwrap_or_else(|e| panic!("{name}: body is not JSON ({e}): {body}"));
        seen.insert(function);
    }
    let expected: BTreeSet<String> = ["auth", "movies", "people", "profiles", "reviews", "seed"]
        .map(String::from)
        .into();
    assert_eq!(seen, expected, "one event per function");
}
