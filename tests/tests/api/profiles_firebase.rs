//! The Firebase adapter's calls, checked exactly on wiremock: method, path, query (`auth`,
//! `access_token`, `ns`, `shallow`) and body of every request, the OAuth2 token exchange and its
//! cache, and what Firebase's error answers become.

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::{json, Value};
use shared::config::{FirebaseAuth, FirebaseSettings, Secret};
use shared::domain::{MovieId, UserId};
use shared::stores::profiles::firebase::{JWT_BEARER_GRANT, SCOPES};
use shared::stores::profiles::{
    Bio, DisplayName, FirebaseProfiles, FollowEdge, Location, ProfilePatch, ProfileStore,
};
use shared::stores::StoreError;
use wiremock::matchers::{body_json, method, path};
use wiremock::{Match, Mock, MockServer, Request, ResponseTemplate};

use super::profiles_contract::{at, firebase_settings, user};

const SECRET: &str = "db-secret";
const ACCOUNT: &str = include_str!("../../fixtures/firebase/test-only-service-account.json");
const PUBLIC_KEY: &str = include_str!("../../fixtures/firebase/test-only-public-key.pem");

/// Matches when the query string holds exactly these pairs (in any order), nothing more.
struct ExactQuery(BTreeMap<String, String>);

fn query(pairs: &[(&str, &str)]) -> ExactQuery {
    ExactQuery(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    )
}

impl Match for ExactQuery {
    fn matches(&self, request: &Request) -> bool {
        let pairs: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        let got: BTreeMap<String, String> = pairs.iter().cloned().collect();
        pairs.len() == got.len() && got == self.0
    }
}

fn token_settings(server: &MockServer) -> FirebaseSettings {
    firebase_settings(&server.uri(), FirebaseAuth::Token(Secret::new(SECRET)))
}

/// The test-only key file with its token endpoint on `server`.
fn account_settings(server: &MockServer) -> FirebaseSettings {
    let mut key: Value = serde_json::from_str(ACCOUNT).expect("fixture");
    key["token_uri"] = json!(format!("{}/token", server.uri()));
    firebase_settings(
        &server.uri(),
        FirebaseAuth::ServiceAccount(Secret::new(key.to_string())),
    )
}

fn adapter(settings: &FirebaseSettings) -> FirebaseProfiles {
    FirebaseProfiles::with_timeout(reqwest::Client::new(), settings, Duration::from_millis(500))
        .expect("adapter")
}

fn ok(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Every request the server saw, as `METHOD /path?query`.
async fn calls(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            let query = r.url.query().map(|q| format!("?{q}")).unwrap_or_default();
            format!("{} {}{query}", r.method, r.url.path())
        })
        .collect()
}

