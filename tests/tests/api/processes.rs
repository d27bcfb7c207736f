//! The real function binaries as separate processes, each behind its own Lambda Runtime API,
//! behind an API-Gateway-shaped front: what only this shape can show. (The cross-function flows
//! run in this shape too, in `cross_function`.)

use axum::http::{Method, StatusCode};
use movieverse_tests::{ApiClient, TestApp};
use serde_json::json;

#[tokio::test]
async fn six_first_starts_at_once_load_the_sample_once_and_every_function_answers() {
    let app = TestApp::embedded().await;
    let api = app.deploy().await;
    // Every process found the catalog empty; one filled it, the others waited and saw it filled.
    let movie = api.get("/movies/550?append=credits").await;
    assert_eq!(movie.status, StatusCode::OK, "{movie:?}");
    assert_eq!(movie.json()["title"], "Fight Club");
    let director = movie.json()["credits"]["crew"]
        .as_array()
        .expect("crew")
        .iter()
        .find(|member| member["job"] == "Director")
        .map(|member| member["name"].clone());
    assert_eq!(director, Some(json!("David Fincher")));
    assert_eq!(api.get("/people/287").await.json()["name"], "Brad Pitt");
    let runs = app
        .state
        .catalog()
        .expect("catalog")
        .latest_seed_run()
        .await
        .expect("runs")
        .expect("the fill is recorded");
    assert_eq!(runs.counts.inserted as usize, {
        let popular = api.get("/movies/popular").await.json();
        let movies = popular["total_results"].as_u64().expect("total") as usize;
        let people = api.get("/people/popular").await.json()["total_results"]
            .as_u64()
            .expect("total") as usize;
        movies + people
    });
    let health = api.get("/health").await;
    assert_eq!(health.status, StatusCode::OK, "{health:?}");
    let register = api
        .call(
            Method::POST,
            "/auth/register",
            Some(json!({"username": "first", "email": "first@example.com",
                "password": "correct horse battery staple"})),
            None,
        )
        .await;
    assert_eq!(register.status, StatusCode::CREATED, "{register:?}");
    let id = register.json()["user"]["id"]
        .as_str()
        .expect("id")
        .to_string();
    let profile = api.get(&format!("/profiles/{id}")).await;
    assert_eq!(profile.status, StatusCode::OK, "{profile:?}");
    let reviews = api.get("/movies/550/reviews").await;
    assert_eq!(reviews.status, StatusCode::OK, "{reviews:?}");
}

#[tokio::test]
async fn what_no_function_owns_is_answered_by_the_gateway() {
    let app = TestApp::embedded().await;
    let api = app.deploy().await;
    for (method, path) in [(Method::GET, "/nothing-here"), (Method::GET, "/tv/1399")] {
        let answer = api.request(method.clone(), path, None, &[]).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{method} {path}");
        assert_eq!(
            answer.json(),
            json!({"message": "Not Found"}),
            "{method} {path}"
        );
    }
}

/// Every template route is `ANY <path>`: a method the path does not take reaches its function,
/// which answers the documented 405 problem naming the methods it takes.
#[tokio::test]
async fn a_method_a_path_does_not_take_is_its_functions_405() {
    let app = TestApp::embedded().await;
    let api = app.deploy().await;
    for (method, path, allowed) in [
        (Method::DELETE, "/genres", "GET,HEAD"),
        (Method::PUT, "/movies/popular", "GET,HEAD"),
        (Method::GET, "/auth/login", "POST"),
    ] {
        let answer = api.request(method.clone(), path, None, &[]).await;
        answer.problem(StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(answer.header("allow"), Some(allowed), "{method} {path}");
    }
}

#[tokio::test]
async fn a_body_that_is_not_text_arrives_base64_encoded_and_is_refused_cleanly() {
    let app = TestApp::embedded().await;
    let api = app.deploy().await;
    let binary = vec![0xff, 0xfe, 0x00, 0x7b, 0x22];
    let answer = api
        .call_from(
            None,
            Method::POST,
            "/auth/login",
            Some(binary),
            &[("content-type", "application/json")],
        )
        .await;
    assert!(
        answer.status.is_client_error(),
        "a clear 4xx, not {}: {answer:?}",
        answer.status
    );
    answer.problem(answer.status);
}
