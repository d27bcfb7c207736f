//! A small in-memory Firebase Realtime Database on wiremock, so the profile contract suite runs
//! against the Firebase adapter too.
//!
//! It keeps one JSON tree and applies the REST API the way Firebase documents it: `GET` (with
//! `shallow=true` giving `true` for object children), `PUT` replaces a node, `PATCH` writes the
//! named children, where keys may be paths (a multi-path update, refused when two paths overlap),
//! `DELETE` removes a node; `null` deletes, empty nodes vanish, arrays are stored as objects keyed
//! by index and objects with mostly-integer keys come back as arrays. Keys holding `. $ # [ ] /`
//! (or control characters) are refused with 400 as Firebase does, and `?auth=` must match.

use std::sync::{Arc, Mutex};

use serde_json::{json, Map, Value};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

pub const FAKE_AUTH: &str = "fake-database-secret";

#[derive(Clone, Default)]
pub struct FakeRtdb {
    tree: Arc<Mutex<Value>>,
}

impl FakeRtdb {
    /// Starts a server answering every request from a fresh, empty tree.
    pub async fn start() -> (MockServer, Self) {
        let server = MockServer::start().await;
        let fake = Self::default();
        Mock::given(wiremock::matchers::any())
            .respond_with(fake.clone())
            .mount(&server)
            .await;
        (server, fake)
    }

    /// The whole stored tree, as stored (no array conversion); `null` when empty.
    pub fn tree(&self) -> Value {
        normalize(self.tree.lock().expect("tree lock").clone()).unwrap_or(Value::Null)
    }

    /// Writes `value` at `path` directly, as another client would.
    pub fn seed(&self, path: &str, value: Value) {
        let mut tree = self.tree.lock().expect("tree lock");
        set_at(&mut tree, &segments(path), normalize(value));
    }
}

fn error(status: u16, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(json!({ "error": message }))
}

fn segments(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn valid_key(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= 768
        && !key
            .chars()
            .any(|c| matches!(c, '.' | '$' | '#' | '[' | ']' | '/') || c.is_control())
}

/// Every key of a value that would be written, checked like Firebase does.
fn keys_valid(value: &Value) -> bool {
    match value {
        Value::Object(map) => map.iter().all(|(k, v)| valid_key(k) && keys_valid(v)),
        Value::Array(items) => items.iter().all(keys_valid),
        _ => true,
    }
}

/// Firebase's storage form: arrays become index-keyed objects, nulls and empty objects vanish.
fn normalize(value: Value) -> Option<Value> {
    match value {
        Value::Null => None,
        Value::Array(items) => normalize(Value::Object(
            items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
        )),
        Value::Object(map) => {
            let map: Map<String, Value> = map
                .into_iter()
                .filter_map(|(k, v)| normalize(v).map(|v| (k, v)))
                .collect();
            (!map.is_empty()).then_some(Value::Object(map))
        }
        other => Some(other),
    }
}

/// Firebase's output form: an object whose keys are all integers, filling more than half of
/// `0..=max`, is answered as an array.
fn as_output(value: &Value) -> Value {
    match value {
        Value::Object(map) => {
            let indices: Option<Vec<usize>> = map.keys().map(|k| k.parse().ok()).collect();
            if let Some(indices) = indices.filter(|i| !i.is_empty()) {
                let max = indices.iter().copied().max().unwrap_or(0);
                if indices.len() * 2 > max + 1 {
                    let mut items = vec![Value::Null; max + 1];
                    for (key, child) in map {
                        let index: usize = key.parse().expect("checked above");
                        items[index] = as_output(child);
                    }
                    return Value::Array(items);
                }
            }
            Value::Object(map.iter().map(|(k, v)| (k.clone(), as_output(v))).collect())
        }
        other => other.clone(),
    }
}

fn get_at<'a>(node: &'a Value, path: &[String]) -> Option<&'a Value> {
    match path.split_first() {
        None => (!node.is_null()).then_some(node),
        Some((head, rest)) => node.get(head).and_then(|child| get_at(child, rest)),
    }
}

fn set_at(node: &mut Value, path: &[String], value: Option<Value>) {
    let Some((head, rest)) = path.split_first() else {
        *node = value.unwrap_or(Value::Null);
        return;
    };
    if !node.is_object() {
        *node = Value::Object(Map::new());
    }
    let map = node.as_object_mut().expect("made an object above");
    let child = map.entry(head.clone()).or_insert(Value::Null);
    set_at(child, rest, value);
    let empty = child.is_null() || child.as_object().is_some_and(Map::is_empty);
    if empty {
        map.remove(head);
    }
}

