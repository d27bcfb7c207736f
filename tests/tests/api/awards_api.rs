//! The award routes through the whole API, on the embedded default and on MongoDB + Redis, over
//! the bundled sample.

use axum::http::{Method, StatusCode};
use movieverse_tests::TestApp;
use serde_json::{json, Value};
use shared::auth::Role;

use crate::awards_store::{load_bundled_sample, BEST_PICTURE_WINNERS, BONG_JOON_HO, PARASITE};
use crate::catalog_fixtures::*;

macro_rules! api {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            use super::*;

            #[tokio::test]
            async fn embedded() {
                let app = TestApp::embedded().await;
                load_bundled_sample(app.state.catalog().expect("catalog")).await;
                super::$name(&app).await;
            }

            #[tokio::test]
            async fn production() {
                let Some(app) = production_catalog_app().await else { return };
                load_bundled_sample(app.state.catalog().expect("catalog")).await;
                super::$name(&app).await;
            }
        }
    )*};
}

api!(
    best_picture_winners_come_back_and_nothing_else,
    bad_award_filters_are_422_naming_the_field,
    movie_awards_and_append_awards,
    a_directors_awards_name_the_film,
    find_by_imdb_and_wikidata_id,
    award_bodies_and_a_ceremony_with_titles_and_names,
    admins_set_the_awards_of_user_movies_and_the_cache_follows,
);

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_string())
        .collect()
}

fn sorted(mut ids: Vec<i64>) -> Vec<i64> {
    ids.sort_unstable();
    ids
}

async fn best_picture_winners_come_back_and_nothing_else(app: &TestApp) {
    let page = app
        .get("/movies?awards_won=academy-awards:best-picture&page_size=100")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let body = page.json();
    assert_eq!(sorted(json_ids(&body)), BEST_PICTURE_WINNERS);
    assert_eq!(body["total_results"], 20);

    // Combined with another filter and a sort.
    let dated = app
        .get("/movies?awards_won=academy-awards:best-picture&year=1994&sort=title.asc")
        .await
        .json();
    // Forrest Gump won; Pulp Fiction and The Shawshank Redemption (1994 too) were nominated.
    assert_eq!(json_ids(&dated), [13]);
    let both = app
        .get("/movies?awards_won=academy-awards:best-picture,cannes-film-festival")
        .await
        .json();
    assert_eq!(json_ids(&both), [PARASITE]);
}

async fn bad_award_filters_are_422_naming_the_field(app: &TestApp) {
    for (query, field) in [
        ("awards_won=oscars", "awards_won"),
        ("awards_won=academy-awards:Best%20Picture", "awards_won"),
        (
            "awards_nominated=academy-awards,cannes-film-festival|x",
            "awards_nominated",
        ),
        ("awards_won=%7B%22%24gt%22%3A%22%22%7D", "awards_won"),
        ("awards_won[$gt]=", "awards_won[$gt]"),
    ] {
        let problem = app
            .get(&format!("/movies?{query}"))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&problem), [field], "{query}");
    }
}

