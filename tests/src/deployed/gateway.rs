//! An API Gateway HTTP API in front of the function processes: each request is matched against
//! the template's routes (METHOD or `ANY`, and path), turned into a payload-v2 event for the
//! function that owns the route, and the function's response event is turned back into HTTP —
//! with API Gateway's own answers where it would give them (no route: 404
//! `{"message":"Not Found"}`; a function error: 500; no answer in time: 503; a body over 10 MB:
//! 413).

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Response, StatusCode};
use base64::Engine;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use super::runtime_api::{Outcome, RuntimeApi};

/// API Gateway's payload limit.
const MAX_BODY_BYTES: usize = 10 * 1024 * 1024;

/// Which function answers each (METHOD, path template).
pub struct Routes {
    by_path: matchit::Router<PathRoutes>,
}

/// The routes of one path template: its text (for `routeKey`) and the function of each method.
struct PathRoutes {
    template: String,
    functions: HashMap<String, String>,
}

impl Routes {
    /// From (function, METHOD, path) triples, as `template_routes` lists them.
    pub fn new(routes: impl IntoIterator<Item = (String, String, String)>) -> Self {
        let mut methods: BTreeMap<String, HashMap<String, String>> = BTreeMap::new();
        for (function, method, path) in routes {
            methods.entry(path).or_default().insert(method, function);
        }
        let mut by_path = matchit::Router::new();
        for (path, functions) in methods {
            let routes = PathRoutes {
                template: path.clone(),
                functions,
            };
            by_path
                .insert(crate::template::matchit_path(&path), routes)
                .expect("template paths are valid routes");
        }
        Self { by_path }
    }
}

pub struct Gateway {
    routes: Routes,
    functions: HashMap<String, Arc<RuntimeApi>>,
}

impl Gateway {
    pub fn new(routes: Routes, functions: HashMap<String, Arc<RuntimeApi>>) -> Arc<Self> {
        Arc::new(Self { routes, functions })
    }

    /// Serves the gateway on a free loopback port until the task is aborted.
    pub async fn serve(
        self: Arc<Self>,
    ) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<()>)> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let app = axum::Router::new().fallback(handle).with_state(self);
        let server = tokio::spawn(async move {
            let _ = axum::serve(
                listener,
                app.into_make_service_with_connect_info::<SocketAddr>(),
            )
            .await;
        });
        Ok((address, server))
    }
}

fn gateway_answer(status: StatusCode, message: &str) -> Response<Body> {
    let mut response = Response::new(Body::from(json!({ "message": message }).to_string()));
    *response.status_mut() = status;
    response
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    response
}

