//! Settings: read once per container from the environment (and `.env` locally) and from the
//! Secrets Manager secret named by `MOVIEVERSE_SECRET_ID`. Environment values win over the secret.
//!
//! Every store setting is parsed into a [`StoreSetting`]: absent means the embedded adapter, a
//! malformed value means the store is unavailable (logged once, naming the key but never the
//! value). The function still starts either way, and `/health` says which store is down.

use std::collections::HashMap;
use std::fmt;
use std::path::PathBuf;

pub use crate::credential_limits::CredentialLimits;
use crate::secrets::SecretSource;

/// Every key MovieVerse reads. The secret may hold any of them.
pub mod keys {
    pub const MONGODB_URI: &str = "MONGODB_URI";
    pub const MONGODB_DATABASE: &str = "MONGODB_DATABASE";
    pub const POSTGRES_URL: &str = "POSTGRES_URL";
    pub const MYSQL_URL: &str = "MYSQL_URL";
    pub const REDIS_URL: &str = "REDIS_URL";
    pub const REDIS_KEY_PREFIX: &str = "REDIS_KEY_PREFIX";
    pub const FIREBASE_DATABASE_URL: &str = "FIREBASE_DATABASE_URL";
    pub const FIREBASE_SERVICE_ACCOUNT: &str = "FIREBASE_SERVICE_ACCOUNT";
    pub const FIREBASE_AUTH_TOKEN: &str = "FIREBASE_AUTH_TOKEN";
    pub const FIREBASE_DATABASE_EMULATOR_HOST: &str = "FIREBASE_DATABASE_EMULATOR_HOST";
    pub const TMDB_API_TOKEN: &str = "TMDB_API_TOKEN";
    pub const TMDB_API_KEY: &str = "TMDB_API_KEY";
    pub const TMDB_BASE_URL: &str = "TMDB_BASE_URL";
    pub const WIKIDATA_SPARQL_URL: &str = "WIKIDATA_SPARQL_URL";
    pub const JWT_SECRET: &str = "JWT_SECRET";
    pub const MOVIEVERSE_DATA_DIR: &str = "MOVIEVERSE_DATA_DIR";
    pub const MOVIEVERSE_SECRET_ID: &str = "MOVIEVERSE_SECRET_ID";
    pub const MOVIEVERSE_RUN_MIGRATIONS: &str = "MOVIEVERSE_RUN_MIGRATIONS";
    pub const LOGIN_FAILURES_PER_ACCOUNT_ADDRESS: &str = "LOGIN_FAILURES_PER_ACCOUNT_ADDRESS";
    pub const LOGIN_FAILURES_PER_ADDRESS: &str = "LOGIN_FAILURES_PER_ADDRESS";
    pub const LOGIN_FAILURE_WINDOW_SECS: &str = "LOGIN_FAILURE_WINDOW_SECS";
    pub const LOGIN_DELAY_SECS: &str = "LOGIN_DELAY_SECS";
    pub const LOGIN_MAX_DELAY_SECS: &str = "LOGIN_MAX_DELAY_SECS";
    pub const REGISTRATIONS_PER_ADDRESS: &str = "REGISTRATIONS_PER_ADDRESS";
    pub const REGISTRATION_WINDOW_SECS: &str = "REGISTRATION_WINDOW_SECS";
    /// Set by AWS Lambda itself (not by `cargo lambda watch`, which sets the function name too).
    pub const LAMBDA_TASK_ROOT: &str = "LAMBDA_TASK_ROOT";

