//! The profiles API: profiles, follows and watchlists, through the HTTP routes, on the embedded
//! default and with the profile store on Firebase (the fake database, or one that fails).

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use movieverse_tests::{TestApp, TestResponse};
use serde_json::{json, Value};
use shared::auth::Role;
use shared::config::keys;
use uuid::Uuid;
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::profiles_fake_rtdb::{FakeRtdb, FAKE_AUTH};
use chrono::{NaiveDate, TimeZone, Utc};
use shared::domain::{Credits, Genre, GenreId, Movie, MovieId, MovieSource, RatingSummary};

const PASSWORD: &str = "correct horse battery staple";

struct Account {
    id: Uuid,
    token: String,
}

async fn register(app: &TestApp, username: &str) -> Account {
    let body = json!({
        "username": username,
        "email": format!("{username}@example.org"),
        "password": PASSWORD,
    });
    let response = app
        .post_from(
            &movieverse_tests::own_address(username),
            "/auth/register",
            body,
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{:?}", response.body);
    let body = response.json();
    Account {
        id: body["user"]["id"].as_str().unwrap().parse().unwrap(),
        token: body["access_token"].as_str().unwrap().to_string(),
    }
}

const DRAMA: i64 = 18;
const ACTION: i64 = 28;

fn genre(id: i64, name: &str) -> Genre {
    Genre {
        id: GenreId::new(id).unwrap(),
        name: name.into(),
    }
}

fn movie(id: i64, title: &str) -> Movie {
    Movie {
        id: MovieId::new(id).unwrap(),
        title: title.into(),
        original_title: Some(title.into()),
        overview: None,
        tagline: None,
        release_date: NaiveDate::from_ymd_opt(1999, 10, 15),
        runtime: Some(139),
        genres: vec![genre(DRAMA, "Drama")],
        original_language: Some("en".into()),
        spoken_languages: vec![],
        production_countries: vec![],
        production_companies: vec![],
        poster_path: Some(format!("/poster{id}.jpg")),
        backdrop_path: None,
        popularity: 10.0,
        vote_average: 8.0,
        vote_count: 100,
        imdb_id: None,
        wikidata_id: None,
        keywords: vec![],
        credits: Credits::default(),
        source: MovieSource::Tmdb,
        updated_at: Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).unwrap(),
        rating: RatingSummary::default(),
        awards: Vec::new(),
    }
}

/// A catalog with movies 550 and 603 (each with a poster), and two genres.
async fn with_movies(app: &TestApp) {
    let catalog = app.state.catalog().unwrap();
    catalog
        .upsert_genres(&[genre(DRAMA, "Drama"), genre(ACTION, "Action")])
        .await
        .unwrap();
    for film in [movie(550, "Fight Club"), movie(603, "The Matrix")] {
        catalog.upsert_movie(&film).await.unwrap();
    }
}

async fn patch_me(app: &TestApp, token: &str, body: Value) -> TestResponse {
    app.call(Method::PATCH, "/profiles/me", Some(body), Some(token))
        .await
}

async fn put(app: &TestApp, path: &str, token: &str) -> TestResponse {
    app.call(Method::PUT, path, None, Some(token)).await
}

async fn delete(app: &TestApp, path: &str, token: &str) -> TestResponse {
    app.call(Method::DELETE, path, None, Some(token)).await
}

