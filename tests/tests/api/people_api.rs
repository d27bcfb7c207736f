//! The people routes through the whole API, on the embedded default and on MongoDB + Redis.

use axum::http::StatusCode;
use movieverse_tests::TestApp;
use serde_json::json;

use crate::catalog_fixtures::*;

macro_rules! api {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn embedded() {
                let app = TestApp::embedded().await;
                seeded(&app).await;
                super::$name(&app).await;
            }

            #[tokio::test]
            async fn production() {
                let Some(app) = production_catalog_app().await else { return };
                seeded(&app).await;
                super::$name(&app).await;
            }
        }
    )*};
}

async fn seeded(app: &TestApp) {
    let catalog = app.state.catalog().expect("catalog");
    let mut keanu = person(101, "Keanu Reeves");
    keanu.popularity = 50.0;
    keanu.biography = Some("Plays Neo.".into());
    keanu.credits = vec![
        person_credit(4, "Speed", 1994, Some("Jack Traven"), None),
        person_credit(1, "The Matrix", 1999, Some("Neo"), None),
        person_credit(2, "The Matrix Reloaded", 2003, Some("Neo"), None),
        person_credit(9, "Untitled", 2030, None, Some("Producer")),
    ];
    let mut lana = person(201, "Lana Wachowski");
    lana.known_for_department = Some("Directing".into());
    lana.popularity = 20.0;
    lana.credits = vec![
        person_credit(1, "The Matrix", 1999, None, Some("Director")),
        person_credit(2, "The Matrix Reloaded", 2003, None, Some("Director")),
    ];
    let mut zoe = person(301, "Zoë Saldaña");
    zoe.popularity = 30.0;
    for person in [keanu, lana, zoe] {
        catalog.upsert_person(&person).await.expect("person");
    }
}

api!(
    details_with_and_without_credits,
    credits_are_newest_first,
    popular_and_search,
    bad_requests_are_problems,
);

async fn details_with_and_without_credits(app: &TestApp) {
    let plain = app.get("/people/101").await;
    assert_eq!(plain.status, StatusCode::OK);
    let body = plain.json();
    assert_eq!(body["name"], "Keanu Reeves");
    assert_eq!(body["biography"], "Plays Neo.");
    assert!(body.get("credits").is_none());
    let full = app.get("/people/101?append=credits").await.json();
    assert_eq!(full["credits"]["cast"].as_array().unwrap().len(), 3);
    assert_eq!(full["credits"]["crew"][0]["job"], "Producer");
}

async fn credits_are_newest_first(app: &TestApp) {
    let credits = app.get("/people/101/credits").await.json();
    let titles: Vec<&str> = credits["cast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["The Matrix Reloaded", "The Matrix", "Speed"]);
    let lana = app.get("/people/201/credits").await.json();
    assert_eq!(lana["cast"], json!([]));
    assert_eq!(lana["crew"][0]["release_date"], "2003-06-01");
}

async fn popular_and_search(app: &TestApp) {
    let popular = app.get("/people/popular").await.json();
    assert_eq!(json_ids(&popular), [101, 301, 201]);
    assert_eq!(popular["total_results"], 3);
    assert_eq!(
        json_ids(&app.get("/people/popular?page=2&page_size=2").await.json()),
        [201]
    );
    assert_eq!(
        json_ids(&app.get("/people/search?q=zoe").await.json()),
        [301]
    );
    assert_eq!(
        json_ids(&app.get("/people/search?q=SALDANA").await.json()),
        [301]
    );
    assert_eq!(
        json_ids(&app.get("/people/search?q=keanu%20reeves").await.json()),
        [101]
    );
    assert_eq!(
        json_ids(&app.get("/people/search?q=nobody").await.json()),
        Vec::<i64>::new()
    );
}

async fn bad_requests_are_problems(app: &TestApp) {
    app.get("/people/999").await.problem(StatusCode::NOT_FOUND);
    app.get("/people/999/credits")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/people/keanu")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get("/people/0/credits")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get("/people/101?append=movies")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    for query in [
        "",
        "q=",
        &format!("q={}", "x".repeat(201)),
        "q=a&page=0",
        "q[$ne]=a",
    ] {
        app.get(&format!("/people/search?{query}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
    app.get("/people/popular?page_size=0")
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
}
