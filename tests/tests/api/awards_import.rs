//! The Wikidata awards import end to end: a wiremock SPARQL endpoint serving the project's own
//! SPARQL JSON fixtures (`tests/fixtures/wikidata`), a 429 with `Retry-After`, a query that
//! times out, a malformed row, and the real catalog stores (SQLite, and MongoDB).

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{json, Value};
use shared::config::keys;
use shared::domain::{SeedStatus, WikidataId};
use shared::import::{ImportOptions, ImportReport, ImportRequest};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use movieverse_tests::services::TestMongo;
use movieverse_tests::TestApp;

use crate::catalog_fixtures::*;

/// The SPARQL results media type the service answers with.
const SPARQL_JSON: &str = "application/sparql-results+json";
/// Bits of the form-encoded queries that tell them apart.
const MOVIE_ITEMS: &str = "%3Fitem+wdt%3AP4947";
const PERSON_ITEMS: &str = "%3Fitem+wdt%3AP4985";
const AWARDS: &str = "ps%3AP1411";

fn fixture(name: &str) -> Vec<u8> {
    let file = format!("{}/fixtures/wikidata/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&file).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn sparql(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name), SPARQL_JSON)
}

async fn mount(server: &MockServer, query: &str, response: ResponseTemplate, priority: u8) {
    Mock::given(method("POST"))
        .and(path("/sparql"))
        .and(body_string_contains(query))
        .respond_with(response)
        .with_priority(priority)
        .mount(server)
        .await;
}

/// The endpoint answering every query from the fixtures.
async fn wikidata() -> MockServer {
    let server = MockServer::start().await;
    mount(&server, MOVIE_ITEMS, sparql("movie_items.json"), 10).await;
    mount(&server, PERSON_ITEMS, sparql("person_items.json"), 10).await;
    mount(&server, AWARDS, sparql("awards.json"), 10).await;
    server
}

/// An app on `adapter` whose `WIKIDATA_SPARQL_URL` is `server`, holding three movies and two
/// people.
async fn app(server: &MockServer, mongo: bool) -> Option<TestApp> {
    let url = format!("{}/sparql", server.uri());
    let pairs = [(keys::WIKIDATA_SPARQL_URL, url.as_str())];
    let app = if mongo {
        TestApp::build(&pairs, None, None, Some(TestMongo::create()?), None).await
    } else {
        TestApp::build(&pairs, None, None, None, None).await
    };
    let catalog = app.state.catalog().expect("catalog");
    load(
        catalog,
        &[
            movie(603, "The Matrix"),
            movie(680, "Pulp Fiction"),
            movie(550, "Fight Club"),
        ],
    )
    .await;
    for (id, name) in [(138, "Quentin Tarantino"), (6384, "Keanu Reeves")] {
        catalog
            .upsert_person(&person(id, name))
            .await
            .expect("person");
    }
    Some(app)
}

fn options() -> ImportOptions {
    let mut options = ImportOptions::default();
    options.awards.sparql.query_timeout = Duration::from_millis(500);
    options.awards.sparql.min_backoff = Duration::from_millis(10);
    options.awards.sparql.max_backoff = Duration::from_millis(50);
    options.awards.sparql.max_retries = 2;
    options
}

async fn run(app: &TestApp, options: &ImportOptions) -> ImportReport {
    let request: ImportRequest =
        serde_json::from_value(json!({"source": "wikidata"})).expect("request");
    shared::import::import(&app.state, &request, options, None)
        .await
        .expect("import")
}

fn counts(report: &ImportReport) -> (u64, u64, u64, u64) {
    (
        report.inserted,
        report.updated,
        report.unchanged,
        report.failed,
    )
}

fn qid(id: &str) -> Option<WikidataId> {
    Some(WikidataId::parse(id).expect("qid"))
}

/// What the fixtures say, as the API answers it.
fn pulp_fiction_awards() -> Value {
    json!([
        {"award": {"id": "academy-awards", "name": "Academy Awards"}, "category": "Best Original Screenplay",
         "year": 1995, "ceremony": "67th Academy Awards", "outcome": "won",
         "for": {"movie_id": 680, "person_ids": [138]}, "source": "wikidata"},
        {"award": {"id": "academy-awards", "name": "Academy Awards"}, "category": "Best Picture",
         "year": 1995, "ceremony": "67th Academy Awards", "outcome": "nominated",
         "for": {"movie_id": 680, "person_ids": []}, "source": "wikidata"},
        {"award": {"id": "cannes-film-festival", "name": "Cannes Film Festival"}, "category": "Palme d'Or",
         "year": 1994, "ceremony": "1994 Cannes Film Festival", "outcome": "won",
         "for": {"movie_id": 680, "person_ids": [138]}, "source": "wikidata"},
    ])
}

async fn stores_exactly_what_the_fixtures_say(mongo: bool) {
    let server = wikidata().await;
    // The first awards query is rate limited, the next one (the whole batch) times out: the
    // import waits, then asks for half the batch at a time.
    Mock::given(method("POST"))
        .and(path("/sparql"))
        .and(body_string_contains(AWARDS))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .with_priority(1)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/sparql"))
        .and(body_string_contains(AWARDS))
        .and(body_string_contains("%22550%22"))
        .and(body_string_contains("%22680%22"))
        .respond_with(sparql("awards.json").set_delay(Duration::from_secs(3)))
        .with_priority(2)
        .up_to_n_times(1)
        .mount(&server)
        .await;
    let Some(app) = app(&server, mongo).await else {
        return;
    };
    // Cached before the import: the import must drop it.
    assert_eq!(app.get("/movies/680/awards").await.json()["nominations"], 0);

    let report = run(&app, &options()).await;
    assert_eq!(report.status, SeedStatus::Completed, "{report:?}");
    assert_eq!((report.movies, report.people), (3, 2));
    // Three movies and Tarantino changed, Keanu Reeves has nothing. The malformed person row and
    // the malformed award row were left out, the latter twice: the fake endpoint answers each
    // half of the batch with the whole fixture (whose rows for the other half change nothing).
    assert_eq!(counts(&report), (0, 4, 1, 3));

    let requests = server.received_requests().await.expect("recorded");
    let user_agents: Vec<&str> = requests
        .iter()
        .filter_map(|r| r.headers.get("user-agent")?.to_str().ok())
        .collect();
    assert!(user_agents.iter().all(|ua| ua.starts_with("MovieVerse/")));
    let awards_queries = requests
        .iter()
        .filter(|r| String::from_utf8_lossy(&r.body).contains(AWARDS))
        .count();
    assert_eq!(awards_queries, 4, "429, timeout, then two halves");

    let catalog = app.state.catalog().expect("catalog");
    let pulp = catalog.movie(movie_id(680)).await.unwrap().expect("movie");
    assert_eq!(pulp.wikidata_id, qid("Q104123"));
    assert_eq!(
        serde_json::to_value(&pulp.awards).expect("json"),
        pulp_fiction_awards()
    );
    let matrix = catalog.movie(movie_id(603)).await.unwrap().expect("movie");
    let categories: Vec<&str> = matrix.awards.iter().map(|a| a.category.as_str()).collect();
    assert_eq!(categories, ["Best Film Editing", "Best Visual Effects"]);
    let fight_club = catalog.movie(movie_id(550)).await.unwrap().expect("movie");
    assert_eq!(
        (fight_club.wikidata_id, fight_club.awards.len()),
        (qid("Q190050"), 0)
    );
    let tarantino = catalog
        .person(person_id(138))
        .await
        .unwrap()
        .expect("person");
    assert_eq!(tarantino.wikidata_id, qid("Q3772"));
    let his: Vec<&shared::domain::AwardEntry> = pulp
        .awards
        .iter()
        .filter(|a| a.recipients.person_ids.contains(&person_id(138)))
        .collect();
    assert_eq!(tarantino.awards.iter().collect::<Vec<_>>(), his);
    let keanu = catalog
        .person(person_id(6384))
        .await
        .unwrap()
        .expect("person");
    assert!(keanu.awards.is_empty() && keanu.wikidata_id.is_none());

    // Served, and the cached copy was dropped.
    let answer = app.get("/movies/680/awards").await;
    assert_eq!(answer.status, StatusCode::OK);
    assert_eq!(answer.json()["awards"], pulp_fiction_awards());
    let found = app
        .get("/find/Q3772?external_source=wikidata_id")
        .await
        .json();
    assert_eq!(found["person_results"][0]["name"], "Quentin Tarantino");

    // Idempotent: a second run changes nothing.
    let again = run(&app, &options()).await;
    assert_eq!(again.status, SeedStatus::Completed);
    assert!(!again.resumed);
    assert_eq!(counts(&again), (0, 0, 5, 2));
}

async fn resumes_after_an_outage(mongo: bool) {
    let server = wikidata().await;
    // People cannot be looked up: the run stops after the movies, keeping its place.
    Mock::given(method("POST"))
        .and(path("/sparql"))
        .and(body_string_contains(PERSON_ITEMS))
        .respond_with(ResponseTemplate::new(503))
        .with_priority(1)
        .up_to_n_times(3)
        .mount(&server)
        .await;
    let Some(app) = app(&server, mongo).await else {
        return;
    };
    let first = run(&app, &options()).await;
    assert_eq!(first.status, SeedStatus::Interrupted, "{first:?}");
    assert!(first
        .last_error
        .as_deref()
        .is_some_and(|e| e.contains("503")));
    assert_eq!(counts(&first), (0, 3, 0, 1));

    let second = run(&app, &options()).await;
    assert_eq!(second.status, SeedStatus::Completed, "{second:?}");
    assert!(second.resumed);
    assert_eq!(second.run_id, first.run_id);
    // Counts cover the whole run: the movies once, then the people.
    assert_eq!(counts(&second), (0, 4, 1, 2));
    let tarantino = app
        .state
        .catalog()
        .expect("catalog")
        .person(person_id(138))
        .await
        .unwrap()
        .expect("person");
    assert_eq!(tarantino.awards.len(), 2);
}

mod stores_exactly_what_the_fixtures_say {
    #[tokio::test]
    async fn embedded() {
        super::stores_exactly_what_the_fixtures_say(false).await;
    }

    #[tokio::test]
    async fn mongodb() {
        super::stores_exactly_what_the_fixtures_say(true).await;
    }
}

mod resumes_after_an_outage {
    #[tokio::test]
    async fn embedded() {
        super::resumes_after_an_outage(false).await;
    }

    #[tokio::test]
    async fn mongodb() {
        super::resumes_after_an_outage(true).await;
    }
}

#[tokio::test]
async fn a_malformed_endpoint_setting_is_refused_by_name() {
    let app = TestApp::build(
        &[(keys::WIKIDATA_SPARQL_URL, "ftp://example.org")],
        None,
        None,
        None,
        None,
    )
    .await;
    let request: ImportRequest =
        serde_json::from_value(json!({"source": "wikidata"})).expect("request");
    let error = shared::import::import(&app.state, &request, &options(), None)
        .await
        .expect_err("refused");
    assert!(error.to_string().contains("WIKIDATA_SPARQL_URL"), "{error}");
}

#[tokio::test]
async fn awards_true_follows_a_catalog_run_with_the_awards_import() {
    let server = wikidata().await;
    let url = format!("{}/sparql", server.uri());
    let app = TestApp::build(
        &[(keys::WIKIDATA_SPARQL_URL, url.as_str())],
        None,
        None,
        None,
        None,
    )
    .await;
    let request: ImportRequest =
        serde_json::from_value(json!({"source": "sample", "awards": true})).expect("request");
    let report = shared::import::import(&app.state, &request, &options(), None)
        .await
        .expect("import");
    assert_eq!(report.status, SeedStatus::Completed);
    let awards = report.awards.expect("the awards import ran");
    assert_eq!(
        (awards.source.as_str(), awards.status),
        ("wikidata", SeedStatus::Completed)
    );
    assert_eq!(awards.movies, 151);
    // The fixtures' Wikidata facts replaced the sample's for the movies they cover.
    let pulp = app.get("/movies/680/awards").await.json();
    assert_eq!(pulp["awards"], pulp_fiction_awards());
}
