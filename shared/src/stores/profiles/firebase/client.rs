//! The Realtime Database REST API: `GET/PUT/PATCH/DELETE {database}/{path}.json` with the
//! credentials of the configuration, and Firebase's answers mapped onto [`StoreError`].

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::oauth::{ServiceAccount, TokenSource};
use super::paths::DbPath;
use crate::config::{FirebaseAuth, FirebaseSettings, Secret};
use crate::stores::StoreError;

const STORE: &str = "profiles";

/// How requests prove who they are.
enum Credentials {
    /// OAuth2 access tokens minted from a service account, sent as `?access_token=`.
    OAuth(Box<TokenSource>),
    /// A database secret or ID token, sent as `?auth=`.
    Static(Secret),
    /// The emulator accepts anonymous requests.
    None,
}

/// Where requests go: the database itself, or the emulator with the database's namespace.
struct Target {
    base: url::Url,
    namespace: Option<String>,
}

pub struct RtdbClient {
    http: reqwest::Client,
    target: Target,
    credentials: Credentials,
    timeout: Duration,
}

/// Whether a read returns the whole subtree or only its keys (`?shallow=true`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depth {
    Full,
    Shallow,
}

impl RtdbClient {
    pub fn new(
        http: reqwest::Client,
        settings: &FirebaseSettings,
        timeout: Duration,
    ) -> Result<Self, String> {
        let target = match &settings.emulator_host {
            // The emulator convention of the Firebase SDKs: `http://{host}/{path}.json?ns={name}`
            // where the namespace is the database name (first label of the database host).
            Some(host) => Target {
                base: url::Url::parse(&format!("http://{host}"))
                    .map_err(|_| "FIREBASE_DATABASE_EMULATOR_HOST is not host:port".to_string())?,
                namespace: Some(
                    settings
                        .database_url
                        .host_str()
                        .and_then(|h| h.split('.').next())
                        .filter(|name| !name.is_empty())
                        .ok_or("FIREBASE_DATABASE_URL names no database")?
                        .to_string(),
                ),
            },
            None => Target {
                base: settings.database_url.clone(),
                namespace: None,
            },
        };
        let credentials = match (&settings.auth, target.namespace.is_some()) {
            // As the Admin SDKs do, the emulator ignores service accounts: it needs no Google
            // token, and minting one would need Google to be reachable.
            (FirebaseAuth::ServiceAccount(_), true) | (FirebaseAuth::None, _) => Credentials::None,
            (FirebaseAuth::ServiceAccount(json), false) => {
                Credentials::OAuth(Box::new(TokenSource::new(
                    http.clone(),
                    ServiceAccount::from_json(json.expose())?,
                    timeout,
                )))
            }
            (FirebaseAuth::Token(token), _) => Credentials::Static(token.clone()),
        };
        Ok(Self {
            http,
            target,
            credentials,
            timeout,
        })
    }

    pub async fn get(&self, path: &DbPath, depth: Depth) -> Result<Value, StoreError> {
        self.send(Method::GET, path, depth, None).await
    }

    pub async fn put(&self, path: &DbPath, body: &Value) -> Result<Value, StoreError> {
        self.send(Method::PUT, path, Depth::Full, Some(body)).await
    }

    /// Updates only the children named in `body`; at the root, keys may be paths
    /// (`following/a/b`), which Firebase applies atomically (a multi-path update).
    pub async fn patch(&self, path: &DbPath, body: &Value) -> Result<Value, StoreError> {
        self.send(Method::PATCH, path, Depth::Full, Some(body))
            .await
    }

    pub async fn delete(&self, path: &DbPath) -> Result<Value, StoreError> {
        self.send(Method::DELETE, path, Depth::Full, None).await
    }

    fn url(&self, path: &DbPath, depth: Depth, credential: Option<&(&str, String)>) -> url::Url {
        let mut url = self.target.base.clone();
        let prefix = url.path().trim_end_matches('/').to_string();
        url.set_path(&format!("{prefix}/{path}.json"));
        url.set_query(None);
        {
            let mut query = url.query_pairs_mut();
            if let Some(namespace) = &self.target.namespace {
                query.append_pair("ns", namespace);
            }
            if let Some((name, value)) = credential {
                query.append_pair(name, value);
            }
            if depth == Depth::Shallow {
                query.append_pair("shallow", "true");
            }
        }
        // `query_pairs_mut` leaves an empty `?` behind when nothing was appended.
        if url.query() == Some("") {
            url.set_query(None);
        }
        url
    }

    /// The query parameter carrying the credentials, if any.
    async fn credential(&self) -> Result<Option<(&'static str, String)>, StoreError> {
        Ok(match &self.credentials {
            Credentials::OAuth(tokens) => Some(("access_token", tokens.token().await?)),
            Credentials::Static(token) => Some(("auth", token.expose().to_string())),
            Credentials::None => None,
        })
    }

    async fn send(
        &self,
        method: Method,
        path: &DbPath,
        depth: Depth,
        body: Option<&Value>,
    ) -> Result<Value, StoreError> {
        let mut refreshed = false;
        loop {
            let credential = self.credential().await?;
            let mut request = self
                .http
                .request(method.clone(), self.url(path, depth, credential.as_ref()))
                .timeout(self.timeout);
            if let Some(body) = body {
                request = request.json(body);
            }
            // `without_url`: the URL carries the credential, which must never reach a log.
            let response = request
                .send()
                .await
                .map_err(|e| StoreError::unavailable(STORE, e.without_url()))?;
            let status = response.status();
            if status.is_success() {
                return response
                    .json::<Value>()
                    .await
                    .map_err(|e| StoreError::unavailable(STORE, e.without_url()));
            }
            match (&self.credentials, &credential, status) {
                // An access token can be revoked or expire early: get a new one, retry once.
                (Credentials::OAuth(tokens), Some((_, token)), StatusCode::UNAUTHORIZED)
                    if !refreshed =>
                {
                    tokens.invalidate(token).await;
                    refreshed = true;
                }
                _ => return Err(error_for(&method, path, status)),
            }
        }
    }
}

/// Firebase's error answers. Credentials, rules, quota and server trouble are the service being
/// unusable right now (503); a 400 means this adapter sent something wrong (a bug, 500).
fn error_for(method: &Method, path: &DbPath, status: StatusCode) -> StoreError {
    let what = format!("Firebase answered {status} to {method} /{path}");
    if status == StatusCode::BAD_REQUEST {
        StoreError::Internal(what)
    } else {
        StoreError::unavailable(STORE, what)
    }
}
