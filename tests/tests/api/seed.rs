//! The seed function end to end: a wiremock TMDB serving TMDB-shaped fixtures
//! (`tests/fixtures/tmdb`), the importer, and the real catalog stores (SQLite, and MongoDB with
//! Redis for the production path).

use std::collections::HashSet;
use std::time::Duration;

use serde_json::{json, Value};
use shared::catalog_query::{MovieSearch, SearchText};
use shared::config::keys;
use shared::domain::{GenreId, MovieId, MovieSource, RatingSummary, SeedStatus, UpsertOutcome};
use shared::http::PageRequest;
use shared::import::{ImportOptions, ImportReport, ImportRequest, SourceKind};
use shared::tmdb::ClientOptions;
use tokio::time::Instant;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use movieverse_tests::app::TestApp;
use movieverse_tests::services::{TestMongo, TestRedis};

const TOKEN: &str = "test-v4-read-token";
const API_KEY: &str = "test-v3-key";
const MOVIES: [i64; 4] = [9100101, 9100102, 9100103, 9100104];
const PEOPLE: [i64; 6] = [9209001, 9209002, 9209003, 9209004, 9209005, 9209006];

fn fixture(name: &str) -> Value {
    let file = format!("{}/fixtures/tmdb/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{file}: {e}"));
    serde_json::from_str(&text).expect("fixture is JSON")
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A TMDB serving the fixtures: genres, the four lists (page 1), four movies and six people.
/// Mocks mounted later by a test take precedence when given a higher priority (lower number).
pub(crate) async fn tmdb() -> MockServer {
    let server = MockServer::start().await;
    let routes = [
        ("/genre/movie/list", "genre_movie_list.json"),
        ("/movie/popular", "movie_popular_page1.json"),
        ("/movie/top_rated", "movie_top_rated_page1.json"),
        ("/movie/now_playing", "movie_now_playing_page1.json"),
        ("/trending/movie/week", "trending_movie_week_page1.json"),
    ];
    for (route, file) in routes {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(ok(fixture(file)))
            .with_priority(10)
            .mount(&server)
            .await;
    }
    for id in MOVIES {
        mount_movie(&server, id, ok(fixture(&format!("movie_{id}.json"))), 10).await;
    }
    for id in PEOPLE {
        Mock::given(method("GET"))
            .and(path(format!("/person/{id}")))
            .respond_with(ok(fixture(&format!("person_{id}.json"))))
            .with_priority(10)
            .mount(&server)
            .await;
    }
    server
}

async fn mount_movie(server: &MockServer, id: i64, response: ResponseTemplate, priority: u8) {
    Mock::given(method("GET"))
        .and(path(format!("/movie/{id}")))
        .respond_with(response)
        .with_priority(priority)
        .mount(server)
        .await;
}

#[derive(Clone, Copy)]
enum On {
    Embedded,
    /// MongoDB catalog and Redis cache (skipped when those test services are absent).
    Production,
}

#[derive(Clone, Copy)]
enum Auth {
    Token,
    Key,
}

async fn app(server: &MockServer, on: On, auth: Auth) -> Option<TestApp> {
    let uri = server.uri();
    let credential = match auth {
        Auth::Token => (keys::TMDB_API_TOKEN, TOKEN),
        Auth::Key => (keys::TMDB_API_KEY, API_KEY),
    };
    let extra = [credential, (keys::TMDB_BASE_URL, uri.as_str())];
    Some(match on {
        On::Embedded => TestApp::build(&extra, None, None, None, None).await,
        On::Production => {
            let mongo = TestMongo::create()?;
            let redis = TestRedis::create()?;
            TestApp::build(&extra, None, None, Some(mongo), Some(redis)).await
        }
    })
}

/// Fast retries and no safety margin, so tests take milliseconds, not seconds.
fn quick() -> ImportOptions {
    ImportOptions {
        concurrency: 4,
        client: ClientOptions {
            requests_per_second: 1000,
            max_retries: 3,
            min_backoff: Duration::from_millis(5),
            max_backoff: Duration::from_millis(20),
            max_retry_after: Duration::from_secs(5),
        },
        stop_margin: Some(Duration::ZERO),
        checkpoint_every: 1,
        ..ImportOptions::default()
    }
}