impl Respond for FakeRtdb {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let Some(path) = request.url.path().strip_suffix(".json") else {
            return error(404, "paths end in .json");
        };
        let query: Vec<(String, String)> = request.url.query_pairs().into_owned().collect();
        if !query.iter().any(|(k, v)| k == "auth" && v == FAKE_AUTH) {
            return error(401, "Permission denied");
        }
        let shallow = query.iter().any(|(k, v)| k == "shallow" && v == "true");
        let path = segments(path);
        if !path.iter().all(|s| valid_key(s)) {
            return error(400, "Invalid path");
        }
        let body = || serde_json::from_slice::<Value>(&request.body).ok();
        let mut tree = self.tree.lock().expect("tree lock");
        match request.method.as_str() {
            "GET" => {
                let found = get_at(&tree, &path).cloned().unwrap_or(Value::Null);
                let answer = match (shallow, &found) {
                    (true, Value::Object(map)) => Value::Object(
                        map.iter()
                            .map(|(k, v)| {
                                let leaf = if v.is_object() {
                                    json!(true)
                                } else {
                                    v.clone()
                                };
                                (k.clone(), leaf)
                            })
                            .collect(),
                    ),
                    _ => as_output(&found),
                };
                ResponseTemplate::new(200).set_body_json(answer)
            }
            "PUT" => {
                let Some(value) = body() else {
                    return error(400, "Invalid data; couldn't parse JSON object");
                };
                if !keys_valid(&value) {
                    return error(400, "Invalid key");
                }
                set_at(&mut tree, &path, normalize(value.clone()));
                ResponseTemplate::new(200).set_body_json(value)
            }
            "PATCH" => {
                let Some(Value::Object(updates)) = body() else {
                    return error(400, "Invalid data; couldn't parse JSON object");
                };
                let targets: Vec<Vec<String>> = updates.keys().map(|k| segments(k)).collect();
                if !targets.iter().flatten().all(|s| valid_key(s))
                    || !updates.values().all(keys_valid)
                {
                    return error(400, "Invalid key");
                }
                for (i, a) in targets.iter().enumerate() {
                    for b in &targets[i + 1..] {
                        if a.starts_with(b) || b.starts_with(a) {
                            return error(400, "Path is an ancestor of another path");
                        }
                    }
                }
                for (target, value) in targets.iter().zip(updates.values()) {
                    let full: Vec<String> = path.iter().chain(target).cloned().collect();
                    set_at(&mut tree, &full, normalize(value.clone()));
                }
                ResponseTemplate::new(200).set_body_json(Value::Object(updates))
            }
            "DELETE" => {
                set_at(&mut tree, &path, None);
                ResponseTemplate::new(200).set_body_json(Value::Null)
            }
            _ => error(405, "method not allowed"),
        }
    }
}

/// The fake's own behaviour, so the contract suite leans on a fake that matches Firebase.
#[tokio::test]
async fn the_fake_behaves_like_the_realtime_database() {
    let (server, _fake) = FakeRtdb::start().await;
    let client = reqwest_like::Client::new(&server.uri());
    assert_eq!(
        client.send("GET", "/a.json", None).await,
        (200, Value::Null)
    );
    client
        .send("PUT", "/w/u.json", Some(json!({"1": 1, "2": 2, "4": 3})))
        .await;
    assert_eq!(
        client.send("GET", "/w/u.json", None).await.1,
        json!([null, 1, 2, null, 3]),
        "mostly-integer keys come back as an array"
    );
    assert_eq!(
        client.send("GET", "/w.json?shallow=true", None).await.1,
        json!({"u": true})
    );
    client
        .send(
            "PATCH",
            "/.json",
            Some(json!({"w/u/1": null, "w/u/2": null, "x/y": [7, 8]})),
        )
        .await;
    assert_eq!(
        client.send("GET", "/.json", None).await.1,
        json!({"w": {"u": {"4": 3}}, "x": {"y": [7, 8]}}),
        "half-empty integer keys stay an object"
    );
    let (status, _) = client
        .send("PATCH", "/.json", Some(json!({"w/u": null, "w/u/4": null})))
        .await;
    assert_eq!(status, 400, "overlapping paths are refused");
    let (status, _) = client.send("PUT", "/p.json", Some(json!({"a.b": 1}))).await;
    assert_eq!(status, 400, "forbidden key characters are refused");
    client.send("DELETE", "/w/u.json", None).await;
    assert_eq!(
        client.send("GET", "/.json", None).await.1,
        json!({"x": {"y": [7, 8]}})
    );
}

/// A bare HTTP helper for poking the fake directly.
mod reqwest_like {
    use serde_json::Value;

    pub struct Client {
        base: String,
        http: reqwest::Client,
    }

    impl Client {
        pub fn new(base: &str) -> Self {
            Self {
                base: base.to_string(),
                http: reqwest::Client::new(),
            }
        }

        pub async fn send(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
            let separator = if path.contains('?') { '&' } else { '?' };
            let url = format!("{}{path}{separator}auth={}", self.base, super::FAKE_AUTH);
            let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
            let mut request = self.http.request(method, url);
            if let Some(body) = body {
                request = request.json(&body);
            }
            let response = request.send().await.expect("fake answers");
            let status = response.status().as_u16();
            (status, response.json().await.unwrap_or(Value::Null))
        }
    }
}