async fn handle(
    State(gateway): State<Arc<Gateway>>,
    ConnectInfo(client): ConnectInfo<SocketAddr>,
    request: Request,
) -> Response<Body> {
    let method = request.method().as_str().to_string();
    let path = request.uri().path().to_string();
    let Ok(matched) = gateway.routes.by_path.at(&path) else {
        return gateway_answer(StatusCode::NOT_FOUND, "Not Found");
    };
    // A route for the method itself wins over an `ANY` route, as in API Gateway.
    let Some((route_method, function)) = [method.as_str(), "ANY"]
        .into_iter()
        .find_map(|key| matched.value.functions.get_key_value(key))
    else {
        return gateway_answer(StatusCode::NOT_FOUND, "Not Found");
    };
    let route_key = format!("{route_method} {}", matched.value.template);
    let path_parameters: Map<String, Value> = matched
        .params
        .iter()
        .map(|(k, v)| (k.to_string(), Value::from(v)))
        .collect();
    let runtime = Arc::clone(&gateway.functions[function]);
    let (parts, body) = request.into_parts();
    let Ok(body) = axum::body::to_bytes(body, MAX_BODY_BYTES).await else {
        return gateway_answer(StatusCode::PAYLOAD_TOO_LARGE, "Request Entity Too Large");
    };
    let event = event(&method, &parts, &route_key, path_parameters, client, &body);
    match runtime.invoke(Bytes::from(event.to_string())).await {
        Some(Outcome::Response(answer)) => response_from(&answer).unwrap_or_else(|| {
            gateway_answer(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }),
        Some(Outcome::Error(_)) => {
            gateway_answer(StatusCode::INTERNAL_SERVER_ERROR, "Internal Server Error")
        }
        None => gateway_answer(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable"),
    }
}

/// The payload-v2 event API Gateway sends for this request.
fn event(
    method: &str,
    parts: &axum::http::request::Parts,
    route_key: &str,
    path_parameters: Map<String, Value>,
    client: SocketAddr,
    body: &Bytes,
) -> Value {
    let mut headers: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut cookies = Vec::new();
    for (name, value) in &parts.headers {
        let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
        if name == "cookie" {
            cookies.extend(value.split("; ").map(str::to_string));
        } else {
            headers
                .entry(name.as_str().to_string())
                .or_default()
                .push(value);
        }
    }
    let source_ip = client.ip().to_string();
    headers
        .entry("x-forwarded-for".into())
        .or_default()
        .push(source_ip.clone());
    headers.insert("x-forwarded-proto".into(), vec!["http".into()]);
    let headers: Map<String, Value> = headers
        .into_iter()
        .map(|(name, values)| (name, Value::from(values.join(","))))
        .collect();
    let raw_query = parts.uri.query().unwrap_or_default();
    let mut query: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (key, value) in url::form_urlencoded::parse(raw_query.as_bytes()) {
        query
            .entry(key.into_owned())
            .or_default()
            .push(value.into_owned());
    }
    let user_agent = parts
        .headers
        .get("user-agent")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let now = chrono::Utc::now();
    let mut event = json!({
        "version": "2.0",
        "routeKey": route_key,
        "rawPath": parts.uri.path(),
        "rawQueryString": raw_query,
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "local",
            "domainName": "localhost",
            "domainPrefix": "localhost",
            "http": {
                "method": method,
                "path": parts.uri.path(),
                "protocol": "HTTP/1.1",
                "sourceIp": source_ip,
                "userAgent": user_agent,
            },
            "requestId": uuid::Uuid::new_v4().to_string(),
            "routeKey": route_key,
            "stage": "$default",
            "time": now.format("%d/%b/%Y:%H:%M:%S %z").to_string(),
            "timeEpoch": now.timestamp_millis(),
        },
        "isBase64Encoded": false,
    });
    if !cookies.is_empty() {
        event["cookies"] = json!(cookies);
    }
    if !query.is_empty() {
        let joined: Map<String, Value> = query
            .into_iter()
            .map(|(key, values)| (key, Value::from(values.join(","))))
            .collect();
        event["queryStringParameters"] = Value::Object(joined);
    }
    if !path_parameters.is_empty() {
        event["pathParameters"] = Value::Object(path_parameters);
    }
    if !body.is_empty() {
        // Text bodies travel as they are; anything else base64-encoded, as API Gateway does.
        match std::str::from_utf8(body) {
            Ok(text) => event["body"] = Value::from(text),
            Err(_) => {
                event["body"] = Value::from(base64::engine::general_purpose::STANDARD.encode(body));
                event["isBase64Encoded"] = Value::from(true);
            }
        }
    }
    event
}

/// A payload-v2 response event. API Gateway reads `headers` (one value each) and `cookies`, not
/// `multiValueHeaders`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResponseEvent {
    status_code: u16,
    #[serde(default)]
    headers: HashMap<String, String>,
    #[serde(default)]
    cookies: Vec<String>,
    #[serde(default)]
    body: Option<String>,
    #[serde(default)]
    is_base64_encoded: bool,
}

fn response_from(answer: &[u8]) -> Option<Response<Body>> {
    let event: ResponseEvent = serde_json::from_slice(answer).ok()?;
    let body = match (event.body, event.is_base64_encoded) {
        (None, _) => Vec::new(),
        (Some(text), false) => text.into_bytes(),
        (Some(encoded), true) => base64::engine::general_purpose::STANDARD
            .decode(encoded)
            .ok()?,
    };
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = StatusCode::from_u16(event.status_code).ok()?;
    let headers: &mut HeaderMap = response.headers_mut();
    for (name, value) in event.headers {
        headers.insert(
            HeaderName::from_bytes(name.as_bytes()).ok()?,
            HeaderValue::from_str(&value).ok()?,
        );
    }
    for cookie in event.cookies {
        headers.append("set-cookie", HeaderValue::from_str(&cookie).ok()?);
    }
    Some(response)
}