fn tmdb_request() -> ImportRequest {
    serde_json::from_value(json!({"source": "tmdb", "pages": 1})).expect("request")
}

async fn import(app: &TestApp, options: &ImportOptions, deadline: Option<Instant>) -> ImportReport {
    shared::import::import(&app.state, &tmdb_request(), options, deadline)
        .await
        .expect("the run is recorded")
}

fn ids(raw: &[i64]) -> Vec<MovieId> {
    raw.iter()
        .map(|id| MovieId::new(*id).expect("id"))
        .collect()
}

async fn stored_titles(app: &TestApp, raw: &[i64]) -> Vec<String> {
    let catalog = app.state.catalog().expect("catalog");
    catalog
        .movie_summaries(&ids(raw))
        .await
        .expect("summaries")
        .into_iter()
        .map(|m| m.title)
        .collect()
}

async fn requests_to(server: &MockServer, route: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .expect("recording")
        .into_iter()
        .filter(|r| r.url.path() == route)
        .collect()
}

/// Runs `$name(On::Embedded)` and `$name(On::Production)`.
macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn embedded() {
                super::$name(super::On::Embedded).await;
            }

            #[tokio::test]
            async fn production() {
                super::$name(super::On::Production).await;
            }
        }
    )*};
}

on_both!(
    a_full_import_fills_the_catalog_and_a_reimport_changes_nothing,
    an_interrupted_run_resumes_where_it_stopped,
    a_crashed_run_resumes_from_its_last_checkpoint,
);

async fn a_full_import_fills_the_catalog_and_a_reimport_changes_nothing(on: On) {
    let server = tmdb().await;
    let Some(app) = app(&server, on, Auth::Token).await else {
        return;
    };
    let list_key = app.state.cache().list_key("popular", "page=1").await;

    let first = import(&app, &quick(), None).await;
    assert_eq!(first.status, SeedStatus::Completed, "{first:?}");
    assert_eq!(
        (first.inserted, first.updated, first.unchanged, first.failed),
        (10, 0, 0, 0),
        "4 movies and 6 people: {first:?}"
    );
    assert_eq!((first.movies, first.people), (4, 6));
    assert!(!first.resumed);
    assert_eq!(
        stored_titles(&app, &MOVIES).await,
        [
            "The Salt Cartographer",
            "Gravity for Beginners",
            "Nine Bells at Harrowgate",
            "Quarterback Quartet"
        ]
    );
    let catalog = app.state.catalog().expect("catalog");
    let genres: Vec<GenreId> = [28, 35, 18, 878, 53]
        .map(|g| GenreId::new(g).expect("id"))
        .to_vec();
    assert_eq!(
        catalog
            .existing_genres(&genres)
            .await
            .expect("genres")
            .len(),
        5
    );
    let run = catalog
        .latest_seed_run()
        .await
        .expect("runs")
        .expect("a run");
    assert_eq!(
        (run.id.as_str(), run.status),
        (first.run_id.as_str(), SeedStatus::Completed)
    );
    assert_eq!(run.counts.inserted, 10);
    // The cached lists were dropped (their generation moved on).
    let after_first = app.state.cache().list_key("popular", "page=1").await;
    assert_ne!(list_key, after_first);

    // Every request carried the v4 token, none the v3 key; each movie was asked for once,
    // with its credits, keywords and external ids.
    let all = server.received_requests().await.expect("recording");
    assert!(all.iter().all(|r| {
        r.headers.get("authorization").and_then(|v| v.to_str().ok())
            == Some(&*format!("Bearer {TOKEN}"))
            && !r.url.query_pairs().any(|(k, _)| k == "api_key")
    }));
    let movie = requests_to(&server, "/movie/9100101").await;
    assert_eq!(movie.len(), 1);
    assert!(movie[0]
        .url
        .query_pairs()
        .any(|(k, v)| k == "append_to_response" && v == "credits,keywords,external_ids"));

    // MovieVerse's own data survives a re-import: the rating and a user-added movie.
    let rating = RatingSummary {
        average: 8.5,
        count: 2,
    };
    catalog
        .set_movie_rating(ids(&[9100101])[0], rating)
        .await
        .expect("rating");

    let second = import(&app, &quick(), None).await;
    assert_eq!(second.status, SeedStatus::Completed);
    assert_ne!(second.run_id, first.run_id, "a finished run is not resumed");
    assert_eq!(
        (
            second.inserted,
            second.updated,
            second.unchanged,
            second.failed
        ),
        (0, 0, 10, 0),
        "{second:?}"
    );
    let summaries = catalog
        .movie_summaries(&ids(&MOVIES))
        .await
        .expect("summaries");
    assert_eq!(summaries.len(), 4);
    assert_eq!(summaries[0].rating, rating);
    // Nothing changed: the cached lists stay.
    assert_eq!(
        app.state.cache().list_key("popular", "page=1").await,
        after_first
    );

    // TMDB changes one movie: exactly one update, and the rating is still MovieVerse's.
    let mut changed = fixture("movie_9100101.json");
    changed["popularity"] = json!(99.5);
    changed["tagline"] = json!("Every coastline lies. Again.");
    mount_movie(&server, 9100101, ok(changed), 1).await;
    let cache = app.state.cache();
    let cached = cache.movie_key(ids(&[9100101])[0]);
    let untouched = cache.movie_key(ids(&[9100102])[0]);
    for key in [&cached, &untouched] {
        cache
            .set_raw(key, "{}".into(), Duration::from_secs(60))
            .await;
    }
    let third = import(&app, &quick(), None).await;
    // The changed movie's cached copy is gone; the unchanged one's stays.
    assert!(cache.get_raw(&cached).await.is_none());
    assert!(cache.get_raw(&untouched).await.is_some());
    assert_eq!(
        (third.inserted, third.updated, third.unchanged),
        (0, 1, 9),
        "{third:?}"
    );
    let summary = &catalog
        .movie_summaries(&ids(&[9100101]))
        .await
        .expect("summary")[0];
    assert_eq!((summary.popularity, summary.rating), (99.5, rating));
}

