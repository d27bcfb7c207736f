//! The whole API in process, in the deployed shape: every function's router over its own state,
//! dispatched by the same route table that `cargo lambda watch` uses, all built from one test's
//! settings.

use std::collections::{BTreeMap, HashMap};

use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode};
use axum::Router;
use bytes::Bytes;
use serde_json::Value;
use shared::config::{keys, RawSettings, Settings};
use shared::secrets::SecretSource;
use shared::AppState;
use tower::ServiceExt;

use crate::client::ApiClient;
use crate::deployed::DeployedApi;
use crate::services::{TestMongo, TestMySql, TestPostgres, TestRedis};

/// The `[workspace.metadata.lambda.watch.router]` table: path → function.
pub fn route_table() -> BTreeMap<String, String> {
    let manifest: toml::Table =
        toml::from_str(include_str!("../../Cargo.toml")).expect("Cargo.toml parses");
    let router = &manifest["workspace"]["metadata"]["lambda"]["watch"]["router"];
    router
        .as_table()
        .expect("router table")
        .iter()
        .map(|(path, function)| {
            (
                path.clone(),
                function.as_str().expect("function name").to_string(),
            )
        })
        .collect()
}

/// The functions that answer HTTP.
pub const HTTP_FUNCTIONS: [&str; 5] = ["movies", "people", "auth", "reviews", "profiles"];
/// Every function, each a container of its own: the HTTP ones and seed (schedule events).
pub const FUNCTIONS: [&str; 6] = ["movies", "people", "auth", "reviews", "profiles", "seed"];

/// A function's router over `state`: what its `main` hands to `lambda_http::run`.
pub fn function_router(function: &str, state: AppState) -> Router {
    match function {
        "movies" => movies::router(state),
        "people" => people::router(state),
        "auth" => auth::router(state),
        "reviews" => reviews::router(state),
        "profiles" => profiles::router(state),
        other => panic!("no HTTP function named {other}"),
    }
}

/// The routers of every function behind one service that dispatches by path like API Gateway:
/// the route table picks the function, and the function's own router sees the untouched
/// request. (Nesting routers would capture path parameters twice, which production never does.)
fn gateway(functions: HashMap<String, Router>) -> Router {
    let mut table = matchit::Router::new();
    for (path, function) in route_table() {
        assert!(
            functions.contains_key(&function),
            "unknown function {function} for {path}"
        );
        table
            .insert(path.clone(), function)
            .expect("route table paths are valid");
    }
    let table = std::sync::Arc::new(table);
    let functions = std::sync::Arc::new(functions);
    Router::new().fallback_service(tower::service_fn(move |request: Request<Body>| {
        let function = table
            .at(request.uri().path())
            .map(|matched| matched.value.clone())
            // Paths no function owns: API Gateway answers 404; any function's fallback does too.
            .unwrap_or_else(|_| "movies".to_string());
        let router = functions[&function].clone();
        router.oneshot(request)
    }))
}

/// Settings as the functions would read them from this environment.
pub fn settings_from(pairs: &[(&str, &str)]) -> Settings {
    let env: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    RawSettings::merge(&env, SecretSource::None).into_settings()
}

/// The API over one test's stores, in the deployed shape: each function runs over its own
/// [`AppState`] (its own cache tier, pools and per-container memory), built from the same
/// settings, as six Lambda containers would be. What one function caches, another sees only
/// through the shared stores and the shared cache.
pub struct TestApp {
    /// The test's own container: for arranging data and inspecting stores directly, as an
    /// operator's tool would. No request goes through it.
    pub state: AppState,
    functions: HashMap<String, AppState>,
    /// The settings every container reads, as environment variables.
    env: Vec<(String, String)>,
    router: Router,
    pub data_dir: tempfile::TempDir,
    pub postgres: Option<TestPostgres>,
    pub mysql: Option<TestMySql>,
    pub mongo: Option<TestMongo>,
    pub redis: Option<TestRedis>,
}

impl TestApp {
    /// Every store embedded in a fresh data directory: what `cargo lambda watch` runs.
    pub async fn embedded() -> Self {
        Self::build(&[], None, None, None, None).await
    }

    /// Every production adapter that has a test service (Firebase has none: profiles stay
    /// embedded). `None` when a service is missing (outside CI).
    pub async fn production() -> Option<Self> {
        let postgres = TestPostgres::create().await?;
        let mysql = TestMySql::create().await?;
        let mongo = TestMongo::create()?;
        let redis = TestRedis::create()?;
        Some(Self::build(&[], Some(postgres), Some(mysql), Some(mongo), Some(redis)).await)
    }

