//! Google OAuth2 access tokens for the Realtime Database, minted from a service-account key with
//! the JWT bearer grant (RFC 7523), as Google's client libraries do.
//!
//! The token is cached until shortly before it expires; exchanges are serialised by a lock so a
//! burst of requests on a cold container makes one exchange, not one each.

use std::time::Duration;

use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde::{Deserialize, Serialize};
use tokio::sync::Mutex;
use tokio::time::Instant;

use crate::stores::StoreError;

const STORE: &str = "profiles";
/// The scopes the Realtime Database REST API needs.
pub const SCOPES: &str =
    "https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/firebase.database";
pub const JWT_BEARER_GRANT: &str = "urn:ietf:params:oauth:grant-type:jwt-bearer";
const DEFAULT_TOKEN_URI: &str = "https://oauth2.googleapis.com/token";
/// Lifetime asked for the signed assertion (Google's maximum).
const ASSERTION_TTL_SECS: i64 = 3600;
/// A cached token is replaced this long before it expires, so none expires in flight.
const REFRESH_MARGIN: Duration = Duration::from_secs(60);

/// The fields of a service-account key file that the exchange uses.
#[derive(Deserialize)]
struct KeyFile {
    client_email: String,
    private_key: String,
    #[serde(default)]
    private_key_id: Option<String>,
    #[serde(default)]
    token_uri: Option<String>,
}

/// A parsed service-account key.
pub struct ServiceAccount {
    client_email: String,
    key: EncodingKey,
    key_id: Option<String>,
    token_uri: url::Url,
}

impl ServiceAccount {
    /// Parses the key file's JSON. Errors name what is wrong, never quote the key.
    pub fn from_json(json: &str) -> Result<Self, String> {
        let file: KeyFile = serde_json::from_str(json)
            .map_err(|_| "the service account is not a key file".to_string())?;
        let key = EncodingKey::from_rsa_pem(file.private_key.as_bytes())
            .map_err(|_| "the service account's private_key is not an RSA PEM key".to_string())?;
        let token_uri = url::Url::parse(file.token_uri.as_deref().unwrap_or(DEFAULT_TOKEN_URI))
            .map_err(|_| "the service account's token_uri is not a URL".to_string())?;
        Ok(Self {
            client_email: file.client_email,
            key,
            key_id: file.private_key_id,
            token_uri,
        })
    }

    /// The signed JWT asserting this account's identity to the token endpoint.
    fn assertion(&self, now: i64) -> Result<String, StoreError> {
        #[derive(Serialize)]
        struct Claims<'a> {
            iss: &'a str,
            scope: &'a str,
            aud: &'a str,
            iat: i64,
            exp: i64,
        }
        let mut header = Header::new(Algorithm::RS256);
        header.kid = self.key_id.clone();
        let claims = Claims {
            iss: &self.client_email,
            scope: SCOPES,
            aud: self.token_uri.as_str(),
            iat: now,
            exp: now + ASSERTION_TTL_SECS,
        };
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| StoreError::Internal(format!("cannot sign the OAuth assertion: {e}")))
    }
}

#[derive(Clone)]
struct CachedToken {
    value: String,
    refresh_at: Instant,
}

/// Hands out access tokens, exchanging a new one only when needed.
pub struct TokenSource {
    http: reqwest::Client,
    account: ServiceAccount,
    timeout: Duration,
    cached: Mutex<Option<CachedToken>>,
}

#[derive(Deserialize)]
struct TokenResponse {
    access_token: String,
    #[serde(default)]
    expires_in: Option<u64>,
}

impl TokenSource {
    pub fn new(http: reqwest::Client, account: ServiceAccount, timeout: Duration) -> Self {
        Self {
            http,
            account,
            timeout,
            cached: Mutex::new(None),
        }
    }

    /// A valid access token: the cached one, or a fresh one.
    pub async fn token(&self) -> Result<String, StoreError> {
        let mut cached = self.cached.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.refresh_at) {
            return Ok(token.value.clone());
        }
        let fresh = self.exchange().await?;
        *cached = Some(fresh.clone());
        Ok(fresh.value)
    }

    /// Forgets `rejected` (Firebase answered 401 to it), unless another request already
    /// replaced it, so the next [`Self::token`] exchanges a new one.
    pub async fn invalidate(&self, rejected: &str) {
        let mut cached = self.cached.lock().await;
        if cached.as_ref().is_some_and(|t| t.value == rejected) {
            *cached = None;
        }
    }

    async fn exchange(&self) -> Result<CachedToken, StoreError> {
        let assertion = self.account.assertion(chrono::Utc::now().timestamp())?;
        let form = serde_urlencoded::to_string([
            ("grant_type", JWT_BEARER_GRANT),
            ("assertion", assertion.as_str()),
        ])
        .map_err(|e| StoreError::Internal(e.to_string()))?;
        let response = self
            .http
            .post(self.account.token_uri.clone())
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .body(form)
            .timeout(self.timeout)
            .send()
            .await
            .map_err(|e| StoreError::unavailable(STORE, e.without_url()))?;
        let status = response.status();
        if !status.is_success() {
            // A refused grant is a configuration problem, not the caller's: 503, body not logged
            // (it may echo the assertion).
            return Err(StoreError::unavailable(
                STORE,
                format!("the OAuth token endpoint answered {status}"),
            ));
        }
        let token: TokenResponse = response.json().await.map_err(|_| {
            StoreError::unavailable(STORE, "the OAuth token endpoint answered no token")
        })?;
        let lifetime = Duration::from_secs(token.expires_in.unwrap_or(0));
        Ok(CachedToken {
            value: token.access_token,
            // A token about to expire is used once and not kept.
            refresh_at: Instant::now() + lifetime.saturating_sub(REFRESH_MARGIN),
        })
    }
}
