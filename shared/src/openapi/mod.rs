//! What the whole API's OpenAPI document says about every operation alike, added in one pass
//! over the assembled document rather than repeated in some sixty handler annotations: the
//! problem+json answers each operation can give (from the shared extractors, the auth check,
//! the rate limits and the stores), the headers those answers carry, and the constraints of
//! parameters and bodies, taken from the parsers' own limits (`constraints`).

mod constraints;

use serde_json::{json, Map, Value};

use crate::error::PROBLEM_JSON;

/// Name of the problem+json schema component.
const PROBLEM: &str = "Problem";

/// The [`utoipa::Modify`] that makes the assembled document the API's exact contract.
pub struct Contract;

impl utoipa::Modify for Contract {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let Ok(mut document) = serde_json::to_value(&*openapi) else {
            return;
        };
        complete(&mut document);
        // The document only gains members utoipa's own types describe, so it reads back.
        if let Ok(completed) = serde_json::from_value(document) {
            *openapi = completed;
        }
    }
}

/// The answers the shared code gives, each a `components.responses` entry operations refer to:
/// (status, component name, description).
const SHARED_ANSWERS: [(&str, &str, &str); 9] = [
    (
        "400",
        "BadRequest",
        "A malformed path parameter, header or JSON body",
    ),
    (
        "401",
        "Unauthorized",
        "No valid access token (`WWW-Authenticate: Bearer`)",
    ),
    ("404", "NotFound", "No such resource"),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than the 64 KiB limit",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body is not `application/json`",
    ),
    (
        "422",
        "Invalid",
        "Invalid parameters or fields, each listed",
    ),
    ("428", "PreconditionRequired", "`If-Match` is missing"),
    (
        "429",
        "TooManyRequests",
        "Too many requests; see `Retry-After` and `RateLimit-*`",
    ),
    (
        "503",
        "Unavailable",
        "A store is unavailable; retry after `Retry-After` seconds",
    ),
];

/// Every operation's answers, headers and constraints, and the components they refer to.
fn complete(document: &mut Value) {
    let components = &mut document["components"];
    components["schemas"][PROBLEM] = problem_schema();
    components["schemas"]["FieldError"] =
        serde_json::to_value(<crate::error::FieldError as utoipa::PartialSchema>::schema())
            .unwrap_or_default();
    constraints::constrain_components(&mut components["schemas"]);
    for (status, name, description) in SHARED_ANSWERS {
        let mut response = json!({ "description": description });
        complete_response("", "", status, &mut response);
        components["responses"][name] = response;
    }
    let Some(paths) = document["paths"].as_object_mut() else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(operations) = item.as_object_mut() else {
            continue;
        };
        for (method, operation) in operations.iter_mut() {
            constraints::constrain_parameters(path, operation);
            complete_operation(method, path, operation);
        }
    }
}

/// The statuses an operation can get from the shared code, by what it takes.
fn shared_statuses(operation: &Value) -> Vec<&'static str> {
    let protected = operation["security"]
        .as_array()
        .is_some_and(|requirements| requirements.iter().any(|r| r != &json!({})));
    let parameters = operation["parameters"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let has = |place: &str| parameters.iter().any(|p| p["in"] == place);
    let mut statuses = vec!["429", "503"];
    if protected {
        statuses.push("401");
    }
    if has("path") {
        statuses.extend(["400", "404"]);
    }
    if has("query") {
        statuses.push("422");
    }
    if has("header") {
        statuses.extend(["400", "428"]);
    }
    if !operation["requestBody"].is_null() {
        statuses.extend(["400", "413", "415", "422"]);
    }
    statuses
}

/// Adds the shared answers an operation lacks (as references) and completes its own.
fn complete_operation(method: &str, path: &str, operation: &mut Value) {
    let statuses = shared_statuses(operation);
    let responses = &mut operation["responses"];
    for (status, name, _) in SHARED_ANSWERS {
        if statuses.contains(&status) && responses.get(status).is_none() {
            responses[status] = json!({ "$ref": format!("#/components/responses/{name}") });
        }
    }
    let Some(responses) = responses.as_object_mut() else {
        return;
    };
    for (status, response) in responses.iter_mut() {
        if response.get("$ref").is_none() {
            complete_response(method, path, status, response);
        }
    }
}