#[tokio::test]
async fn a_profile_update_is_one_patch_of_the_named_fields_then_one_read() {
    let server = MockServer::start().await;
    let me = user();
    let node = format!("/profiles/{me}.json");
    let patch = ProfilePatch {
        display_name: Some(Some(DisplayName::parse("Ana").unwrap())),
        bio: Some(None),
        ..Default::default()
    };
    let millis = at(7).timestamp_millis();
    Mock::given(method("PATCH"))
        .and(path(node.as_str()))
        .and(query(&[("auth", SECRET)]))
        .and(body_json(
            json!({"display_name": "Ana", "bio": null, "updated_at": millis}),
        ))
        .respond_with(ok(json!({"display_name": "Ana", "updated_at": millis})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(node.as_str()))
        .and(query(&[("auth", SECRET)]))
        .respond_with(ok(
            json!({"display_name": "Ana", "location": "Porto", "updated_at": millis}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let profile = adapter(&token_settings(&server))
        .update_profile(me, &patch, at(7))
        .await
        .unwrap();
    assert_eq!(profile.display_name.unwrap().as_str(), "Ana");
    assert_eq!(
        profile.location.unwrap().as_str(),
        "Porto",
        "kept from the read"
    );
    assert_eq!(calls(&server).await.len(), 2);
}

#[tokio::test]
async fn user_text_only_ever_travels_as_json_values() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ok(json!({"updated_at": 1})))
        .mount(&server)
        .await;
    let me = user();
    let hostile = "../../followers/x.y$z#[0]/\u{7f}";
    let patch = ProfilePatch {
        display_name: Some(Some(DisplayName::parse("a/b.c$d#e[f]").unwrap())),
        bio: Some(Some(
            Bio::parse(hostile).unwrap_or_else(|_| Bio::parse("../../x/.json").unwrap()),
        )),
        location: Some(Some(Location::parse("/profiles/other.json?x=1").unwrap())),
        ..Default::default()
    };
    adapter(&token_settings(&server))
        .update_profile(me, &patch, at(1))
        .await
        .unwrap();
    let requests = server.received_requests().await.unwrap();
    for request in &requests {
        assert_eq!(request.url.path(), format!("/profiles/{me}.json"));
        assert_eq!(request.url.query(), Some(format!("auth={SECRET}").as_str()));
    }
    let body: Value = serde_json::from_slice(&requests[0].body).unwrap();
    let mut keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    keys.sort();
    assert_eq!(keys, ["bio", "display_name", "location", "updated_at"]);
    assert_eq!(body["display_name"], "a/b.c$d#e[f]");
    assert_eq!(body["location"], "/profiles/other.json?x=1");
}

#[tokio::test]
async fn a_follow_writes_both_sides_in_one_multi_path_patch_at_the_root() {
    let server = MockServer::start().await;
    let (a, b) = (user(), user());
    let millis = at(3).timestamp_millis();
    Mock::given(method("GET"))
        .and(path(format!("/following/{a}/{b}.json")))
        .and(query(&[("auth", SECRET), ("shallow", "true")]))
        .respond_with(ok(Value::Null))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/.json"))
        .and(query(&[("auth", SECRET)]))
        .and(body_json(json!({
            format!("following/{a}/{b}"): millis,
            format!("followers/{b}/{a}"): millis,
        })))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let store = adapter(&token_settings(&server));
    assert!(store
        .follow(FollowEdge::new(a, b).unwrap(), at(3))
        .await
        .unwrap());
}

#[tokio::test]
async fn counts_are_two_shallow_reads() {
    let server = MockServer::start().await;
    let me = user();
    for (node, keys) in [("followers", 3), ("following", 1)] {
        let answer: serde_json::Map<String, Value> = (0..keys)
            .map(|_| (user().to_string(), json!(true)))
            .collect();
        Mock::given(method("GET"))
            .and(path(format!("/{node}/{me}.json")))
            .and(query(&[("auth", SECRET), ("shallow", "true")]))
            .respond_with(ok(Value::Object(answer)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let counts = adapter(&token_settings(&server))
        .follow_counts(me)
        .await
        .unwrap();
    assert_eq!((counts.followers, counts.following), (3, 1));
}

#[tokio::test]
async fn deleting_a_user_reads_both_follow_lists_then_patches_once() {
    let server = MockServer::start().await;
    let (me, idol, fan) = (user(), user(), user());
    Mock::given(method("GET"))
        .and(path(format!("/following/{me}.json")))
        .and(query(&[("auth", SECRET), ("shallow", "true")]))
        .respond_with(ok(json!({ idol.to_string(): true })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("/followers/{me}.json")))
        .and(query(&[("auth", SECRET), ("shallow", "true")]))
        .respond_with(ok(json!({ fan.to_string(): true, "not-a-user-id": true })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/.json"))
        .and(query(&[("auth", SECRET)]))
        .and(body_json(json!({
            format!("profiles/{me}"): null,
            format!("following/{me}"): null,
            format!("followers/{me}"): null,
            format!("watchlists/{me}"): null,
            format!("followers/{idol}/{me}"): null,
            format!("following/{fan}/{me}"): null,
        })))
        .respond_with(ok(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    adapter(&token_settings(&server))
        .delete_user_data(me)
        .await
        .unwrap();
}

#[tokio::test]
async fn watchlist_writes_are_a_put_and_a_delete_of_one_item() {
    let server = MockServer::start().await;
    let me = user();
    let item = format!("/watchlists/{me}/550.json");
    Mock::given(method("GET"))
        .and(path(item.as_str()))
        .and(query(&[("auth", SECRET), ("shallow", "true")]))
        .respond_with(ok(Value::Null))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(item.as_str()))
        .and(query(&[("auth", SECRET)]))
        .and(body_json(json!(at(4).timestamp_millis())))
        .respond_with(ok(json!(at(4).timestamp_millis())))
        .expect(1)
        .mount(&server)
        .await;
    let store = adapter(&token_settings(&server));
    let movie = MovieId::new(550).unwrap();
    assert!(store.add_to_watchlist(me, movie, at(4)).await.unwrap());

    Mock::given(method("GET"))
        .and(path(item.as_str()))
        .respond_with(ok(json!(at(4).timestamp_millis())))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(item.as_str()))
        .and(query(&[("auth", SECRET)]))
        .respond_with(ok(Value::Null))
        .expect(1)
        .mount(&server)
        .await;
    assert!(store.remove_from_watchlist(me, movie).await.unwrap());
}

#[tokio::test]
async fn the_emulator_gets_the_namespace_and_no_credentials() {
    let server = MockServer::start().await;
    let me = user();
    Mock::given(method("GET"))
        .and(path(format!("/profiles/{me}.json")))
        .and(query(&[("ns", "movieverse-test-default-rtdb")]))
        .respond_with(ok(Value::Null))
        .expect(2)
        .mount(&server)
        .await;
    let host = server.address().to_string();
    // With no credentials, and with a service account (ignored, like the Admin SDKs do).
    let mut settings = FirebaseSettings {
        database_url: url::Url::parse("https://movieverse-test-default-rtdb.firebaseio.com")
            .unwrap(),
        auth: FirebaseAuth::None,
        emulator_host: Some(host),
    };
    assert_eq!(adapter(&settings).profile(me).await.unwrap(), None);
    settings.auth = account_settings(&server).auth;
    assert_eq!(adapter(&settings).profile(me).await.unwrap(), None);
    assert!(calls(&server).await.iter().all(|c| !c.contains("/token")));
}

/// Checks the token request: form-encoded JWT bearer grant whose assertion is signed RS256 by
/// the test key, issued by its client email, for both scopes, addressed to the token endpoint.
struct ValidAssertion {
    token_uri: String,
}

impl Match for ValidAssertion {
    fn matches(&self, request: &Request) -> bool {
        let is_form = request
            .headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            == Some("application/x-www-form-urlencoded");
        let form: BTreeMap<String, String> = url::form_urlencoded::parse(&request.body)
            .into_owned()
            .collect();
        if !is_form
            || form.len() != 2
            || form.get("grant_type").map(String::as_str) != Some(JWT_BEARER_GRANT)
        {
            return false;
        }
        let Some(assertion) = form.get("assertion") else {
            return false;
        };
        let key = jsonwebtoken::DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).expect("key");
        let mut validation = jsonwebtoken::Validation::new(jsonwebtoken::Algorithm::RS256);
        validation.set_audience(&[self.token_uri.as_str()]);
        validation.set_issuer(&["test-only@movieverse-test.iam.gserviceaccount.com"]);
        let Ok(data) = jsonwebtoken::decode::<Value>(assertion, &key, &validation) else {
            return false;
        };
        let claims = data.claims;
        let lifetime = claims["exp"].as_i64().unwrap_or(0) - claims["iat"].as_i64().unwrap_or(0);
        data.header.kid.as_deref() == Some("test-only-key-id")
            && claims["scope"] == SCOPES
            && SCOPES.contains("https://www.googleapis.com/auth/userinfo.email")
            && SCOPES.contains("https://www.googleapis.com/auth/firebase.database")
            && lifetime == 3600
    }
}

async fn mount_token(server: &MockServer, token: &str, expires_in: u64, times: Option<u64>) {
    let mock = Mock::given(method("POST"))
        .and(path("/token"))
        .and(query(&[]))
        .and(ValidAssertion {
            token_uri: format!("{}/token", server.uri()),
        })
        .respond_with(ok(
            json!({"access_token": token, "expires_in": expires_in, "token_type": "Bearer"}),
        ));
    let mock = match times {
        Some(n) => mock.up_to_n_times(n),
        None => mock,
    };
    mock.mount(server).await;
}

async fn mount_profile_read(server: &MockServer, me: UserId, token: &str, status: u16) {
    Mock::given(method("GET"))
        .and(path(format!("/profiles/{me}.json")))
        .and(query(&[("access_token", token)]))
        .respond_with(
            ResponseTemplate::new(status).set_body_json(if status == 200 {
                Value::Null
            } else {
                json!({"error": "Unauthorized request."})
            }),
        )
        .mount(server)
        .await;
}

fn token_exchanges(calls: &[String]) -> usize {
    calls
        .iter()
        .filter(|c| c.starts_with("POST /token"))
        .count()
}

#[tokio::test]
async fn service_account_tokens_are_exchanged_once_and_cached() {
    let server = MockServer::start().await;
    let me = user();
    mount_token(&server, "token-1", 3600, None).await;
    mount_profile_read(&server, me, "token-1", 200).await;
    let store = adapter(&account_settings(&server));
    for _ in 0..3 {
        assert_eq!(store.profile(me).await.unwrap(), None);
    }
    let calls = calls(&server).await;
    assert_eq!(token_exchanges(&calls), 1, "{calls:?}");
    assert_eq!(calls.len(), 4);
}

#[tokio::test]
async fn a_token_about_to_expire_is_not_kept() {
    let server = MockServer::start().await;
    let me = user();
    mount_token(&server, "token-1", 30, None).await;
    mount_profile_read(&server, me, "token-1", 200).await;
    let store = adapter(&account_settings(&server));
    store.profile(me).await.unwrap();
    store.profile(me).await.unwrap();
    assert_eq!(token_exchanges(&calls(&server).await), 2);
}

#[tokio::test]
async fn a_401_refreshes_the_token_once_and_retries() {
    let server = MockServer::start().await;
    let me = user();
    mount_token(&server, "revoked", 3600, Some(1)).await;
    mount_token(&server, "fresh", 3600, None).await;
    mount_profile_read(&server, me, "revoked", 401).await;
    mount_profile_read(&server, me, "fresh", 200).await;
    let store = adapter(&account_settings(&server));
    assert_eq!(store.profile(me).await.unwrap(), None);
    // The fresh token is kept for the next call.
    assert_eq!(store.profile(me).await.unwrap(), None);
    let calls = calls(&server).await;
    assert_eq!(token_exchanges(&calls), 2, "{calls:?}");
    assert_eq!(calls.len(), 5, "{calls:?}");
}

#[tokio::test]
async fn a_second_401_is_unavailable_without_looping() {
    let server = MockServer::start().await;
    let me = user();
    mount_token(&server, "bad-1", 3600, Some(1)).await;
    mount_token(&server, "bad-2", 3600, None).await;
    mount_profile_read(&server, me, "bad-1", 401).await;
    mount_profile_read(&server, me, "bad-2", 401).await;
    let error = adapter(&account_settings(&server))
        .profile(me)
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Unavailable { .. }), "{error:?}");
    assert_eq!(calls(&server).await.len(), 4);
}

#[tokio::test]
async fn a_refused_token_exchange_is_unavailable() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": "invalid_grant"})))
        .mount(&server)
        .await;
    let error = adapter(&account_settings(&server))
        .profile(user())
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Unavailable { .. }), "{error:?}");
    assert_eq!(
        calls(&server).await.len(),
        1,
        "no database call without a token"
    );
}

#[tokio::test]
async fn a_static_token_is_not_retried_on_401() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let error = adapter(&token_settings(&server))
        .profile(user())
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Unavailable { .. }));
    assert_eq!(calls(&server).await.len(), 1);
    assert!(
        !error.to_string().contains(SECRET),
        "the secret never reaches a log"
    );
}

