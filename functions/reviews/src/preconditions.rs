//! `If-Match` on review edits: the review's `ETag` is its version, `"3"`.

use axum::http::{header, HeaderMap, HeaderValue};
use shared::ApiError;

/// The `ETag` of a review at `version`.
pub fn etag(version: u64) -> HeaderValue {
    // Digits and quotes are always a valid header value.
    HeaderValue::from_str(&format!("\"{version}\"")).unwrap_or(HeaderValue::from_static("\"0\""))
}

/// What the client's `If-Match` accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IfMatch {
    /// `*`: any current version.
    Any,
    /// The versions listed (weak or malformed tags never match: edits need strong validators).
    Versions(Vec<u64>),
}

impl IfMatch {
    /// 428 when the header is absent: edits must say which version they are based on.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ApiError> {
        let values: Vec<&HeaderValue> = headers.get_all(header::IF_MATCH).iter().collect();
        if values.is_empty() {
            return Err(ApiError::PreconditionRequired);
        }
        let mut versions = Vec::new();
        for value in values {
            let Ok(text) = value.to_str() else { continue };
            for tag in text.split(',').map(str::trim) {
                if tag == "*" {
                    return Ok(Self::Any);
                }
                // A bare number is accepted too: clients that drop the quotes mean the same tag.
                let bare = tag
                    .strip_prefix('"')
                    .and_then(|t| t.strip_suffix('"'))
                    .unwrap_or(tag);
                if let Ok(version) = bare.parse::<u64>() {
                    versions.push(version);
                }
            }
        }
        Ok(Self::Versions(versions))
    }

    /// The version the write must still find, or 412 when the client's copy is already stale.
    pub fn version_to_replace(&self, current: u64) -> Result<u64, ApiError> {
        match self {
            Self::Any => Ok(current),
            Self::Versions(versions) if versions.contains(&current) => Ok(current),
            Self::Versions(_) => Err(ApiError::PreconditionFailed),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(value: Option<&'static str>) -> Result<IfMatch, ApiError> {
        let mut headers = HeaderMap::new();
        if let Some(value) = value {
            headers.insert(header::IF_MATCH, HeaderValue::from_static(value));
        }
        IfMatch::from_headers(&headers)
    }

    #[test]
    fn if_match_forms() {
        assert!(matches!(parse(None), Err(ApiError::PreconditionRequired)));
        assert_eq!(parse(Some("*")).unwrap(), IfMatch::Any);
        assert_eq!(
            parse(Some("\"2\", \"3\"")).unwrap(),
            IfMatch::Versions(vec![2, 3])
        );
        // Weak tags never match; bare numbers do.
        assert!(parse(Some("W/\"3\""))
            .unwrap()
            .version_to_replace(3)
            .is_err());
        assert_eq!(parse(Some("3")).unwrap().version_to_replace(3).unwrap(), 3);
        assert!(parse(Some("\"2\"")).unwrap().version_to_replace(3).is_err());
        assert_eq!(
            parse(Some("\"3\"")).unwrap().version_to_replace(3).unwrap(),
            3
        );
        assert_eq!(etag(7), HeaderValue::from_static("\"7\""));
    }
}
