//! Conditional GETs: a strong `ETag` on every public GET answer, `If-None-Match` → 304, and a
//! default `Cache-Control`. Applied as one middleware so no handler can forget it.

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use sha2::{Digest, Sha256};

use crate::cache::CacheStatus;

/// Largest answer the middleware will buffer to hash; bigger ones go out without an ETag.
const MAX_HASHED_BYTES: usize = 4 * 1024 * 1024;

/// A strong validator for `body`: the first 128 bits of its SHA-256.
pub fn etag_for(body: &[u8]) -> HeaderValue {
    let digest = Sha256::digest(body);
    // `"` + 32 hex digits + `"`, written in place: this runs on every public 200 GET.
    let mut quoted = [b'"'; 34];
    let written = hex::encode_to_slice(&digest[..16], &mut quoted[1..33]);
    written
        .ok()
        .and_then(|()| HeaderValue::from_bytes(&quoted).ok())
        .unwrap_or_else(|| HeaderValue::from_static("\"0\""))
}

/// Middleware: adds `ETag` and `Cache-Control: public, max-age={max_age}` to successful GETs that
/// did not opt out with `Cache-Control: private`/`no-store`, and answers 304 when the client's
/// `If-None-Match` already names the current version.
pub async fn http_caching(max_age: u32, request: Request, next: Next) -> Response {
    let is_read = matches!(*request.method(), Method::GET | Method::HEAD);
    let if_none_match = request.headers().get(header::IF_NONE_MATCH).cloned();
    let response = next.run(request).await;
    if !is_read || response.status() != StatusCode::OK || is_private(response.headers()) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let bytes = match axum::body::to_bytes(body, MAX_HASHED_BYTES).await {
        Ok(bytes) => bytes,
        Err(error) => {
            tracing::error!(error = %error, "could not buffer an answer to hash it");
            return crate::error::ApiError::Internal("answer too large to hash".into())
                .into_response();
        }
    };
    let etag = match parts.headers.get(header::ETAG) {
        Some(existing) => existing.clone(),
        None => {
            let etag = etag_for(&bytes);
            parts.headers.insert(header::ETAG, etag.clone());
            etag
        }
    };
    if !parts.headers.contains_key(header::CACHE_CONTROL) {
        let value = format!("public, max-age={max_age}");
        if let Ok(value) = HeaderValue::from_str(&value) {
            parts.headers.insert(header::CACHE_CONTROL, value);
        }
    }
    if if_none_match.is_some_and(|wanted| matches_etag(&wanted, &etag)) {
        let mut not_modified = Response::new(Body::empty());
        *not_modified.status_mut() = StatusCode::NOT_MODIFIED;
        for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
            if let Some(value) = parts.headers.get(&name) {
                not_modified.headers_mut().insert(name, value.clone());
            }
        }
        return not_modified;
    }
    Response::from_parts(parts, Body::from(bytes))
}

fn is_private(headers: &HeaderMap) -> bool {
    headers
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("private") || v.contains("no-store"))
}

/// `If-None-Match` uses the weak comparison: `W/` prefixes are ignored; `*` matches anything.
fn matches_etag(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let Ok(wanted) = if_none_match.to_str() else {
        return false;
    };
    let current = etag.to_str().unwrap_or("").trim_start_matches("W/");
    wanted
        .split(',')
        .map(|tag| tag.trim().trim_start_matches("W/"))
        .any(|tag| tag == "*" || tag == current)
}

/// Headers for an answer that belongs to one user and must never be stored by a shared cache.
pub fn private_no_store() -> [(header::HeaderName, HeaderValue); 1] {
    [(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    )]
}

/// Pre-serialized JSON, as it comes out of the cache, with an `X-Cache` header.
pub struct CachedJson(pub Bytes, pub CacheStatus);

impl IntoResponse for CachedJson {
    fn into_response(self) -> Response {
        (
            [
                (
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                ),
                (
                    header::HeaderName::from_static("x-cache"),
                    HeaderValue::from_static(self.1.as_str()),
                ),
            ],
            self.0,
        )
            .into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn etags_are_strong_and_stable() {
        let a = etag_for(b"{\"id\":1}");
        assert_eq!(a, etag_for(b"{\"id\":1}"));
        assert_ne!(a, etag_for(b"{\"id\":2}"));
        assert!(a.to_str().unwrap().starts_with('"'));
    }

    #[test]
    fn if_none_match_lists_and_weak_forms_match() {
        let etag = HeaderValue::from_static("\"abc\"");
        for header in ["\"abc\"", "W/\"abc\"", "\"x\", \"abc\"", "*"] {
            assert!(
                matches_etag(&HeaderValue::from_static(header), &etag),
                "{header}"
            );
        }
        assert!(!matches_etag(&HeaderValue::from_static("\"abd\""), &etag));
    }
}