async fn an_interrupted_run_resumes_where_it_stopped(on: On) {
    let server = tmdb().await;
    let Some(app) = app(&server, on, Auth::Token).await else {
        return;
    };
    // Slow movies, one at a time: the deadline falls midway through them.
    for id in MOVIES {
        let slow = ok(fixture(&format!("movie_{id}.json"))).set_delay(Duration::from_millis(300));
        mount_movie(&server, id, slow, 1).await;
    }
    let options = ImportOptions {
        concurrency: 1,
        ..quick()
    };
    let deadline = Instant::now() + Duration::from_millis(800);
    let first = import(&app, &options, Some(deadline)).await;
    assert_eq!(first.status, SeedStatus::Interrupted, "{first:?}");
    assert!(first.inserted < 10, "{first:?}");
    assert!(
        Instant::now() < deadline + Duration::from_millis(200),
        "stopped in time"
    );
    let catalog = app.state.catalog().expect("catalog");
    let saved = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(saved.status, SeedStatus::Interrupted);
    let imported_before = stored_titles(&app, &MOVIES).await.len();
    assert!(imported_before < 4);

    let second = import(&app, &options, None).await;
    assert!(second.resumed, "{second:?}");
    assert_eq!(second.run_id, first.run_id);
    assert_eq!(second.status, SeedStatus::Completed);
    // Counted once over the whole run: nothing imported twice, nothing missed.
    assert_eq!(
        (
            second.inserted,
            second.updated,
            second.unchanged,
            second.failed
        ),
        (10, 0, 0, 0),
        "{second:?}"
    );
    assert_eq!(stored_titles(&app, &MOVIES).await.len(), 4);
    // The movies finished before the interruption were not fetched again.
    let fetched = server
        .received_requests()
        .await
        .expect("recording")
        .iter()
        .filter(|r| r.url.path().starts_with("/movie/91"))
        .count();
    assert!(fetched <= 5, "{fetched} movie requests for 4 movies");
    let run = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(
        (run.status, run.counts.inserted),
        (SeedStatus::Completed, 10)
    );
}