    /// Keys read from the secret (the secret may set any of these).
    pub const ALL: &[&str] = &[
        MONGODB_URI,
        MONGODB_DATABASE,
        POSTGRES_URL,
        MYSQL_URL,
        REDIS_URL,
        REDIS_KEY_PREFIX,
        FIREBASE_DATABASE_URL,
        FIREBASE_SERVICE_ACCOUNT,
        FIREBASE_AUTH_TOKEN,
        FIREBASE_DATABASE_EMULATOR_HOST,
        TMDB_API_TOKEN,
        TMDB_API_KEY,
        TMDB_BASE_URL,
        WIKIDATA_SPARQL_URL,
        JWT_SECRET,
        MOVIEVERSE_DATA_DIR,
        MOVIEVERSE_RUN_MIGRATIONS,
        LOGIN_FAILURES_PER_ACCOUNT_ADDRESS,
        LOGIN_FAILURES_PER_ADDRESS,
        LOGIN_FAILURE_WINDOW_SECS,
        LOGIN_DELAY_SECS,
        LOGIN_MAX_DELAY_SECS,
        REGISTRATIONS_PER_ADDRESS,
        REGISTRATION_WINDOW_SECS,
    ];
}

pub const DEFAULT_MONGODB_DATABASE: &str = "movieverse";
pub const DEFAULT_DATA_DIR: &str = ".movieverse";
pub const DEFAULT_TMDB_BASE_URL: &str = "https://api.themoviedb.org/3";
/// The public Wikidata Query Service.
pub const DEFAULT_WIKIDATA_SPARQL_URL: &str = "https://query.wikidata.org/sparql";
pub const DEFAULT_REDIS_KEY_PREFIX: &str = "mv:";

/// A value that must never be printed: `Debug` shows only that it is set.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Where one store's data lives, as decided by its settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreSetting<T> {
    /// The setting is absent: use the embedded adapter.
    Embedded,
    /// A well-formed production setting.
    Production(T),
    /// The setting is present but unusable: the store answers 503 until it is fixed.
    Invalid { key: &'static str, reason: String },
}

