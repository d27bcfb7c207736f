//! The TMDB v3 read API under `/3`, through the whole in-process API (the gateway's route table
//! picks the movies or people function), on the embedded default and on the production stores:
//! TMDB's paths, shapes, paging and errors over MovieVerse's catalog.

use axum::http::{Method, StatusCode};
use movieverse_tests::{ApiClient, TestApp, TestResponse};
use serde_json::{json, Value};

use shared::domain::WikidataId;
use shared::stores::AwardRecord;

use crate::auth_support::register;
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
                let Some(app) = TestApp::production().await else { return };
                seeded(&app).await;
                super::$name(&app).await;
            }
        }
    )*};
}

api!(
    tmdb_movie_details_with_every_appended_part,
    tmdb_movie_parts_and_related_lists,
    tmdb_lists_page_like_tmdb,
    tmdb_discover_maps_tmdb_filters,
    tmdb_search_movie_person_and_multi,
    tmdb_person_details_and_movie_credits,
    tmdb_genres_configuration_and_languages,
    tmdb_errors_are_tmdb_errors,
    tmdb_answers_carry_etags_and_follow_writes,
    tmdb_find_by_imdb_and_wikidata_ids,
);

async fn seeded(app: &TestApp) {
    let catalog = app.state.catalog().expect("catalog");
    let mut movies = sample();
    movies[0].imdb_id = Some("tt0133093".into());
    load(catalog, &movies).await;
    let wikidata = WikidataId::parse("Q83495").expect("wikidata id");
    catalog
        .set_movie_awards(movie_id(1), &AwardRecord::new(Some(wikidata), Vec::new()))
        .await
        .expect("wikidata id written");
    let mut keanu = person(101, "Keanu Reeves");
    keanu.imdb_id = Some("nm0000206".into());
    keanu.popularity = 50.0;
    keanu.biography = Some("Plays Neo.".into());
    keanu.credits = vec![
        person_credit(4, "Speed", 1994, Some("Jack Traven"), None),
        person_credit(1, "The Matrix", 1999, Some("Neo"), None),
        person_credit(9, "Not In The Catalog", 2030, None, Some("Producer")),
    ];
    let mut lana = person(201, "Lana Wachowski");
    lana.known_for_department = Some("Directing".into());
    lana.popularity = 20.0;
    lana.credits = vec![person_credit(1, "The Matrix", 1999, None, Some("Director"))];
    for person in [keanu, lana] {
        catalog.upsert_person(&person).await.expect("person");
    }
}

/// A successful TMDB answer's JSON.
fn ok(response: &TestResponse) -> Value {
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    assert!(response
        .header("content-type")
        .is_some_and(|t| t.starts_with("application/json")));
    response.json()
}