async fn a_crashed_run_resumes_from_its_last_checkpoint(on: On) {
    let server = tmdb().await;
    let Some(app) = app(&server, on, Auth::Token).await else {
        return;
    };
    for id in MOVIES {
        let slow = ok(fixture(&format!("movie_{id}.json"))).set_delay(Duration::from_millis(300));
        mount_movie(&server, id, slow, 1).await;
    }
    let options = ImportOptions {
        concurrency: 1,
        ..quick()
    };
    // The container dies mid-run: the run never gets to record its end.
    let crashed =
        tokio::time::timeout(Duration::from_millis(800), import(&app, &options, None)).await;
    assert!(crashed.is_err(), "the run was still going");
    let catalog = app.state.catalog().expect("catalog");
    let left = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(left.status, SeedStatus::Running);
    assert!(left.finished_at.is_none());

    let resumed = import(&app, &options, None).await;
    assert!(resumed.resumed, "{resumed:?}");
    assert_eq!(
        (resumed.run_id.as_str(), resumed.status),
        (left.id.as_str(), SeedStatus::Completed)
    );
    // Every item counted once; one finished just before the crash may be seen again unchanged.
    assert_eq!(resumed.inserted + resumed.unchanged, 10, "{resumed:?}");
    assert!(resumed.unchanged <= 1 && resumed.updated == 0 && resumed.failed == 0);
    assert_eq!(stored_titles(&app, &MOVIES).await.len(), 4);
}

#[tokio::test]
async fn the_v3_key_goes_in_the_query_and_no_token_is_sent() {
    let server = tmdb().await;
    let app = app(&server, On::Embedded, Auth::Key).await.expect("app");
    let report = import(&app, &quick(), None).await;
    assert_eq!(report.status, SeedStatus::Completed);
    let all = server.received_requests().await.expect("recording");
    assert!(!all.is_empty());
    for request in all {
        assert!(request.headers.get("authorization").is_none());
        assert!(request
            .url
            .query_pairs()
            .any(|(k, v)| k == "api_key" && v == API_KEY));
    }
}

#[tokio::test]
async fn a_429_waits_for_retry_after_then_succeeds() {
    let server = tmdb().await;
    let limited = ResponseTemplate::new(429)
        .insert_header("retry-after", "1")
        .set_body_json(fixture("error_rate_limited.json"));
    Mock::given(method("GET"))
        .and(path("/movie/9100101"))
        .respond_with(limited)
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let started = Instant::now();
    let report = import(&app, &quick(), None).await;
    assert_eq!(
        (report.status, report.failed),
        (SeedStatus::Completed, 0),
        "{report:?}"
    );
    assert_eq!(report.inserted, 10);
    assert_eq!(requests_to(&server, "/movie/9100101").await.len(), 2);
    // The backoff is milliseconds: only Retry-After explains a one-second wait.
    assert!(started.elapsed() >= Duration::from_secs(1));
}

#[tokio::test]
async fn a_500_is_retried_and_then_succeeds() {
    let server = tmdb().await;
    Mock::given(method("GET"))
        .and(path("/movie/9100102"))
        .respond_with(ResponseTemplate::new(500).set_body_json(fixture("error_server.json")))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let report = import(&app, &quick(), None).await;
    assert_eq!((report.inserted, report.failed), (10, 0), "{report:?}");
    assert_eq!(requests_to(&server, "/movie/9100102").await.len(), 2);
    assert_eq!(
        stored_titles(&app, &[9100102]).await,
        ["Gravity for Beginners"]
    );
}

#[tokio::test]
async fn a_movie_that_always_fails_is_counted_and_the_run_goes_on() {
    let server = tmdb().await;
    mount_movie(
        &server,
        9100103,
        ResponseTemplate::new(503).set_body_json(fixture("error_server.json")),
        1,
    )
    .await;
    // A movie TMDB no longer has: not retried, counted as failed too.
    mount_movie(
        &server,
        9100104,
        ResponseTemplate::new(404).set_body_json(fixture("error_not_found.json")),
        1,
    )
    .await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let report = import(&app, &quick(), None).await;
    assert_eq!(report.status, SeedStatus::Completed, "{report:?}");
    assert_eq!(report.failed, 2);
    // Two movies, and the six people credited in them.
    assert_eq!(report.inserted, 8, "{report:?}");
    assert!(report.last_error.is_some());
    assert_eq!(
        stored_titles(&app, &MOVIES).await,
        ["The Salt Cartographer", "Gravity for Beginners"]
    );
    // One attempt and three retries for the 503, one attempt for the 404.
    assert_eq!(requests_to(&server, "/movie/9100103").await.len(), 4);
    assert_eq!(requests_to(&server, "/movie/9100104").await.len(), 1);
}

