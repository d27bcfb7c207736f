//! The API Gateway HTTP API (payload 2.0) events the bench invokes the functions with.

use std::path::Path;

use bytes::Bytes;
use serde_json::{json, Value};

use crate::Fallible;

/// A sample event of the repository (`events/<file>`), as API Gateway sends it, with its query
/// string removed: the same request the direct measurements send to the router.
pub fn sample_without_query(events_dir: &Path, file: &str) -> Fallible<Bytes> {
    let path = events_dir.join(file);
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let mut event: Value = serde_json::from_str(&text)?;
    let object = event
        .as_object_mut()
        .ok_or_else(|| format!("{} is not an event object", path.display()))?;
    object.insert("rawQueryString".into(), Value::String(String::new()));
    object.remove("queryStringParameters");
    Ok(Bytes::from(event.to_string()))
}

/// A GET of `path`, shaped as `events/*.json` are.
pub fn get(path: &str) -> Bytes {
    Bytes::from(request("GET", path, None).to_string())
}

/// A POST of the JSON `body` to `path`, shaped as `events/auth-register.json` is.
pub fn post_json(path: &str, body: &Value) -> Bytes {
    Bytes::from(request("POST", path, Some(body.to_string())).to_string())
}

fn request(method: &str, path: &str, body: Option<String>) -> Value {
    let mut headers = json!({
        "accept": "application/json",
        "host": "bench.execute-api.us-east-1.amazonaws.com",
        "user-agent": "movieverse-bench",
        "x-forwarded-for": "192.0.2.10"
    });
    if body.is_some() {
        headers["content-type"] = json!("application/json");
    }
    let mut event = json!({
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": "",
        "headers": headers,
        "requestContext": {
            "accountId": "123456789012",
            "apiId": "bench",
            "domainName": "bench.execute-api.us-east-1.amazonaws.com",
            "domainPrefix": "bench",
            "http": {
                "method": method,
                "path": path,
                "protocol": "HTTP/1.1",
                "sourceIp": "192.0.2.10",
                "userAgent": "movieverse-bench"
            },
            "requestId": "bench",
            "routeKey": "$default",
            "stage": "$default",
            "time": "24/Nov/2026:00:00:00 +0000",
            "timeEpoch": 1_795_478_400_000_u64
        },
        "isBase64Encoded": false
    });
    if let Some(body) = body {
        event["body"] = Value::String(body);
    }
    event
}