/// Asserts TMDB's error shape with this HTTP status and TMDB status code.
fn tmdb_error(response: &TestResponse, status: StatusCode, code: u64) {
    assert_eq!(
        response.status,
        status,
        "{}",
        String::from_utf8_lossy(&response.body)
    );
    let body = response.json();
    assert_eq!(body["success"], false, "{body}");
    assert_eq!(body["status_code"], code, "{body}");
    assert!(body["status_message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    assert_eq!(body.as_object().map(|o| o.len()), Some(3), "{body}");
}

fn ids(body: &Value) -> Vec<i64> {
    body["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| r["id"].as_i64().expect("id"))
        .collect()
}

async fn tmdb_movie_details_with_every_appended_part(app: &TestApp) {
    let reader = register(app, "tmdbreader").await;
    let review = app
        .call(
            Method::POST,
            "/movies/1/reviews",
            Some(json!({"rating": 9, "body": "Still the best hacker film."})),
            Some(&reader.access),
        )
        .await;
    assert_eq!(review.status, StatusCode::CREATED);

    let movie = ok(&app
        .request(
            Method::GET,
            "/3/movie/1?api_key=anything&language=en-US&append_to_response=credits,keywords,external_ids,similar,recommendations,reviews,release_dates,videos",
            None,
            &[("authorization", "Bearer some-tmdb-read-token")],
        )
        .await);
    assert_eq!(movie["id"], 1);
    assert_eq!(movie["title"], "The Matrix");
    assert_eq!(movie["original_title"], "The Matrix");
    assert_eq!(movie["runtime"], 100);
    assert_eq!(movie["release_date"], "1999-03-31");
    assert_eq!(movie["status"], "Released");
    assert_eq!(movie["adult"], false);
    assert_eq!(
        movie["tagline"], "",
        "TMDB sends an empty tagline, not null"
    );
    assert_eq!(movie["backdrop_path"], Value::Null);
    assert_eq!(movie["belongs_to_collection"], Value::Null);
    assert_eq!(
        movie["genres"],
        json!([{"id": 28, "name": "Action"}, {"id": 878, "name": "Science Fiction"}])
    );
    assert_eq!(
        movie["spoken_languages"],
        json!([{"english_name": "English", "iso_639_1": "en", "name": "English"}])
    );
    assert_eq!(movie["production_countries"][0]["iso_3166_1"], "US");
    assert_eq!(movie["production_companies"][0]["name"], "Test Pictures");

    let credits = &movie["credits"];
    assert!(credits.get("id").is_none(), "appended parts carry no id");
    assert_eq!(credits["cast"][0]["name"], "Keanu Reeves");
    assert_eq!(credits["cast"][0]["character"], "Neo");
    assert_eq!(credits["cast"][1]["order"], 1);
    let director = &credits["crew"][0];
    assert_eq!(
        (&director["name"], &director["job"], &director["department"]),
        (
            &json!("Lana Wachowski"),
            &json!("Director"),
            &json!("Directing")
        )
    );
    assert_eq!(
        movie["keywords"]["keywords"],
        json!([{"id": 1, "name": "simulation"}, {"id": 2, "name": "hacker"}])
    );
    assert_eq!(
        movie["external_ids"],
        json!({"imdb_id": "tt0133093", "wikidata_id": "Q83495", "facebook_id": null,
               "instagram_id": null, "twitter_id": null})
    );
    assert_eq!(movie["imdb_id"], "tt0133093");
    assert_eq!(movie["release_dates"], json!({"results": []}));
    assert_eq!(
        ids(&movie["similar"])[0],
        2,
        "the sequel is the most similar"
    );
    assert_eq!(
        movie["recommendations"]["results"],
        movie["similar"]["results"]
    );
    assert_eq!(movie["similar"]["page"], 1);
    let reviews = &movie["reviews"];
    assert_eq!(reviews["total_results"], 1);
    let review = &reviews["results"][0];
    assert_eq!(review["author"], "tmdbreader");
    assert_eq!(review["author_details"]["rating"], 9.0);
    assert_eq!(review["content"], "Still the best hacker film.");
    assert!(review["created_at"].as_str().unwrap().ends_with('Z'));
    assert!(
        movie.get("videos").is_none(),
        "parts MovieVerse lacks are left out"
    );

    // Without append_to_response, none of the parts.
    let plain = ok(&app.get("/3/movie/3").await);
    assert_eq!(
        plain["original_title"],
        "Le Fabuleux Destin d'Amélie Poulain"
    );
    assert_eq!(plain["original_language"], "fr");
    assert!(plain.get("credits").is_none());
}

async fn tmdb_movie_parts_and_related_lists(app: &TestApp) {
    let credits = ok(&app.get("/3/movie/1/credits").await);
    assert_eq!(credits["id"], 1);
    assert_eq!(credits["cast"].as_array().unwrap().len(), 2);
    let keywords = ok(&app.get("/3/movie/1/keywords").await);
    assert_eq!(keywords["id"], 1);
    assert_eq!(keywords["keywords"][1]["name"], "hacker");
    let external = ok(&app.get("/3/movie/3/external_ids").await);
    assert_eq!(external["id"], 3);
    assert!(external.get("wikidata_id").is_some_and(Value::is_null));
    let release_dates = ok(&app.get("/3/movie/1/release_dates").await);
    assert_eq!(release_dates, json!({"id": 1, "results": []}));

    let similar = ok(&app.get("/3/movie/1/similar?page=1").await);
    assert_eq!(ids(&similar)[0], 2);
    let first = &similar["results"][0];
    assert_eq!(first["overview"], "A test film called The Matrix Reloaded.");
    assert_eq!(first["genre_ids"], json!([28, 878, 12]));
    assert!(first.get("media_type").is_none());
    let recommendations = ok(&app.get("/3/movie/1/recommendations").await);
    assert_eq!(ids(&recommendations), ids(&similar));

    let reviews = ok(&app.get("/3/movie/2/reviews").await);
    assert_eq!(
        reviews,
        json!({"id": 2, "page": 1, "results": [], "total_pages": 0, "total_results": 0})
    );
    assert_eq!(
        app.get("/3/movie/2/reviews").await.header("cache-control"),
        Some("public, no-cache")
    );
}

async fn tmdb_lists_page_like_tmdb(app: &TestApp) {
    let popular = ok(&app
        .get("/3/movie/popular?language=en-US&page=1&region=US")
        .await);
    assert_eq!(ids(&popular), [1, 2, 3, 4, 5, 8, 6, 7]);
    assert_eq!(
        (
            &popular["page"],
            &popular["total_pages"],
            &popular["total_results"]
        ),
        (&json!(1), &json!(1), &json!(8))
    );
    let matrix = &popular["results"][0];
    for field in [
        "adult",
        "backdrop_path",
        "genre_ids",
        "id",
        "original_language",
        "original_title",
        "overview",
        "popularity",
        "poster_path",
        "release_date",
        "title",
        "video",
        "vote_average",
        "vote_count",
    ] {
        assert!(matrix.get(field).is_some(), "{field} missing: {matrix}");
    }
    assert_eq!(matrix["poster_path"], "/poster1.jpg");
    assert_eq!(matrix["vote_average"], 8.2);
    let undated = &popular["results"][7];
    assert_eq!(
        undated["release_date"], "",
        "TMDB sends an empty date, not null"
    );

    let beyond = ok(&app.get("/3/movie/popular?page=2").await);
    assert_eq!(beyond["page"], 2);
    assert!(ids(&beyond).is_empty());

    let top = ok(&app.get("/3/movie/top_rated").await);
    assert_eq!(ids(&top)[..3], [1, 3, 4]);

    let trending = ok(&app.get("/3/trending/movie/week").await);
    assert!(!ids(&trending).is_empty());
    assert!(trending["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["media_type"] == "movie"));
    ok(&app.get("/3/trending/movie/day").await);

    let now_playing = ok(&app.get("/3/movie/now_playing").await);
    let dates = &now_playing["dates"];
    assert!(dates["minimum"].as_str().unwrap() < dates["maximum"].as_str().unwrap());
    assert!(ids(&now_playing).is_empty(), "the fixtures are old films");
    let upcoming = ok(&app.get("/3/movie/upcoming").await);
    assert!(upcoming["dates"]["minimum"].as_str().unwrap() > dates["maximum"].as_str().unwrap());
}

async fn tmdb_discover_maps_tmdb_filters(app: &TestApp) {
    let cases = [
        ("with_genres=28,878", vec![1, 2]),
        ("with_genres=35|10749", vec![3, 8]),
        ("primary_release_year=1999", vec![1, 8]),
        (
            "primary_release_date.gte=2001-01-01&primary_release_date.lte=2003-12-31",
            vec![2, 3],
        ),
        ("vote_average.gte=7.9&vote_count.gte=10000", vec![1, 3]),
        ("with_original_language=fr", vec![3, 8]),
        ("with_cast=101", vec![1, 2, 4]),
        ("with_crew=201", vec![1, 2]),
        ("with_cast=101&with_crew=201", vec![1, 2]),
        ("with_people=102", vec![1]),
        (
            "with_genres=28&sort_by=primary_release_date.asc",
            vec![4, 1, 2, 6],
        ),
        ("with_genres=28&sort_by=vote_average.desc", vec![1, 4, 2, 6]),
        // Operators in names are unknown parameters, ignored as TMDB ignores them.
        (
            "with_genres%5B%24ne%5D=1&with_original_language=fr",
            vec![3, 8],
        ),
    ];
    for (query, expected) in cases {
        let page = ok(&app
            .get(&format!(
                "/3/discover/movie?api_key=k&include_adult=false&{query}"
            ))
            .await);
        assert_eq!(ids(&page), expected, "{query}");
        assert_eq!(page["total_results"], expected.len(), "{query}");
    }
    let action = ok(&app.get("/3/discover/movie?with_genres=28").await);
    assert!(action["results"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["genre_ids"].as_array().unwrap().contains(&json!(28))));
}

async fn tmdb_search_movie_person_and_multi(app: &TestApp) {
    let found = ok(&app
        .get("/3/search/movie?query=matrix&include_adult=false")
        .await);
    assert_eq!(ids(&found), [1, 2]);
    assert_eq!(found["results"][0]["title"], "The Matrix");
    let by_year = ok(&app
        .get("/3/search/movie?query=matrix&primary_release_year=2003")
        .await);
    assert_eq!(ids(&by_year), [2]);
    let by_year = ok(&app.get("/3/search/movie?query=matrix&year=1999").await);
    assert_eq!(ids(&by_year), [1]);
    let accents = ok(&app.get("/3/search/movie?query=AMELIE").await);
    assert_eq!(ids(&accents), [3]);
    let none = ok(&app.get("/3/search/movie?query=zzzqqq").await);
    assert_eq!((ids(&none).len(), &none["total_results"]), (0, &json!(0)));
    let no_query = ok(&app.get("/3/search/movie").await);
    assert_eq!(no_query["results"], json!([]));

    let people = ok(&app.get("/3/search/person?query=keanu").await);
    assert_eq!(ids(&people), [101]);
    assert_eq!(people["results"][0]["known_for_department"], "Acting");
    assert_eq!(people["results"][0]["original_name"], "Keanu Reeves");

    let multi = ok(&app.get("/3/search/multi?query=reeves").await);
    assert_eq!(multi["results"][0]["media_type"], "person");
    let multi = ok(&app.get("/3/search/multi?query=speed").await);
    assert_eq!(multi["results"][0]["media_type"], "movie");
    assert_eq!(multi["results"][0]["id"], 4);
}

async fn tmdb_person_details_and_movie_credits(app: &TestApp) {
    let keanu = ok(&app
        .get("/3/person/101?append_to_response=movie_credits,external_ids,images")
        .await);
    assert_eq!(keanu["name"], "Keanu Reeves");
    assert_eq!(keanu["biography"], "Plays Neo.");
    assert_eq!(keanu["birthday"], "1970-01-01");
    assert_eq!(keanu["deathday"], Value::Null);
    assert_eq!(keanu["adult"], false);
    assert!(keanu.get("images").is_none());
    assert_eq!(keanu["external_ids"]["imdb_id"], "nm0000206");
    assert_eq!(keanu["external_ids"]["wikidata_id"], Value::Null);
    let credits = &keanu["movie_credits"];
    assert!(credits.get("id").is_none());
    let cast: Vec<(i64, &str)> = credits["cast"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c["id"].as_i64().unwrap(), c["character"].as_str().unwrap()))
        .collect();
    assert_eq!(cast, [(4, "Jack Traven"), (1, "Neo")]);
    // Billing order and credit id are the movie's own.
    let matrix = ok(&app.get("/3/movie/1/credits").await);
    assert_eq!(credits["cast"][1]["order"], 0);
    assert_eq!(
        credits["cast"][1]["credit_id"],
        matrix["cast"][0]["credit_id"]
    );
    // Each credit is the movie as lists show it, read from the catalog.
    assert_eq!(
        credits["cast"][1]["overview"],
        "A test film called The Matrix."
    );
    assert_eq!(credits["cast"][1]["genre_ids"], json!([28, 878]));
    // A credit for a movie the catalog does not hold keeps what the credit says.
    assert_eq!(credits["crew"][0]["title"], "Not In The Catalog");
    assert_eq!(credits["crew"][0]["job"], "Producer");

    let lana = ok(&app.get("/3/person/201/movie_credits").await);
    assert_eq!(lana["id"], 201);
    assert_eq!(lana["crew"][0]["job"], "Director");
    assert_eq!(lana["crew"][0]["title"], "The Matrix");
    let external = ok(&app.get("/3/person/201/external_ids").await);
    assert_eq!(external["id"], 201);

    let popular = ok(&app.get("/3/person/popular").await);
    assert_eq!(ids(&popular), [101, 201]);
    assert_eq!(popular["results"][0]["known_for"], json!([]));
}

async fn tmdb_genres_configuration_and_languages(app: &TestApp) {
    let genres = ok(&app.get("/3/genre/movie/list?language=en").await);
    let names: Vec<&str> = genres["genres"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "Action",
            "Adventure",
            "Comedy",
            "Drama",
            "Romance",
            "Science Fiction"
        ]
    );
    assert_eq!(genres["genres"][0], json!({"id": 28, "name": "Action"}));

    let configuration = ok(&app.get("/3/configuration").await);
    let images = &configuration["images"];
    assert_eq!(images["secure_base_url"], "https://image.tmdb.org/t/p/");
    assert_eq!(images["base_url"], "http://image.tmdb.org/t/p/");
    assert!(images["poster_sizes"]
        .as_array()
        .unwrap()
        .contains(&json!("w500")));

    let languages = ok(&app.get("/3/configuration/languages").await);
    assert!(languages
        .as_array()
        .unwrap()
        .contains(&json!({"iso_639_1": "fr", "english_name": "French", "name": "Français"})));
}

async fn tmdb_errors_are_tmdb_errors(app: &TestApp) {
    let not_found = StatusCode::NOT_FOUND;
    for path in [
        "/3/movie/4040",
        "/3/movie/abc",
        "/3/movie/4040/credits",
        "/3/movie/4040/similar",
        "/3/movie/4040/reviews",
        "/3/person/4040",
        "/3/person/4040/movie_credits",
        "/3/tv/1399",
        "/3/tv/popular",
        "/3/collection/10",
        "/3/movie/1/videos",
        "/3/trending/movie/month",
        "/3/trending/tv/week",
        "/3/person/101/images",
    ] {
        tmdb_error(&app.get(path).await, not_found, 34);
    }
    for path in [
        "/3/movie/0",
        "/3/movie/-5",
        "/3/person/0",
        "/3/movie/0/credits",
    ] {
        tmdb_error(&app.get(path).await, not_found, 6);
    }
    for path in [
        "/3/movie/popular?page=0",
        "/3/movie/popular?page=501",
        "/3/movie/popular?page=abc",
        "/3/discover/movie?page=-1",
        "/3/search/movie?query=matrix&page=1.5",
        "/3/person/popular?page=501",
        "/3/search/person?query=keanu&page=0",
        "/3/movie/1/similar?page=9999",
    ] {
        tmdb_error(&app.get(path).await, StatusCode::BAD_REQUEST, 22);
    }
    let refused = StatusCode::UNPROCESSABLE_ENTITY;
    for path in [
        "/3/discover/movie?with_genres=%7B%22%24gt%22%3A1%7D",
        "/3/discover/movie?with_cast=%7B%22%24ne%22%3Anull%7D",
        "/3/discover/movie?vote_average.gte=%7B%22%24gt%22%3A0%7D",
        "/3/discover/movie?sort_by=revenue.desc",
        "/3/discover/movie?primary_release_year=nineteen",
        "/3/search/movie?query=matrix&year=%24where",
    ] {
        tmdb_error(&app.get(path).await, refused, 5);
    }
    // The last page TMDB allows answers (empty past the catalog's end).
    ok(&app.get("/3/movie/popular?page=500").await);
}

async fn tmdb_answers_carry_etags_and_follow_writes(app: &TestApp) {
    let first = app.get("/3/movie/popular").await;
    let etag = first.header("etag").expect("etag").to_string();
    assert_eq!(first.header("x-cache"), Some("miss"));
    let again = app.get("/3/movie/popular").await;
    assert_eq!(again.header("x-cache"), Some("hit"));
    assert_eq!(again.body, first.body);
    let unchanged = app
        .request(
            Method::GET,
            "/3/movie/popular",
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);
    let details = app.get("/3/movie/1").await;
    let details_etag = details.header("etag").expect("etag").to_string();

    // A catalog write (an import) reaches the TMDB pages as it reaches the native ones.
    let catalog = app.state.catalog().expect("catalog");
    let mut rising = sample().remove(7);
    rising.popularity = 500.0;
    rising.title = "Éclair de Lune (Restored)".into();
    catalog.upsert_movie(&rising).await.expect("upsert");
    // What the importer does after a write.
    app.state.cache().invalidate_movie(rising.id).await;
    let moved = ok(&app.get("/3/movie/popular").await);
    assert_eq!(ids(&moved)[0], 8);
    assert_eq!(moved["results"][0]["title"], "Éclair de Lune (Restored)");
    let refetched = app
        .request(
            Method::GET,
            "/3/movie/popular",
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(refetched.status, StatusCode::OK);
    let same_details = app
        .request(
            Method::GET,
            "/3/movie/1",
            None,
            &[("if-none-match", &details_etag)],
        )
        .await;
    assert_eq!(same_details.status, StatusCode::NOT_MODIFIED);
}

async fn tmdb_find_by_imdb_and_wikidata_ids(app: &TestApp) {
    let found = ok(&app
        .get("/3/find/tt0133093?external_source=imdb_id&api_key=k")
        .await);
    assert_eq!(ids(&json!({"results": found["movie_results"]})), [1]);
    let matrix = &found["movie_results"][0];
    assert_eq!(matrix["title"], "The Matrix");
    assert_eq!(matrix["media_type"], "movie");
    assert_eq!(matrix["overview"], "A test film called The Matrix.");
    for empty in [
        "person_results",
        "tv_results",
        "tv_episode_results",
        "tv_season_results",
    ] {
        assert_eq!(found[empty], json!([]), "{empty}");
    }
    let by_wikidata = ok(&app.get("/3/find/Q83495?external_source=wikidata_id").await);
    assert_eq!(by_wikidata["movie_results"][0]["id"], 1);
    let person = ok(&app.get("/3/find/nm0000206?external_source=imdb_id").await);
    assert_eq!(person["movie_results"], json!([]));
    assert_eq!(person["person_results"][0]["name"], "Keanu Reeves");
    assert_eq!(person["person_results"][0]["media_type"], "person");

    // The external ids are in the movie's and the person's external_ids too.
    let external = ok(&app.get("/3/movie/1/external_ids").await);
    assert_eq!(
        (&external["imdb_id"], &external["wikidata_id"]),
        (&json!("tt0133093"), &json!("Q83495"))
    );
    let keanu = ok(&app.get("/3/person/101/external_ids").await);
    assert_eq!(keanu["imdb_id"], "nm0000206");
    assert_eq!(ok(&app.get("/3/person/101").await)["imdb_id"], "nm0000206");

    // Unknown or ill-formed ids, and sources MovieVerse holds no ids of, find nothing.
    for path in [
        "/3/find/tt9999999?external_source=imdb_id",
        "/3/find/%7B%22%24ne%22%3Anull%7D?external_source=imdb_id",
        "/3/find/Q1?external_source=wikidata_id",
        "/3/find/FightClub?external_source=facebook_id",
    ] {
        let nothing = ok(&app.get(path).await);
        assert_eq!(nothing["movie_results"], json!([]), "{path}");
        assert_eq!(nothing["person_results"], json!([]), "{path}");
    }
    for path in [
        "/3/find/tt0133093",
        "/3/find/tt0133093?external_source=%7B%22%24gt%22%3A%22%22%7D",
    ] {
        tmdb_error(&app.get(path).await, StatusCode::UNPROCESSABLE_ENTITY, 5);
    }
}