#[tokio::test]
async fn nulls_in_every_nullable_field_and_unknown_fields_are_accepted() {
    let server = tmdb().await;
    let mut page = fixture("movie_popular_page1.json");
    page["results"] = json!([{"id": 9100105, "title": null, "genre_ids": null, "extra": 1}]);
    Mock::given(method("GET"))
        .and(path("/movie/popular"))
        .respond_with(ok(page))
        .with_priority(1)
        .mount(&server)
        .await;
    mount_movie(&server, 9100105, ok(fixture("movie_9100105_nulls.json")), 1).await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let request: ImportRequest =
        serde_json::from_value(json!({"source": "tmdb", "lists": ["popular"], "people": false}))
            .expect("request");
    let report = shared::import::import(&app.state, &request, &quick(), None)
        .await
        .expect("run");
    assert_eq!(
        (report.status, report.inserted, report.failed),
        (SeedStatus::Completed, 1, 0),
        "{report:?}"
    );
    let catalog = app.state.catalog().expect("catalog");
    let summary = &catalog
        .movie_summaries(&ids(&[9100105]))
        .await
        .expect("summary")[0];
    assert_eq!(summary.title, "Untitled Lighthouse Project");
    assert_eq!(
        (summary.release_date, summary.poster_path.clone()),
        (None, None)
    );
    assert!(
        requests_to(&server, "/person/9209001").await.is_empty(),
        "people: false"
    );
}

#[tokio::test]
async fn refused_credentials_fail_the_run_without_counting_every_movie() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "status_code": 7, "status_message": "Invalid API key: You must be granted a valid key.", "success": false
        })))
        .mount(&server)
        .await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let error = seed::handle(&app.state, tmdb_request(), None)
        .await
        .expect_err("a failed run is a failed invocation");
    assert!(error.to_string().contains("credentials"), "{error}");
    // One request: a refused key is not retried and stops the run.
    assert_eq!(
        server.received_requests().await.expect("recording").len(),
        1
    );
    let catalog = app.state.catalog().expect("catalog");
    let run = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(run.status, SeedStatus::Failed);
    assert!(
        !format!("{run:?}").contains(TOKEN),
        "the token is never recorded"
    );
}

#[tokio::test]
async fn a_user_added_movie_is_never_overwritten_by_an_import() {
    let server = tmdb().await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let catalog = app.state.catalog().expect("catalog");
    let details: shared::tmdb::types::MovieDetails =
        serde_json::from_value(fixture("movie_9100103.json")).expect("details");
    let mut mine = shared::tmdb::map::movie(&details, chrono::Utc::now()).expect("movie");
    mine.title = "My Own Cut".into();
    mine.source = MovieSource::User;
    assert_eq!(
        catalog.upsert_movie(&mine).await.expect("upsert"),
        UpsertOutcome::Inserted
    );
    let report = import(&app, &quick(), None).await;
    assert_eq!((report.inserted, report.unchanged), (9, 1), "{report:?}");
    assert_eq!(stored_titles(&app, &[9100103]).await, ["My Own Cut"]);
}

#[tokio::test]
async fn a_tmdb_seed_without_credentials_says_what_to_set() {
    let app = TestApp::embedded().await;
    let error = seed::handle(&app.state, tmdb_request(), None)
        .await
        .expect_err("not configured");
    assert!(error.to_string().contains("TMDB_API_TOKEN"), "{error}");
}