fn fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| e["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// The whole flow a user notices: edit, follow, watchlist, on any profile adapter.
async fn profile_follow_and_watchlist_flow(app: &TestApp) {
    with_movies(app).await;
    let ana = register(app, "ana").await;
    let bo = register(app, "bob").await;

    let fresh = app.get(&format!("/profiles/{}", ana.id)).await;
    assert_eq!(fresh.status, StatusCode::OK);
    assert_eq!(
        fresh.json(),
        json!({
            "user_id": ana.id, "username": "ana", "display_name": null, "bio": null,
            "avatar_url": null, "location": null, "favorite_genres": [],
            "favorite_movie_id": null, "followers": 0, "following": 0, "updated_at": null,
        })
    );

    let script = "<script>alert('x')</script> & <b>bold</b>";
    let updated = patch_me(
        app,
        &ana.token,
        json!({
            "display_name": "Ana Lima", "bio": script, "avatar_url": "https://img.example/a.png",
            "location": "Porto", "favorite_genres": [DRAMA, ACTION, DRAMA], "favorite_movie_id": 550,
        }),
    )
    .await;
    assert_eq!(updated.status, StatusCode::OK, "{:?}", updated.body);
    assert_eq!(updated.header("content-type"), Some("application/json"));
    assert_eq!(updated.header("cache-control"), Some("private, no-store"));
    let body = updated.json();
    assert_eq!(
        body["bio"],
        json!(script),
        "HTML comes back as the same text"
    );
    assert_eq!(body["favorite_genres"], json!([DRAMA, ACTION]));
    assert!(body["updated_at"].is_string());

    // Partial: only the location changes; null clears the avatar.
    let partial = patch_me(
        app,
        &ana.token,
        json!({"location": "Lisboa", "avatar_url": null}),
    )
    .await;
    let partial = partial.json();
    assert_eq!(partial["display_name"], "Ana Lima");
    assert_eq!(partial["bio"], json!(script));
    assert_eq!(partial["location"], "Lisboa");
    assert_eq!(partial["avatar_url"], Value::Null);

    // Follows.
    let path = format!("/profiles/{}/follow", ana.id);
    assert_eq!(
        put(app, &path, &bo.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        put(app, &path, &bo.token).await.status,
        StatusCode::NO_CONTENT
    );
    let profile = app.get(&format!("/profiles/{}", ana.id)).await.json();
    assert_eq!(
        (profile["followers"].clone(), profile["following"].clone()),
        (json!(1), json!(0))
    );
    let followers = app
        .get(&format!("/profiles/{}/followers", ana.id))
        .await
        .json();
    assert_eq!(followers["total_results"], 1);
    assert_eq!(followers["results"][0]["user_id"], json!(bo.id));
    assert_eq!(followers["results"][0]["username"], "bob");
    let following = app
        .get(&format!("/profiles/{}/following?page_size=1", bo.id))
        .await
        .json();
    assert_eq!(following["results"][0]["username"], "ana");
    assert_eq!(following["page_size"], 1);

    let me = app
        .call(Method::GET, "/profiles/me", None, Some(&bo.token))
        .await;
    assert_eq!(me.header("cache-control"), Some("private, no-store"));
    assert_eq!(me.json()["following"], 1);

    assert_eq!(
        delete(app, &path, &bo.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(app, &path, &bo.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.get(&format!("/profiles/{}", ana.id)).await.json()["followers"],
        0
    );

    // Watchlist.
    assert_eq!(
        put(app, "/me/watchlist/603", &ana.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        put(app, "/me/watchlist/550", &ana.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        put(app, "/me/watchlist/550", &ana.token).await.status,
        StatusCode::NO_CONTENT
    );
    let list = app
        .call(Method::GET, "/me/watchlist", None, Some(&ana.token))
        .await;
    assert_eq!(list.header("cache-control"), Some("private, no-store"));
    let list = list.json();
    assert_eq!(list["total_results"], 2);
    let titles: Vec<&str> = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["movie"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles.len(), 2);
    assert!(titles.contains(&"Fight Club") && titles.contains(&"The Matrix"));
    let fight_club = list["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["movie_id"] == 550)
        .unwrap();
    assert_eq!(fight_club["movie"]["poster_path"], "/poster550.jpg");
    // Bo's watchlist is his own.
    let theirs = app
        .call(Method::GET, "/me/watchlist", None, Some(&bo.token))
        .await
        .json();
    assert_eq!(theirs["total_results"], 0);

    assert_eq!(
        delete(app, "/me/watchlist/550", &ana.token).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        delete(app, "/me/watchlist/550", &ana.token).await.status,
        StatusCode::NO_CONTENT
    );
    let list = app
        .call(Method::GET, "/me/watchlist", None, Some(&ana.token))
        .await
        .json();
    assert_eq!(list["total_results"], 1);
}

#[tokio::test]
async fn the_flow_works_on_the_embedded_store() {
    profile_follow_and_watchlist_flow(&TestApp::embedded().await).await;
}

/// Accounts on PostgreSQL, catalog on MongoDB, cache on Redis (profiles embedded): usernames
/// and watchlist titles come from the production adapters.
#[tokio::test]
async fn the_flow_works_with_the_production_stores_around_it() {
    let Some(app) = TestApp::production().await else {
        return;
    };
    profile_follow_and_watchlist_flow(&app).await;
}

#[tokio::test]
async fn the_flow_works_on_the_firebase_adapter() {
    let (server, fake) = FakeRtdb::start().await;
    let app = TestApp::build(
        &[
            (keys::FIREBASE_DATABASE_URL, &server.uri()),
            (keys::FIREBASE_AUTH_TOKEN, FAKE_AUTH),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    profile_follow_and_watchlist_flow(&app).await;

    // Calls per read: a profile is one read and two shallow counts; a watchlist page one read.
    let ana = register(&app, "carla").await;
    let before = server.received_requests().await.unwrap().len();
    app.get(&format!("/profiles/{}", ana.id)).await;
    let after_profile = server.received_requests().await.unwrap().len();
    assert_eq!(after_profile - before, 3);
    app.call(Method::GET, "/me/watchlist", None, Some(&ana.token))
        .await;
    let after_list = server.received_requests().await.unwrap().len();
    assert_eq!(after_list - after_profile, 1);
    // An update is one PATCH, one read of the result and the two counts.
    patch_me(&app, &ana.token, json!({"bio": "hi"})).await;
    let requests = server.received_requests().await.unwrap();
    let methods: Vec<&str> = requests[after_list..]
        .iter()
        .map(|r| r.method.as_str())
        .collect();
    assert_eq!(methods.len(), 4, "{methods:?}");
    assert_eq!(methods.iter().filter(|m| **m == "PATCH").count(), 1);

    // The data really is in the (fake) Realtime Database.
    let tree = fake.tree();
    assert_eq!(tree["profiles"].as_object().map(|p| p.len()), Some(2));
    assert!(tree["watchlists"].as_object().is_some());
}

#[tokio::test]
async fn profile_updates_are_validated() {
    let app = TestApp::embedded().await;
    with_movies(&app).await;
    let ana = register(&app, "ana").await;

    for (body, field) in [
        (json!({"display_name": "x".repeat(51)}), "display_name"),
        (json!({"bio": "é".repeat(501)}), "bio"),
        (
            json!({"avatar_url": "http://img.example/a.png"}),
            "avatar_url",
        ),
        (json!({"avatar_url": "javascript:alert(1)"}), "avatar_url"),
        (
            json!({"avatar_url": format!("https://img.example/{}", "a".repeat(2048))}),
            "avatar_url",
        ),
        (json!({"location": "y".repeat(101)}), "location"),
        (
            json!({"favorite_genres": (1..=11).collect::<Vec<i64>>()}),
            "favorite_genres",
        ),
        (json!({"favorite_genres": [0]}), "favorite_genres[0]"),
        (json!({"favorite_movie_id": -1}), "favorite_movie_id"),
        (json!({"display_name": 42}), "display_name"),
        (json!({"display_name": {"$gt": ""}}), "display_name"),
        (json!({"username": "admin"}), "username"),
        (json!({"$set": {"bio": "x"}}), "$set"),
    ] {
        let problem = patch_me(&app, &ana.token, body.clone())
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(fields(&problem), vec![field.to_string()], "{body}");
    }
    // Ids of no genre or movie are missing resources, not malformed fields.
    for body in [
        json!({"favorite_genres": [DRAMA, 999_999]}),
        json!({"favorite_movie_id": 424_242}),
    ] {
        let problem = patch_me(&app, &ana.token, body.clone())
            .await
            .problem(StatusCode::NOT_FOUND);
        assert!(
            problem["detail"].as_str().unwrap().contains("424242")
                || problem["detail"].as_str().unwrap().contains("999999"),
            "{body}: {problem}"
        );
    }
    // Every bad field is reported at once.
    let problem = patch_me(
        &app,
        &ana.token,
        json!({"display_name": "x".repeat(51), "avatar_url": "ftp://x"}),
    )
    .await
    .problem(StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields(&problem), vec!["display_name", "avatar_url"]);

    // Limits are characters, not bytes: 500 two-byte characters are fine.
    let ok = patch_me(&app, &ana.token, json!({"bio": "é".repeat(500)})).await;
    assert_eq!(ok.status, StatusCode::OK);
    // Nothing invalid was stored along the way.
    let profile = app.get(&format!("/profiles/{}", ana.id)).await.json();
    assert_eq!(profile["display_name"], Value::Null);
    assert_eq!(profile["avatar_url"], Value::Null);
}

#[tokio::test]
async fn malformed_bodies_and_bad_tokens_are_refused() {
    let app = TestApp::embedded().await;
    let ana = register(&app, "ana").await;
    let raw = |body: Body, content_type: Option<&str>, token: Option<String>| {
        let mut request = Request::builder().method(Method::PATCH).uri("/profiles/me");
        if let Some(ct) = content_type {
            request = request.header(header::CONTENT_TYPE, ct);
        }
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        request.body(body).unwrap()
    };
    let token = || Some(ana.token.clone());
    app.send(raw(
        Body::from("{\"bio\":"),
        Some("application/json"),
        token(),
    ))
    .await
    .problem(StatusCode::BAD_REQUEST);
    app.send(raw(
        Body::from("{\"bio\":\"x\"}"),
        Some("text/plain"),
        token(),
    ))
    .await
    .problem(StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = json!({"bio": "x".repeat(70 * 1024)}).to_string();
    app.send(raw(Body::from(huge), Some("application/json"), token()))
        .await
        .problem(StatusCode::PAYLOAD_TOO_LARGE);

    // No token, a forged one (another key), and one for a user with no account.
    let body = || Some(json!({"bio": "x"}));
    let response = app.call(Method::PATCH, "/profiles/me", body(), None).await;
    response.problem(StatusCode::UNAUTHORIZED);
    assert_eq!(response.header("www-authenticate"), Some("Bearer"));
    let forged = shared::auth::JwtKeys::from_secret(&[9u8; 32])
        .unwrap()
        .issue(ana.id, Role::Admin)
        .unwrap()
        .0;
    app.call(Method::PATCH, "/profiles/me", body(), Some(&forged))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    for path in ["/me/watchlist", "/profiles/me"] {
        app.call(Method::GET, path, None, Some("not.a.jwt"))
            .await
            .problem(StatusCode::UNAUTHORIZED);
    }
    let path = format!("/profiles/{}/follow", ana.id);
    app.call(Method::PUT, &path, None, None)
        .await
        .problem(StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn follows_refuse_yourself_unknown_users_and_bad_ids() {
    let app = TestApp::embedded().await;
    let ana = register(&app, "ana").await;
    let own = format!("/profiles/{}/follow", ana.id);
    put(&app, &own, &ana.token)
        .await
        .problem(StatusCode::FORBIDDEN);
    let nobody = Uuid::now_v7();
    put(&app, &format!("/profiles/{nobody}/follow"), &ana.token)
        .await
        .problem(StatusCode::NOT_FOUND);
    for bad in ["not-a-uuid", "1", "%24gt"] {
        put(&app, &format!("/profiles/{bad}/follow"), &ana.token)
            .await
            .problem(StatusCode::BAD_REQUEST);
        app.get(&format!("/profiles/{bad}"))
            .await
            .problem(StatusCode::BAD_REQUEST);
    }
    app.get(&format!("/profiles/{nobody}"))
        .await
        .problem(StatusCode::NOT_FOUND);
    app.get(&format!("/profiles/{nobody}/followers"))
        .await
        .problem(StatusCode::NOT_FOUND);
    // A valid token of an account that does not exist can't follow anyone into existence.
    let ghost = app.token(Uuid::now_v7(), Role::User);
    put(&app, &own, &ghost)
        .await
        .problem(StatusCode::UNAUTHORIZED);
    patch_me(&app, &ghost, json!({"bio": "boo"}))
        .await
        .problem(StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.get(&format!("/profiles/{}", ana.id)).await.json()["followers"],
        0
    );
    // Paging is checked.
    for query in ["page=0", "page_size=101", "page=x", "page_size[$gt]=1"] {
        app.get(&format!("/profiles/{}/followers?{query}", ana.id))
            .await
            .problem(StatusCode::UNPROCESSABLE_ENTITY);
    }
}

#[tokio::test]
async fn another_users_profile_cannot_be_written() {
    let app = TestApp::embedded().await;
    let ana = register(&app, "ana").await;
    let bo = register(&app, "bob").await;
    // There is no route to write someone else's profile: only /profiles/me.
    let response = app
        .call(
            Method::PATCH,
            &format!("/profiles/{}", ana.id),
            Some(json!({"bio": "hacked"})),
            Some(&bo.token),
        )
        .await;
    response.problem(StatusCode::METHOD_NOT_ALLOWED);
    patch_me(&app, &bo.token, json!({"bio": "mine"})).await;
    let profile = app.get(&format!("/profiles/{}", ana.id)).await.json();
    assert_eq!(profile["bio"], Value::Null);
}

#[tokio::test]
async fn watchlist_refuses_unknown_movies_and_bad_ids() {
    let app = TestApp::embedded().await;
    with_movies(&app).await;
    let ana = register(&app, "ana").await;
    put(&app, "/me/watchlist/424242", &ana.token)
        .await
        .problem(StatusCode::NOT_FOUND);
    for bad in ["0", "-5", "abc", "1.5"] {
        put(&app, &format!("/me/watchlist/{bad}"), &ana.token)
            .await
            .problem(StatusCode::BAD_REQUEST);
    }
    let list = app
        .call(Method::GET, "/me/watchlist", None, Some(&ana.token))
        .await
        .json();
    assert_eq!(list["total_results"], 0);
}

#[tokio::test]
async fn deleting_an_account_removes_its_profile_follows_and_watchlist() {
    let app = TestApp::embedded().await;
    with_movies(&app).await;
    let ana = register(&app, "ana").await;
    let bo = register(&app, "bob").await;
    patch_me(&app, &ana.token, json!({"bio": "bye"})).await;
    put(&app, &format!("/profiles/{}/follow", bo.id), &ana.token).await;
    put(&app, &format!("/profiles/{}/follow", ana.id), &bo.token).await;
    put(&app, "/me/watchlist/550", &ana.token).await;

    let gone = app
        .call(
            Method::DELETE,
            "/auth/me",
            Some(json!({"password": PASSWORD})),
            Some(&ana.token),
        )
        .await;
    assert_eq!(gone.status, StatusCode::NO_CONTENT, "{:?}", gone.body);

    app.get(&format!("/profiles/{}", ana.id))
        .await
        .problem(StatusCode::NOT_FOUND);
    let bo_profile = app.get(&format!("/profiles/{}", bo.id)).await.json();
    assert_eq!(
        (
            bo_profile["followers"].clone(),
            bo_profile["following"].clone()
        ),
        (json!(0), json!(0))
    );
    let store = app.state.profiles().unwrap();
    let user = shared::domain::UserId(ana.id);
    assert_eq!(store.profile(user).await.unwrap(), None);
    let page = shared::http::PageRequest::new(1, 10).unwrap();
    assert_eq!(store.watchlist(user, page).await.unwrap().total, 0);
}

#[tokio::test]
async fn a_failing_firebase_is_a_503_with_retry_after() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let app = TestApp::build(
        &[
            (keys::FIREBASE_DATABASE_URL, &server.uri()),
            (keys::FIREBASE_AUTH_TOKEN, "secret"),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    with_movies(&app).await;
    let ana = register(&app, "ana").await;
    let bo = register(&app, "bob").await;
    let responses = [
        app.get(&format!("/profiles/{}", ana.id)).await,
        patch_me(&app, &ana.token, json!({"bio": "x"})).await,
        put(&app, &format!("/profiles/{}/follow", bo.id), &ana.token).await,
        put(&app, "/me/watchlist/550", &ana.token).await,
        app.call(Method::GET, "/me/watchlist", None, Some(&ana.token))
            .await,
    ];
    for response in responses {
        let problem = response.problem(StatusCode::SERVICE_UNAVAILABLE);
        assert!(response.header("retry-after").is_some());
        assert!(!problem.to_string().contains("secret"));
        assert!(!problem.to_string().contains("500"), "{problem}");
    }
}

#[tokio::test]
async fn get_profiles_me_is_the_callers_profile() {
    let app = TestApp::embedded().await;
    let ana = register(&app, "ana").await;
    let me = app
        .call(Method::GET, "/profiles/me", None, Some(&ana.token))
        .await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["user_id"], json!(ana.id));
    assert_eq!(me.json()["username"], "ana");
    app.get("/profiles/me")
        .await
        .problem(StatusCode::UNAUTHORIZED);
    // Public profiles revalidate (counts change) and answer 304 to a matching ETag.
    let public = app.get(&format!("/profiles/{}", ana.id)).await;
    assert_eq!(public.header("cache-control"), Some("public, no-cache"));
    let etag = public.header("etag").unwrap().to_string();
    let request = Request::builder()
        .uri(format!("/profiles/{}", ana.id))
        .header(header::IF_NONE_MATCH, etag)
        .body(Body::empty())
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::NOT_MODIFIED);
}

#[tokio::test]
async fn writes_are_rate_limited_per_user() {
    let app = TestApp::embedded().await;
    with_movies(&app).await;
    let ana = register(&app, "ana").await;
    let bob = register(&app, "bob").await;
    for _ in 0..60 {
        let response = put(&app, "/me/watchlist/550", &ana.token).await;
        assert_eq!(response.status, StatusCode::NO_CONTENT);
    }
    let limited = put(&app, "/me/watchlist/550", &ana.token).await;
    limited.problem(StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.header("retry-after").is_some());
    assert_eq!(limited.header("ratelimit-limit"), Some("60"));
    // Reads, and other users, are not limited.
    let list = app
        .call(Method::GET, "/me/watchlist", None, Some(&ana.token))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert_eq!(
        put(&app, "/me/watchlist/550", &bob.token).await.status,
        StatusCode::NO_CONTENT
    );
}

/// `/health` pings the Realtime Database (a shallow, authenticated read of the root), and a
/// malformed service account leaves the store unavailable rather than the function broken.
#[tokio::test]
async fn health_reports_the_firebase_store() {
    let (server, _fake) = FakeRtdb::start().await;
    let up = TestApp::build(
        &[
            (keys::FIREBASE_DATABASE_URL, &server.uri()),
            (keys::FIREBASE_AUTH_TOKEN, FAKE_AUTH),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let health = up.get("/health").await.json();
    assert_eq!(
        health["stores"]["profiles"],
        json!({"status": "up", "backend": "production"})
    );
    let ping = server.received_requests().await.unwrap();
    let ping = ping.last().unwrap();
    assert_eq!(ping.url.path(), "/.json");
    assert_eq!(
        ping.url.query(),
        Some(format!("auth={FAKE_AUTH}&shallow=true").as_str())
    );

    let wrong = TestApp::build(
        &[
            (keys::FIREBASE_DATABASE_URL, &server.uri()),
            (keys::FIREBASE_AUTH_TOKEN, "wrong-secret"),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let health = wrong.get("/health").await;
    assert_eq!(health.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(health.json()["stores"]["profiles"]["status"], "down");

    let bad_key = json!({"client_email": "x@example.org", "private_key": "not a key"}).to_string();
    let broken = TestApp::build(
        &[
            (keys::FIREBASE_DATABASE_URL, &server.uri()),
            (keys::FIREBASE_SERVICE_ACCOUNT, &bad_key),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let ana = register(&broken, "ana").await;
    broken
        .get(&format!("/profiles/{}", ana.id))
        .await
        .problem(StatusCode::SERVICE_UNAVAILABLE);
}

/// `FIREBASE_DATABASE_EMULATOR_HOST` sends every call to the emulator with the database's name
/// as `ns`, whatever host `FIREBASE_DATABASE_URL` names.
#[tokio::test]
async fn the_emulator_host_setting_is_honoured() {
    let (server, fake) = FakeRtdb::start().await;
    let host = server.address().to_string();
    let app = TestApp::build(
        &[
            (
                keys::FIREBASE_DATABASE_URL,
                "https://movieverse-dev-default-rtdb.europe-west1.firebasedatabase.app",
            ),
            (keys::FIREBASE_DATABASE_EMULATOR_HOST, &host),
            (keys::FIREBASE_AUTH_TOKEN, FAKE_AUTH),
        ],
        None,
        None,
        None,
        None,
    )
    .await;
    let ana = register(&app, "ana").await;
    let updated = patch_me(&app, &ana.token, json!({"display_name": "Ana"})).await;
    assert_eq!(updated.status, StatusCode::OK);
    assert!(fake.tree()["profiles"][ana.id.to_string()].is_object());
    let requests = server.received_requests().await.unwrap();
    assert!(!requests.is_empty());
    for request in requests {
        let ns: Vec<String> = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == "ns")
            .map(|(_, v)| v.into_owned())
            .collect();
        assert_eq!(ns, ["movieverse-dev-default-rtdb"]);
    }
}