async fn movie_awards_and_append_awards(app: &TestApp) {
    let awards = app.get(&format!("/movies/{PARASITE}/awards")).await;
    assert_eq!(awards.status, StatusCode::OK);
    let body = awards.json();
    assert_eq!(body["movie_id"], PARASITE);
    assert_eq!(
        (body["wins"].clone(), body["nominations"].clone()),
        (json!(5), json!(5))
    );
    let first = &body["awards"][0];
    assert_eq!(
        first["award"],
        json!({"id": "academy-awards", "name": "Academy Awards"})
    );
    assert_eq!(first["year"], 2020);
    assert_eq!(first["ceremony"], "92nd Academy Awards");
    assert_eq!(first["for"]["movie_id"], PARASITE);
    assert!(body["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .any(|a| a["category"] == "Palme d'Or" && a["outcome"] == "won"));

    let plain = app.get(&format!("/movies/{PARASITE}")).await.json();
    assert!(plain.get("awards").is_none());
    assert_eq!(
        plain["external_ids"],
        json!({"imdb_id": "tt6751668", "wikidata_id": null})
    );
    let details = app
        .get(&format!("/movies/{PARASITE}?append=awards,credits"))
        .await
        .json();
    assert_eq!(details["awards"], body);
    assert!(details["credits"].is_object());
    // Cached like the movie: the second read is a hit; a movie without awards has none.
    assert_eq!(app.get("/movies/550/awards").await.json()["nominations"], 0);
    assert_eq!(
        app.get("/movies/550/awards").await.header("x-cache"),
        Some("hit")
    );
    app.get("/movies/4040/awards")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/movies/abc/awards")
        .await
        .problem(StatusCode::BAD_REQUEST);
}

async fn a_directors_awards_name_the_film(app: &TestApp) {
    let answer = app.get(&format!("/people/{BONG_JOON_HO}/awards")).await;
    assert_eq!(
        answer.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
    let body = answer.json();
    assert_eq!(body["person_id"], BONG_JOON_HO);
    assert_eq!(body["wins"], 4);
    for award in body["awards"].as_array().expect("awards") {
        assert_eq!(award["movie"]["title"], "Parasite", "{award}");
        assert_eq!(award["movie"]["id"], PARASITE);
    }
    let categories: Vec<&str> = body["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .map(|a| a["category"].as_str().expect("category"))
        .collect();
    assert!(categories.contains(&"Best Director") && categories.contains(&"Palme d'Or"));
    // Christopher Nolan: Oppenheimer's wins, named.
    let nolan = app.get("/people/525/awards").await.json();
    assert!(nolan["awards"]
        .as_array()
        .expect("awards")
        .iter()
        .all(|a| a["movie"]["title"] == "Oppenheimer"));
    assert_eq!(nolan["wins"], 2);
    app.get("/people/4040404/awards")
        .await
        .problem(StatusCode::NOT_FOUND);
}

async fn find_by_imdb_and_wikidata_id(app: &TestApp) {
    let found = app.get("/find/tt6751668?external_source=imdb_id").await;
    assert_eq!(found.status, StatusCode::OK);
    let body = found.json();
    assert_eq!(body["movie_results"][0]["id"], PARASITE);
    assert_eq!(body["movie_results"][0]["title"], "Parasite");
    assert_eq!(body["person_results"], json!([]));
    let nothing = app
        .get("/find/Q61448040?external_source=wikidata_id")
        .await
        .json();
    assert_eq!(nothing, json!({"movie_results": [], "person_results": []}));
    // An id of the other source's form names nothing of the source asked for.
    for path in [
        "/find/Q61448040?external_source=imdb_id",
        "/find/tt6751668?external_source=wikidata_id",
    ] {
        let nothing = app.get(path).await;
        assert_eq!(nothing.status, StatusCode::OK, "{path}");
        assert_eq!(
            nothing.json(),
            json!({"movie_results": [], "person_results": []})
        );
    }

    for (path, field) in [
        ("/find/tt6751668", "external_source"),
        ("/find/tt6751668?external_source=tmdb_id", "external_source"),
        ("/find/nm12?external_source=imdb_id", "external_id"),
        (
            "/find/%7B%22%24gt%22%3A%22%22%7D?external_source=imdb_id",
            "external_id",
        ),
    ] {
        let problem = app
            .get(path)
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&problem), [field], "{path}");
    }
}

async fn award_bodies_and_a_ceremony_with_titles_and_names(app: &TestApp) {
    let bodies = app.get("/awards").await.json();
    let list = bodies["awards"].as_array().expect("awards");
    let oscars = list
        .iter()
        .find(|b| b["id"] == "academy-awards")
        .expect("academy-awards");
    assert_eq!(oscars["name"], "Academy Awards");
    assert_eq!(oscars["wins"], 268);
    assert_eq!(oscars["nominations"], 309);
    let cannes = list
        .iter()
        .find(|b| b["id"] == "cannes-film-festival")
        .expect("cannes");
    assert_eq!(
        (cannes["wins"].clone(), cannes["nominations"].clone()),
        (json!(4), json!(4))
    );
    assert!(list
        .iter()
        .any(|b| b["id"] == "golden-globe-awards" && b["wins"] == 0));

    let ceremony = app.get("/awards/academy-awards/2020").await;
    assert_eq!(ceremony.status, StatusCode::OK);
    let body = ceremony.json();
    assert_eq!(body["ceremony"], "92nd Academy Awards");
    assert_eq!(body["award"]["id"], "academy-awards");
    let best_picture = body["categories"]
        .as_array()
        .expect("categories")
        .iter()
        .find(|c| c["category"] == "Best Picture")
        .expect("Best Picture");
    assert_eq!(
        best_picture["nominees"],
        json!([
            {"outcome": "won", "movie": {"id": PARASITE, "title": "Parasite", "release_date": "2019-05-30"},
             "people": [{"id": BONG_JOON_HO, "name": "Bong Joon-ho"}]},
            {"outcome": "nominated", "movie": {"id": 475557, "title": "Joker", "release_date": "2019-10-01"},
             "people": []},
        ])
    );

    app.get("/awards/oscars/2020")
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get("/awards/academy-awards/20x0")
        .await
        .problem(StatusCode::BAD_REQUEST);
    app.get("/awards/academy-awards/1930")
        .await
        .problem(StatusCode::NOT_FOUND);
}

async fn admins_set_the_awards_of_user_movies_and_the_cache_follows(app: &TestApp) {
    let (_, admin) = app.account_token(Role::Admin).await;
    let (_, user) = app.account_token(Role::User).await;
    let created = app
        .call(
            Method::POST,
            "/movies",
            Some(json!({"title": "Made Here", "release_date": "2026-02-01"})),
            Some(&admin),
        )
        .await
        .json();
    let id = created["id"].as_i64().expect("id");
    let path = format!("/movies/{id}/awards");
    // Warm the caches the write must drop.
    assert_eq!(app.get(&path).await.json()["nominations"], 0);
    let winners = "/movies?awards_won=academy-awards:best-picture&page_size=100";
    assert_eq!(app.get(winners).await.json()["total_results"], 20);
    assert_eq!(app.get(winners).await.header("x-cache"), Some("hit"));

    let body = json!({"awards": [
        {"award_id": "academy-awards", "category": "Best Picture", "year": 2027, "outcome": "won"},
        {"award_id": "cannes-film-festival", "category": "Palme d'Or", "year": 2026,
         "ceremony": "79th Cannes Film Festival", "outcome": "nominated"},
    ]});
    app.call(Method::PUT, &path, Some(body.clone()), Some(&user))
        .await
        .problem(StatusCode::FORBIDDEN);
    let set = app.call(Method::PUT, &path, Some(body), Some(&admin)).await;
    assert_eq!(
        set.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&set.body)
    );
    assert_eq!(set.json()["wins"], 1);

    let stored = app.get(&path).await.json();
    assert_eq!(
        (stored["wins"].clone(), stored["nominations"].clone()),
        (json!(1), json!(2))
    );
    assert_eq!(stored["awards"][0]["ceremony"], "2027 Academy Awards");
    assert_eq!(stored["awards"][0]["source"], "user");
    let winners = app.get(winners).await.json();
    assert_eq!(winners["total_results"], 21);
    assert!(json_ids(&winners).contains(&id));

    // Imported movies take theirs from Wikidata.
    app.call(
        Method::PUT,
        &format!("/movies/{PARASITE}/awards"),
        Some(json!({"awards": []})),
        Some(&admin),
    )
    .await
    .problem(StatusCode::CONFLICT);
    let problem = app
        .call(
            Method::PUT,
            &path,
            Some(json!({"awards": [
                {"award_id": "oscars", "category": "Best Picture", "year": 2027, "outcome": "won"},
            ]})),
            Some(&admin),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert!(fields(&problem)[0].starts_with("awards[0].award_id"));
    let problem = app
        .call(
            Method::PUT,
            &path,
            Some(json!({"awards": [
                {"award_id": "academy-awards", "category": "  !! ", "year": 2027, "outcome": "won"},
            ]})),
            Some(&admin),
        )
        .await
        .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), ["awards[0].category"]);
    app.call(
        Method::PUT,
        &path,
        Some(json!({"awards": [{"award_id": {"$gt": ""}}]})),
        Some(&admin),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
}