    /// The settings every container of this app reads: the test's stores and `extra`.
    fn settings_pairs(
        data_path: &str,
        extra: &[(&str, &str)],
        postgres: Option<&TestPostgres>,
        mysql: Option<&TestMySql>,
        mongo: Option<&TestMongo>,
        redis: Option<&TestRedis>,
    ) -> Vec<(String, String)> {
        let mut pairs: Vec<(&str, &str)> = vec![
            (keys::MOVIEVERSE_DATA_DIR, data_path),
            (keys::MOVIEVERSE_RUN_MIGRATIONS, "true"),
        ];
        if let Some(pg) = postgres {
            pairs.push((keys::POSTGRES_URL, &pg.url));
        }
        if let Some(my) = mysql {
            pairs.push((keys::MYSQL_URL, &my.url));
        }
        if let Some(mongo) = mongo {
            pairs.push((keys::MONGODB_URI, &mongo.uri));
            pairs.push((keys::MONGODB_DATABASE, &mongo.database));
        }
        if let Some(redis) = redis {
            pairs.push((keys::REDIS_URL, &redis.url));
            pairs.push((keys::REDIS_KEY_PREFIX, &redis.prefix));
        }
        pairs.extend_from_slice(extra);
        pairs
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    /// A custom mix: pass the services to use and extra settings.
    pub async fn build(
        extra: &[(&str, &str)],
        postgres: Option<TestPostgres>,
        mysql: Option<TestMySql>,
        mongo: Option<TestMongo>,
        redis: Option<TestRedis>,
    ) -> Self {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let data_path = data_dir.path().to_string_lossy().to_string();
        let pairs = Self::settings_pairs(
            &data_path,
            extra,
            postgres.as_ref(),
            mysql.as_ref(),
            mongo.as_ref(),
            redis.as_ref(),
        );
        let env = pairs.clone();
        let pairs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        // The test's container migrates (as the operator's `migrate` step would); the
        // functions then start over migrated stores, one after another like cold starts.
        let state = AppState::from_settings(settings_from(&pairs)).await;
        let mut settings = settings_from(&pairs);
        settings.run_migrations = false;
        let mut functions = HashMap::new();
        for function in FUNCTIONS {
            let container = AppState::from_settings(settings.clone()).await;
            functions.insert(function.to_string(), container);
        }
        let router = gateway(
            HTTP_FUNCTIONS
                .iter()
                .map(|name| {
                    (
                        name.to_string(),
                        function_router(name, functions[*name].clone()),
                    )
                })
                .collect(),
        );
        Self {
            state,
            functions,
            env,
            router,
            data_dir,
            postgres,
            mysql,
            mongo,
            redis,
        }
    }

    /// The state of one function's container (e.g. `"movies"`, or `"seed"` to run an import as
    /// the scheduled function would).
    pub fn function_state(&self, function: &str) -> &AppState {
        self.functions
            .get(function)
            .unwrap_or_else(|| panic!("no HTTP function named {function}"))
    }

    /// One function's router over its own container, for requests sent to it alone (as a
    /// Lambda invocation with an event would be).
    pub fn function(&self, function: &str) -> Router {
        function_router(function, self.function_state(function).clone())
    }

    /// The same API as real processes ([`DeployedApi`]) over this app's stores and data dir,
    /// which this app's own container has already migrated.
    pub async fn deploy(&self) -> DeployedApi {
        let env: Vec<(String, String)> = self
            .env
            .iter()
            .filter(|(key, _)| key != keys::MOVIEVERSE_RUN_MIGRATIONS)
            .cloned()
            .collect();
        DeployedApi::start(&env, self.data_dir.path()).await
    }

    /// Sends a request through the API.
    pub async fn send(&self, request: Request<Body>) -> TestResponse {
        let response = self
            .router
            .clone()
            .oneshot(request)
            .await
            .expect("routers are infallible");
        let status = response.status();
        let headers = response.headers().clone();
        let body = axum::body::to_bytes(response.into_body(), usize::MAX)
            .await
            .expect("body");
        TestResponse {
            status,
            headers,
            body,
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        ApiClient::get(self, path).await
    }

    /// A request with an optional JSON body and bearer token.
    pub async fn call(
        &self,
        method: Method,
        path: &str,
        body: Option<Value>,
        token: Option<&str>,
    ) -> TestResponse {
        ApiClient::call(self, method, path, body, token).await
    }

    /// An access token for a user id and role, signed with this app's key.
    pub fn token(&self, user: uuid::Uuid, role: shared::auth::Role) -> String {
        self.state
            .jwt()
            .expect("signing key")
            .issue(user, role)
            .expect("token")
            .0
    }
}

/// A buffered response.
#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl TestResponse {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "body is not JSON ({e}): {}",
                String::from_utf8_lossy(&self.body)
            )
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// Asserts a problem+json answer with `status`, and returns the problem.
    pub fn problem(&self, status: StatusCode) -> Value {
        assert_eq!(
            self.status,
            status,
            "body: {}",
            String::from_utf8_lossy(&self.body)
        );
        assert_eq!(
            self.header("content-type"),
            Some("application/problem+json")
        );
        let problem = self.json();
        assert_eq!(problem["status"], status.as_u16());
        assert!(problem["type"].is_string() && problem["title"].is_string());
        problem
    }
}