#[tokio::test]
async fn server_errors_and_timeouts_are_unavailable_and_a_400_is_a_bug() {
    for (answer, expect_unavailable) in [
        (ResponseTemplate::new(500), true),
        (ResponseTemplate::new(503), true),
        (ResponseTemplate::new(429), true),
        (ResponseTemplate::new(403), true),
        (ok(json!({})).set_delay(Duration::from_secs(3)), true),
        (ResponseTemplate::new(400), false),
    ] {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::any())
            .respond_with(answer)
            .mount(&server)
            .await;
        let store = adapter(&token_settings(&server));
        let (a, b) = (user(), user());
        let error = store
            .follow(FollowEdge::new(a, b).unwrap(), at(0))
            .await
            .unwrap_err();
        match (&error, expect_unavailable) {
            (StoreError::Unavailable { store, reason }, true) => {
                assert_eq!(*store, "profiles");
                assert!(!reason.contains(SECRET), "{reason}");
            }
            (StoreError::Internal(_), false) => {}
            other => panic!("{other:?}"),
        }
    }
}

#[tokio::test]
async fn a_malformed_service_account_is_refused_at_start_up() {
    let server = MockServer::start().await;
    let settings = firebase_settings(
        &server.uri(),
        FirebaseAuth::ServiceAccount(Secret::new(
            json!({"client_email": "x@y", "private_key": "-----BEGIN PRIVATE KEY-----\nnope"})
                .to_string(),
        )),
    );
    let error = FirebaseProfiles::new(reqwest::Client::new(), &settings)
        .err()
        .expect("refused");
    assert!(!error.contains("nope"), "the key is never quoted: {error}");
}

#[tokio::test]
async fn unfollowing_repairs_a_follow_half_written_by_another_client() {
    let (server, fake) = super::profiles_fake_rtdb::FakeRtdb::start().await;
    let (a, b) = (user(), user());
    // Only the followers side exists (written by some other tool).
    fake.seed(&format!("followers/{b}/{a}"), json!(1));
    let settings = firebase_settings(
        &server.uri(),
        FirebaseAuth::Token(Secret::new(super::profiles_fake_rtdb::FAKE_AUTH)),
    );
    let store = adapter(&settings);
    assert_eq!(store.follow_counts(b).await.unwrap().followers, 1);
    assert!(!store
        .unfollow(FollowEdge::new(a, b).unwrap())
        .await
        .unwrap());
    assert_eq!(store.follow_counts(b).await.unwrap().followers, 0);
    assert_eq!(fake.tree(), Value::Null, "nothing left behind");
}