#[tokio::test]
async fn the_schedule_event_is_a_tmdb_request_of_every_list() {
    let text = std::fs::read_to_string(format!(
        "{}/../events/seed-schedule.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("event");
    let request: seed::SeedRequest = serde_json::from_str(&text).expect("request");
    assert_eq!(request.source, SourceKind::Tmdb);
    let lists: HashSet<_> = request.lists.iter().collect();
    assert_eq!(lists.len(), 4);
    assert!(request.people);
}

/// The sample on a store with no TMDB configured (what `cargo lambda watch` runs).
async fn sample_app(on: On) -> Option<TestApp> {
    Some(match on {
        On::Embedded => TestApp::embedded().await,
        On::Production => {
            let mongo = TestMongo::create()?;
            let redis = TestRedis::create()?;
            TestApp::build(&[], None, None, Some(mongo), Some(redis)).await
        }
    })
}

on_both!(the_sample_source_loads_the_bundled_catalog_once,);

async fn the_sample_source_loads_the_bundled_catalog_once(on: On) {
    let Some(app) = sample_app(on).await else {
        return;
    };
    let request: seed::SeedRequest =
        serde_json::from_str(include_str!("../../../events/seed-sample.json")).expect("event");
    let started = std::time::Instant::now();
    let first = seed::handle(&app.state, request.clone(), None)
        .await
        .expect("sample import");
    let took = started.elapsed();
    assert_eq!(first.status, SeedStatus::Completed, "{first:?}");
    assert!(first.movies >= 100, "{first:?}");
    assert_eq!(first.failed, 0, "{first:?}");
    assert_eq!(first.inserted, (first.movies + first.people) as u64);
    println!("sample import: {first:?} in {took:?}");
    let catalog = app.state.catalog().expect("catalog");
    assert!(!catalog.is_empty().await.expect("is_empty"));
    // Fight Club is in the sample, with its credits.
    let fight_club = catalog
        .movie_summaries(&ids(&[550]))
        .await
        .expect("summaries");
    assert_eq!(fight_club.len(), 1);
    assert_eq!(fight_club[0].title, "Fight Club");

    let second = seed::handle(&app.state, request, None)
        .await
        .expect("again");
    assert_eq!(
        (second.inserted, second.updated, second.failed),
        (0, 0, 0),
        "{second:?}"
    );
    assert_eq!(second.unchanged, first.inserted);
}

#[tokio::test]
async fn an_empty_embedded_catalog_gets_the_sample_at_start_up_and_only_once() {
    let app = TestApp::embedded().await;
    let catalog = app.state.catalog().expect("catalog");
    assert!(catalog.is_empty().await.expect("is_empty"));
    shared::import::seed_sample_if_empty(&app.state).await;
    assert!(!catalog.is_empty().await.expect("is_empty"));
    let run = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(
        (run.source.as_str(), run.status),
        ("sample", SeedStatus::Completed)
    );
    // A second start leaves the catalog alone.
    shared::import::seed_sample_if_empty(&app.state).await;
    let again = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(again.id, run.id);
}

#[tokio::test]
async fn a_sample_load_cut_short_on_first_start_leaves_nothing_and_the_next_start_loads_it_all() {
    let app = TestApp::embedded().await;
    let catalog = app.state.catalog().expect("catalog");
    // The first start dies while loading the sample: cancelled after its first step.
    let cut = tokio::time::timeout(
        Duration::ZERO,
        shared::import::seed_sample_if_empty(&app.state),
    )
    .await;
    assert!(cut.is_err(), "the sample load was still going");
    assert!(catalog.is_empty().await.expect("is_empty"), "half a sample");
    assert!(catalog.latest_seed_run().await.expect("runs").is_none());

    shared::import::seed_sample_if_empty(&app.state).await;
    let run = catalog.latest_seed_run().await.expect("runs").expect("run");
    assert_eq!(run.status, SeedStatus::Completed);
    let sample = shared::import::SampleSource::bundled().expect("sample");
    let expected = sample.movie_count() + sample.person_list().len();
    assert_eq!(run.counts.inserted, expected as u64);
    let popular = app.get("/movies/popular").await.json();
    assert_eq!(
        popular["total_results"].as_u64(),
        Some(sample.movie_count() as u64)
    );
}

/// Reads that together show every table the catalog keeps: documents, relations, search rows,
/// genres and their counts, and the rankings.
const CATALOG_VIEWS: [&str; 12] = [
    "/movies/550?append=credits,keywords,rating",
    "/movies/603?append=credits,keywords",
    "/people/287",
    "/people/287/credits",
    "/people/popular?page=2",
    "/people/search?q=brad",
    "/movies/search?q=the%20dark",
    "/movies?genres=18&sort=title.asc&page=2",
    "/movies?with_people=287",
    "/movies/top-rated",
    "/movies/550/similar",
    "/genres",
];

#[tokio::test]
async fn the_first_start_fill_stores_exactly_what_a_sample_import_does() {
    let filled = TestApp::embedded().await;
    shared::import::seed_sample_if_empty(&filled.state).await;
    let imported = TestApp::embedded().await;
    let report = seed::handle(&imported.state, ImportRequest::sample(), None)
        .await
        .expect("sample import");
    let run = filled
        .state
        .catalog()
        .expect("catalog")
        .latest_seed_run()
        .await
        .expect("runs")
        .expect("run");
    assert_eq!(run.counts.inserted, (report.movies + report.people) as u64);
    for path in CATALOG_VIEWS {
        let (a, b) = (filled.get(path).await, imported.get(path).await);
        assert_eq!(
            (a.status, b.status),
            (http::StatusCode::OK, http::StatusCode::OK),
            "{path}"
        );
        let (a, b) = (without_timestamps(a.json()), without_timestamps(b.json()));
        assert_ne!(
            a,
            json!({ "page": 1, "results": [], "total_pages": 0, "total_results": 0 })
        );
        assert_eq!(a, b, "{path}");
    }
}

/// `value` without its `updated_at` fields (each load stamps its own time).
fn without_timestamps(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(key, _)| key != "updated_at")
                .map(|(key, value)| (key, without_timestamps(value)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(without_timestamps).collect()),
        other => other,
    }
}

#[tokio::test]
async fn two_first_starts_at_once_fill_the_catalog_once() {
    let app = TestApp::embedded().await;
    // A second process on the same data dir (the local functions start together).
    let other = shared::AppState::from_settings(app.state.settings().clone()).await;
    tokio::join!(
        shared::import::seed_sample_if_empty(&app.state),
        shared::import::seed_sample_if_empty(&other),
    );
    let popular = app.get("/movies/popular").await.json();
    let sample = shared::import::SampleSource::bundled().expect("sample");
    assert_eq!(
        popular["total_results"].as_u64(),
        Some(sample.movie_count() as u64)
    );
}

/// The first start leaves the search tables to be built after its first answer: whichever
/// process searches or writes first builds them, once, from the stored rows.
#[tokio::test]
async fn search_tables_left_by_a_first_start_are_built_once_by_whoever_needs_them() {
    let app = TestApp::embedded().await;
    let other = shared::AppState::from_settings(app.state.settings().clone()).await;
    shared::import::seed_sample_if_empty(&app.state).await;
    // The other process searches first: it builds the tables.
    let text = SearchText::parse("fight club").expect("text");
    let page = PageRequest::new(1, 20).expect("page");
    let search = MovieSearch { text, year: None };
    let found = other
        .catalog()
        .expect("catalog")
        .search_movies(&search, page)
        .await
        .expect("search");
    assert_eq!(found.results.first().map(|m| m.id.get()), Some(550));
    // This process sees them built (no second copy: the same total).
    let again = app
        .state
        .catalog()
        .expect("catalog")
        .search_movies(&search, page)
        .await
        .expect("search");
    assert_eq!(again.total_results, found.total_results);
    let people = app.get("/people/search?q=brad%20pitt").await.json();
    assert_eq!(people["results"][0]["id"], 287);
    // Other names are indexed too, as a single write indexes them.
    let sample = shared::import::SampleSource::bundled().expect("sample");
    let mut people = sample.person_list();
    let brad = people
        .iter_mut()
        .find(|p| p.id.get() == 287)
        .expect("Brad Pitt");
    brad.also_known_as = vec!["Брэд Питт".into()];
    let fresh = TestApp::embedded().await;
    let catalog = fresh.state.catalog().expect("catalog");
    assert!(catalog
        .fill_empty(sample.genre_list(), &sample.movie_list(), &people)
        .await
        .expect("fill"));
    let found = catalog
        .search_people(&SearchText::parse("Брэд").expect("text"), page)
        .await
        .expect("search");
    let ids: Vec<i64> = found.results.iter().map(|p| p.id.get()).collect();
    assert_eq!(ids, vec![287]);
}

/// A write made before the search tables are built leaves them consistent with the row.
#[tokio::test]
async fn a_write_before_the_search_tables_are_built_is_searchable_once() {
    let app = TestApp::embedded().await;
    shared::import::seed_sample_if_empty(&app.state).await;
    let catalog = app.state.catalog().expect("catalog");
    let mut movie = catalog
        .movie(MovieId::new(550).expect("id"))
        .await
        .expect("read")
        .expect("movie");
    movie.title = "Zyzzogeton Nights".into();
    movie.original_title = Some("Zyzzogeton Nights".into());
    movie.overview = Some("Nothing like the old one.".into());
    catalog.upsert_movie(&movie).await.expect("upsert");
    let page = PageRequest::new(1, 20).expect("page");
    for (words, expected) in [("zyzzogeton", 1), ("fight club", 0)] {
        let search = MovieSearch {
            text: SearchText::parse(words).expect("text"),
            year: None,
        };
        let found = catalog.search_movies(&search, page).await.expect("search");
        let ids: Vec<i64> = found.results.iter().map(|m| m.id.get()).collect();
        assert_eq!(
            ids.iter().filter(|id| **id == 550).count(),
            expected,
            "{words}: {ids:?}"
        );
    }
}

#[tokio::test]
async fn a_production_catalog_never_gets_the_sample() {
    let Some(mongo) = TestMongo::create() else {
        return;
    };
    let app = TestApp::build(&[], None, None, Some(mongo), None).await;
    shared::import::seed_sample_if_empty(&app.state).await;
    let catalog = app.state.catalog().expect("catalog");
    assert!(catalog.is_empty().await.expect("is_empty"));
    assert!(catalog.latest_seed_run().await.expect("runs").is_none());
}

#[tokio::test]
async fn after_a_seed_the_api_serves_the_movies_and_the_cached_lists_are_fresh() {
    let app = TestApp::embedded().await;
    // Read (and cache) the popular list while the catalog is empty.
    let before = app.get("/movies/popular").await;
    assert_eq!(before.status, http::StatusCode::OK);
    assert_eq!(before.json()["total_results"], 0);

    let report = seed::handle(&app.state, ImportRequest::sample(), None)
        .await
        .expect("sample");
    let after = app.get("/movies/popular").await;
    assert_eq!(after.status, http::StatusCode::OK);
    assert_eq!(
        after.json()["total_results"].as_u64(),
        Some(report.movies as u64),
        "the cached empty list was dropped"
    );
    let movie = app.get("/movies/550?append=credits").await;
    assert_eq!(movie.status, http::StatusCode::OK);
    assert_eq!(movie.json()["title"], "Fight Club");
    // People come from the sample's credits, with their filmography in the sample.
    let person = app.get("/people/287").await;
    assert_eq!(person.status, http::StatusCode::OK);
    assert_eq!(person.json()["name"], "Brad Pitt");
    let credits = app.get("/people/287/credits").await;
    assert_eq!(credits.status, http::StatusCode::OK);
    let text = credits.json().to_string();
    assert!(text.contains("Fight Club"), "{text}");
}

#[tokio::test]
async fn requests_are_paced_to_the_configured_rate() {
    let server = tmdb().await;
    let app = app(&server, On::Embedded, Auth::Token).await.expect("app");
    let mut options = quick();
    options.client.requests_per_second = 20;
    let started = Instant::now();
    let report = import(&app, &options, None).await;
    assert_eq!(report.status, SeedStatus::Completed);
    let requests = server.received_requests().await.expect("recording").len();
    // 1 genre list + 4 list pages + 4 movies + 6 people, 50 ms apart at 20 a second.
    assert_eq!(requests, 15);
    assert!(
        started.elapsed() >= Duration::from_millis(50 * (requests as u64 - 1)),
        "{:?} for {requests} requests",
        started.elapsed()
    );
}