/// Headers and, for an error, the problem+json body.
fn complete_response(method: &str, path: &str, status: &str, response: &mut Value) {
    add_headers(method, path, status, response);
    if status.starts_with('4') || status.starts_with('5') {
        response["content"] = json!({
            PROBLEM_JSON: { "schema": { "$ref": format!("#/components/schemas/{PROBLEM}") } }
        });
    }
}

/// A header a successful write is sent with.
#[derive(Clone, Copy)]
enum Sent {
    ETag,
    Location,
    /// The three `RateLimit-*` headers of a counted write.
    RateLimit,
}

/// The writes whose successful answers carry more than their body: (method, path, headers).
const SUCCESS_HEADERS: [(&str, &str, &[Sent]); 5] = [
    ("post", "/auth/register", &[Sent::RateLimit]),
    ("post", "/movies", &[Sent::Location]),
    (
        "post",
        "/movies/{id}/reviews",
        &[Sent::ETag, Sent::Location, Sent::RateLimit],
    ),
    ("patch", "/reviews/{id}", &[Sent::ETag, Sent::RateLimit]),
    ("delete", "/reviews/{id}", &[Sent::RateLimit]),
];

fn success_headers(method: &str, path: &str) -> &'static [Sent] {
    SUCCESS_HEADERS
        .iter()
        .find(|(m, p, _)| *m == method && *p == path)
        .map_or(&[], |(_, _, headers)| *headers)
}

fn etag() -> Value {
    header(
        "The version of this answer, for `If-None-Match` (and `If-Match` on review edits)",
        "string",
    )
}

/// The headers an answer of `status` to `method` on `path` is sent with (not all of them
/// always).
fn add_headers(method: &str, path: &str, status: &str, response: &mut Value) {
    let mut headers = Map::new();
    let rate_limit = [
        ("RateLimit-Limit", "Requests allowed in the window"),
        ("RateLimit-Remaining", "Requests left in the window"),
        ("RateLimit-Reset", "Seconds until the window resets"),
    ];
    match status {
        "401" => {
            headers.insert(
                "WWW-Authenticate".into(),
                header("The scheme to authenticate with: `Bearer`", "string"),
            );
        }
        "429" => {
            headers.insert(
                "Retry-After".into(),
                header("Seconds to wait before retrying", "integer"),
            );
            for (name, description) in rate_limit {
                headers.insert(name.into(), header(description, "integer"));
            }
        }
        "503" => {
            headers.insert(
                "Retry-After".into(),
                header("Seconds to wait before retrying", "integer"),
            );
        }
        _ => {}
    }
    if status.starts_with('2') {
        // Every public GET answer gets one from the caching middleware (`http::http_caching`).
        if method == "get" {
            headers.insert("ETag".into(), etag());
        }
        for sent in success_headers(method, path) {
            match sent {
                Sent::ETag => {
                    headers.insert("ETag".into(), etag());
                }
                Sent::Location => {
                    headers.insert(
                        "Location".into(),
                        header("The path of the created resource", "string"),
                    );
                }
                Sent::RateLimit => {
                    for (name, description) in rate_limit {
                        headers.insert(name.into(), header(description, "integer"));
                    }
                }
            }
        }
    }
    if headers.is_empty() {
        return;
    }
    let existing = response["headers"].as_object().cloned().unwrap_or_default();
    headers.extend(existing);
    response["headers"] = Value::Object(headers);
}

fn header(description: &str, kind: &str) -> Value {
    json!({ "description": description, "schema": { "type": kind } })
}

/// RFC 9457 problem details, as `ApiError` renders them.
fn problem_schema() -> Value {
    json!({
        "type": "object",
        "description": "An RFC 9457 problem: every error answer of the API.",
        "required": ["type", "title", "status", "detail"],
        "properties": {
            "type": { "type": "string", "description": "A URI naming the kind of problem" },
            "title": { "type": "string" },
            "status": { "type": "integer" },
            "detail": { "type": "string" },
            "errors": {
                "type": "array",
                "description": "The invalid fields of a 422",
                "items": { "$ref": "#/components/schemas/FieldError" }
            }
        }
    })
}