impl<T> StoreSetting<T> {
    pub fn is_embedded(&self) -> bool {
        matches!(self, Self::Embedded)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MongoSettings {
    pub uri: Secret,
    pub database: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FirebaseAuth {
    /// A Google service-account key (JSON): OAuth2 access tokens are minted from it.
    ServiceAccount(Secret),
    /// A database secret or ID token passed as `?auth=`.
    Token(Secret),
    /// The local emulator needs no credentials.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirebaseSettings {
    pub database_url: url::Url,
    pub auth: FirebaseAuth,
    /// `host:port` of the Firebase emulator, when `FIREBASE_DATABASE_EMULATOR_HOST` is set.
    pub emulator_host: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TmdbAuth {
    /// v4 read access token, sent as `Authorization: Bearer`.
    ReadToken(Secret),
    /// v3 key, sent as `?api_key=`.
    ApiKey(Secret),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TmdbSettings {
    pub auth: TmdbAuth,
    pub base_url: url::Url,
}

/// Everything a function needs to know to build its state.
#[derive(Debug, Clone)]
pub struct Settings {
    pub catalog: StoreSetting<MongoSettings>,
    pub accounts: StoreSetting<Secret>,
    pub reviews: StoreSetting<Secret>,
    pub profiles: StoreSetting<FirebaseSettings>,
    pub cache: StoreSetting<Secret>,
    /// Prefix of every Redis key (tests give each run its own).
    pub cache_prefix: String,
    /// `None` means the bundled sample catalog is the seed source.
    pub tmdb: StoreSetting<TmdbSettings>,
    /// The SPARQL endpoint the awards import reads (never embedded: absent is the public one).
    pub wikidata_sparql_url: StoreSetting<url::Url>,
    pub jwt_secret: Option<Secret>,
    pub data_dir: PathBuf,
    /// Apply the production migrations at start-up (the embedded engine always migrates).
    pub run_migrations: bool,
    /// How hard logins and registrations are throttled.
    pub credential_limits: CredentialLimits,
    /// True inside AWS Lambda, where an embedded signing key is refused.
    pub in_lambda: bool,
}

/// Raw key/value settings after merging the environment over the secret.
#[derive(Debug, Default, Clone)]
pub struct RawSettings {
    values: HashMap<String, String>,
    /// Set when a secret was named but could not be read: absent keys then mean "unavailable",
    /// not "embedded", so a production function never silently falls back to a local file.
    secret_failure: Option<String>,
}

impl RawSettings {
    /// Merges the environment over the secret's values; empty strings count as absent.
    pub fn merge(env: &HashMap<String, String>, secret: SecretSource) -> Self {
        let (mut values, secret_failure) = match secret {
            SecretSource::None => (HashMap::new(), None),
            SecretSource::Loaded(values) => (values, None),
            SecretSource::Failed(reason) => (HashMap::new(), Some(reason)),
        };
        for (key, value) in env {
            values.insert(key.clone(), value.clone());
        }
        values.retain(|_, value| !value.trim().is_empty());
        Self {
            values,
            secret_failure,
        }
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|v| v.trim())
    }

    /// The setting for one store, or what to do when it is absent.
    fn store<T>(
        &self,
        key: &'static str,
        parse: impl FnOnce(&str) -> Result<T, String>,
    ) -> StoreSetting<T> {
        match self.get(key) {
            Some(value) => match parse(value) {
                Ok(parsed) => StoreSetting::Production(parsed),
                Err(reason) => invalid(key, reason),
            },
            None => match &self.secret_failure {
                Some(reason) => invalid(key, format!("the secret could not be read: {reason}")),
                None => StoreSetting::Embedded,
            },
        }
    }

    pub fn into_settings(self) -> Settings {
        let in_lambda = self.get(keys::LAMBDA_TASK_ROOT).is_some();
        let catalog = self.store(keys::MONGODB_URI, |uri| {
            if !(uri.starts_with("mongodb://") || uri.starts_with("mongodb+srv://")) {
                return Err("expected a mongodb:// or mongodb+srv:// URI".into());
            }
            Ok(MongoSettings {
                uri: Secret::new(uri),
                database: self
                    .get(keys::MONGODB_DATABASE)
                    .unwrap_or(DEFAULT_MONGODB_DATABASE)
                    .to_string(),
            })
        });
        let accounts = self.store(keys::POSTGRES_URL, |url| {
            url_with_scheme(url, &["postgres", "postgresql"])
        });
        let reviews = self.store(keys::MYSQL_URL, |url| {
            url_with_scheme(url, &["mysql", "mariadb"])
        });
        let cache = self.store(keys::REDIS_URL, |url| {
            url_with_scheme(url, &["redis", "rediss", "redis+unix", "unix"])
        });
        let profiles = self.store(keys::FIREBASE_DATABASE_URL, |url| self.firebase(url));
        let tmdb = match (self.get(keys::TMDB_API_TOKEN), self.get(keys::TMDB_API_KEY)) {
            (None, None) => StoreSetting::Embedded,
            (token, key) => {
                let auth = match token {
                    Some(token) => TmdbAuth::ReadToken(Secret::new(token)),
                    None => TmdbAuth::ApiKey(Secret::new(key.unwrap_or_default())),
                };
                let base = self
                    .get(keys::TMDB_BASE_URL)
                    .unwrap_or(DEFAULT_TMDB_BASE_URL);
                match parse_http_url(base) {
                    Ok(base_url) => StoreSetting::Production(TmdbSettings { auth, base_url }),
                    Err(reason) => invalid(keys::TMDB_BASE_URL, reason),
                }
            }
        };
        let wikidata_sparql_url = match parse_http_url(
            self.get(keys::WIKIDATA_SPARQL_URL)
                .unwrap_or(DEFAULT_WIKIDATA_SPARQL_URL),
        ) {
            Ok(url) => StoreSetting::Production(url),
            Err(reason) => invalid(keys::WIKIDATA_SPARQL_URL, reason),
        };
        let run_migrations = match self.get(keys::MOVIEVERSE_RUN_MIGRATIONS) {
            None => false,
            Some(value) => parse_bool(value).unwrap_or_else(|| {
                tracing::warn!(
                    key = keys::MOVIEVERSE_RUN_MIGRATIONS,
                    "malformed setting: expected true or false; migrations stay off"
                );
                false
            }),
        };
        Settings {
            catalog,
            accounts,
            reviews,
            profiles,
            cache,
            cache_prefix: self
                .get(keys::REDIS_KEY_PREFIX)
                .unwrap_or(DEFAULT_REDIS_KEY_PREFIX)
                .to_string(),
            tmdb,
            wikidata_sparql_url,
            jwt_secret: self.get(keys::JWT_SECRET).map(Secret::new),
            data_dir: PathBuf::from(
                self.get(keys::MOVIEVERSE_DATA_DIR)
                    .unwrap_or(DEFAULT_DATA_DIR),
            ),
            run_migrations,
            credential_limits: CredentialLimits::from_raw(&self),
            in_lambda,
        }
    }

    fn firebase(&self, url: &str) -> Result<FirebaseSettings, String> {
        let database_url = parse_http_url(url)?;
        let emulator_host = self
            .get(keys::FIREBASE_DATABASE_EMULATOR_HOST)
            .map(str::to_string);
        let auth = match (
            self.get(keys::FIREBASE_SERVICE_ACCOUNT),
            self.get(keys::FIREBASE_AUTH_TOKEN),
        ) {
            (Some(account), _) => {
                let parsed: serde_json::Value = serde_json::from_str(account)
                    .map_err(|_| format!("{} is not valid JSON", keys::FIREBASE_SERVICE_ACCOUNT))?;
                for field in ["client_email", "private_key"] {
                    if parsed.get(field).and_then(|v| v.as_str()).is_none() {
                        return Err(format!("{} has no {field}", keys::FIREBASE_SERVICE_ACCOUNT));
                    }
                }
                FirebaseAuth::ServiceAccount(Secret::new(account))
            }
            (None, Some(token)) => FirebaseAuth::Token(Secret::new(token)),
            (None, None) if emulator_host.is_some() => FirebaseAuth::None,
            (None, None) => {
                return Err(format!(
                    "set {} or {} (or {} for the emulator)",
                    keys::FIREBASE_SERVICE_ACCOUNT,
                    keys::FIREBASE_AUTH_TOKEN,
                    keys::FIREBASE_DATABASE_EMULATOR_HOST
                ))
            }
        };
        Ok(FirebaseSettings {
            database_url,
            auth,
            emulator_host,
        })
    }
}

fn invalid<T>(key: &'static str, reason: String) -> StoreSetting<T> {
    // The reason never contains the value itself, only what is wrong with it.
    tracing::error!(key, reason = %reason, "malformed setting; that store stays unavailable");
    StoreSetting::Invalid { key, reason }
}

fn url_with_scheme(value: &str, schemes: &[&str]) -> Result<Secret, String> {
    let parsed = url::Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
    if schemes.contains(&parsed.scheme()) {
        Ok(Secret::new(value))
    } else {
        Err(format!("expected a {} URL", schemes.join(" or ")))
    }
}

fn parse_http_url(value: &str) -> Result<url::Url, String> {
    let parsed = url::Url::parse(value).map_err(|e| format!("not a URL ({e})"))?;
    match parsed.scheme() {
        "http" | "https" => Ok(parsed),
        _ => Err("expected an http or https URL".into()),
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Reads `.env` (if present) into the process environment, then the environment into a map.
pub fn environment() -> HashMap<String, String> {
    // A missing .env is the normal case in Lambda; a malformed one is worth a warning.
    if let Err(error) = dotenvy::dotenv() {
        if !error.not_found() {
            tracing::warn!(error = %error, "could not read .env");
        }
    }
    std::env::vars().collect()
}

/// Loads the settings of this container: `.env`, the environment, and the named secret.
pub async fn load() -> Settings {
    let env = environment();
    let secret = match env.get(keys::MOVIEVERSE_SECRET_ID) {
        Some(id) if !id.trim().is_empty() => crate::secrets::fetch(id.trim()).await,
        _ => SecretSource::None,
    };
    RawSettings::merge(&env, secret).into_settings()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)], secret: SecretSource) -> Settings {
        let env = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        RawSettings::merge(&env, secret).into_settings()
    }

    #[test]
    fn absent_settings_mean_embedded_stores() {
        let s = settings(&[], SecretSource::None);
        assert!(s.catalog.is_embedded());
        assert!(s.accounts.is_embedded());
        assert!(s.reviews.is_embedded());
        assert!(s.profiles.is_embedded());
        assert!(s.cache.is_embedded());
        assert!(s.tmdb.is_embedded());
        assert_eq!(s.data_dir, PathBuf::from(DEFAULT_DATA_DIR));
    }

    #[test]
    fn malformed_settings_make_the_store_invalid_without_echoing_the_value() {
        let s = settings(
            &[
                (keys::POSTGRES_URL, "mysql://hunter2@db/x"),
                (keys::MONGODB_URI, "http://hunter2"),
            ],
            SecretSource::None,
        );
        for setting in [format!("{:?}", s.accounts), format!("{:?}", s.catalog)] {
            assert!(setting.contains("Invalid"), "{setting}");
            assert!(!setting.contains("hunter2"), "{setting}");
        }
    }

    #[test]
    fn environment_wins_over_the_secret() {
        let secret = SecretSource::Loaded(HashMap::from([
            (
                keys::REDIS_URL.to_string(),
                "redis://secret-host/".to_string(),
            ),
            (
                keys::MYSQL_URL.to_string(),
                "mysql://root@secret-host/r".to_string(),
            ),
        ]));
        let s = settings(&[(keys::REDIS_URL, "redis://env-host/")], secret);
        assert_eq!(
            s.cache,
            StoreSetting::Production(Secret::new("redis://env-host/"))
        );
        assert_eq!(
            s.reviews,
            StoreSetting::Production(Secret::new("mysql://root@secret-host/r"))
        );
    }

    #[test]
    fn an_unreadable_secret_never_falls_back_to_embedded() {
        let s = settings(&[], SecretSource::Failed("access denied".into()));
        assert!(matches!(s.accounts, StoreSetting::Invalid { .. }));
        assert!(matches!(s.catalog, StoreSetting::Invalid { .. }));
    }

    #[test]
    fn only_real_lambda_counts_as_lambda() {
        // `cargo lambda watch` sets the function name; only AWS sets the task root.
        let local = settings(
            &[("AWS_LAMBDA_FUNCTION_NAME", "movies")],
            SecretSource::None,
        );
        assert!(!local.in_lambda);
        let aws = settings(&[(keys::LAMBDA_TASK_ROOT, "/var/task")], SecretSource::None);
        assert!(aws.in_lambda);
    }

    #[test]
    fn secret_values_are_not_printed() {
        let s = settings(&[(keys::JWT_SECRET, "topsecretvalue")], SecretSource::None);
        assert!(!format!("{s:?}").contains("topsecretvalue"));
    }

    #[test]
    fn firebase_needs_credentials_unless_an_emulator_is_named() {
        let s = settings(
            &[(keys::FIREBASE_DATABASE_URL, "https://x.firebaseio.com")],
            SecretSource::None,
        );
        assert!(matches!(s.profiles, StoreSetting::Invalid { .. }));
        let s = settings(
            &[
                (keys::FIREBASE_DATABASE_URL, "https://x.firebaseio.com"),
                (keys::FIREBASE_DATABASE_EMULATOR_HOST, "127.0.0.1:9001"),
            ],
            SecretSource::None,
        );
        assert!(matches!(
            s.profiles,
            StoreSetting::Production(FirebaseSettings {
                auth: FirebaseAuth::None,
                ..
            })
        ));
    }
}
