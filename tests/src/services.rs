//! Per-test resources on the real test services. Each guard removes what it created when dropped.

use std::future::Future;

use uuid::Uuid;

/// Environment variables `scripts/test.sh` sets for the services it found running.
pub const POSTGRES_ENV: &str = "MV_TEST_POSTGRES_URL";
pub const MYSQL_ENV: &str = "MV_TEST_MYSQL_URL";
pub const REDIS_ENV: &str = "MV_TEST_REDIS_URL";
pub const MONGODB_ENV: &str = "MV_TEST_MONGODB_URI";
pub const SECRETS_ENV: &str = "MV_TEST_SECRETS_ENDPOINT";

/// The URL of a service, or `None` (after saying so) when the test should be skipped.
/// Under `CI=true` a missing service is a failure, not a skip.
pub fn service(env: &str, name: &str) -> Option<String> {
    match std::env::var(env).ok().filter(|v| !v.is_empty()) {
        Some(url) => Some(url),
        None if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("{name} is required under CI=true but {env} is not set (run scripts/test.sh)")
        }
        None => {
            eprintln!("SKIPPED: {name} is not available ({env} is not set); run scripts/test.sh");
            None
        }
    }
}

/// A unique, valid database name for one test.
pub fn unique_name() -> String {
    format!("mvt_{}", Uuid::new_v4().simple())
}

/// Runs an async cleanup from `Drop`, on its own thread and runtime so it works from any test.
fn cleanup<F, Fut>(work: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()>,
{
    let handle = std::thread::spawn(move || {
        if let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        {
            runtime.block_on(work());
        }
    });
    let _ = handle.join();
}

fn with_database(url: &str, database: &str) -> String {
    let mut parsed = url::Url::parse(url).expect("service URL");
    parsed.set_path(&format!("/{database}"));
    parsed.to_string()
}

/// A fresh PostgreSQL database, dropped at the end of the test.
pub struct TestPostgres {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl TestPostgres {
    pub async fn create() -> Option<Self> {
        let admin_url = service(POSTGRES_ENV, "PostgreSQL")?;
        let name = unique_name();
        let admin = sqlx::PgPool::connect(&admin_url)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("create test database");
        admin.close().await;
        let url = with_database(&admin_url, &name);
        Some(Self {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for TestPostgres {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        cleanup(move || async move {
            if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                    .execute(&admin)
                    .await;
            }
        });
    }
}

/// A fresh MySQL/MariaDB database (utf8mb4), dropped at the end of the test.
pub struct TestMySql {
    admin_url: String,
    pub name: String,
    pub url: String,
}

impl TestMySql {
    pub async fn create() -> Option<Self> {
        let admin_url = service(MYSQL_ENV, "MariaDB")?;
        let name = unique_name();
        let admin = sqlx::MySqlPool::connect(&admin_url)
            .await
            .expect("connect to MariaDB");
        sqlx::query(&format!(
            "CREATE DATABASE {name} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"
        ))
        .execute(&admin)
        .await
        .expect("create test database");
        admin.close().await;
        let url = with_database(&admin_url, &name);
        Some(Self {
            admin_url,
            name,
            url,
        })
    }
}

impl Drop for TestMySql {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        cleanup(move || async move {
            if let Ok(admin) = sqlx::MySqlPool::connect(&admin_url).await {
                let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name}"))
                    .execute(&admin)
                    .await;
            }
        });
    }
}

/// A fresh MongoDB database name on the test server, dropped at the end of the test.
pub struct TestMongo {
    pub uri: String,
    pub database: String,
}

impl TestMongo {
    pub fn create() -> Option<Self> {
        let uri = service(MONGODB_ENV, "MongoDB (nx-27017)")?;
        Some(Self {
            uri,
            database: unique_name(),
        })
    }
}

impl Drop for TestMongo {
    fn drop(&mut self) {
        let (uri, database) = (self.uri.clone(), self.database.clone());
        cleanup(move || async move {
            if let Ok(client) = mongodb::Client::with_uri_str(&uri).await {
                let _ = client.database(&database).drop().await;
            }
        });
    }
}

/// A key prefix of its own on the test Redis; its keys are deleted at the end of the test.
pub struct TestRedis {
    pub url: String,
    pub prefix: String,
}

impl TestRedis {
    pub fn create() -> Option<Self> {
        let url = service(REDIS_ENV, "Redis")?;
        Some(Self {
            url,
            prefix: format!("mvt:{}:", Uuid::new_v4().simple()),
        })
    }

    pub async fn connection(&self) -> redis::aio::MultiplexedConnection {
        redis::Client::open(self.url.as_str())
            .expect("Redis URL")
            .get_multiplexed_async_connection()
            .await
            .expect("connect to Redis")
    }

    /// The value stored under `key` (a full key, prefix included).
    pub async fn get(&self, key: &str) -> Option<Vec<u8>> {
        let mut conn = self.connection().await;
        redis::cmd("GET")
            .arg(key)
            .query_async(&mut conn)
            .await
            .expect("GET")
    }

    /// How many milliseconds `key` has left to live (negative: no TTL, or no such key).
    pub async fn ttl_ms(&self, key: &str) -> i64 {
        let mut conn = self.connection().await;
        redis::cmd("PTTL")
            .arg(key)
            .query_async(&mut conn)
            .await
            .expect("PTTL")
    }

    /// Every key under this test's prefix.
    pub async fn keys(&self) -> Vec<String> {
        let mut conn = self.connection().await;
        let pattern = format!("{}*", self.prefix);
        redis::cmd("KEYS")
            .arg(pattern)
            .query_async(&mut conn)
            .await
            .expect("KEYS")
    }
}

impl Drop for TestRedis {
    fn drop(&mut self) {
        let (url, prefix) = (self.url.clone(), self.prefix.clone());
        cleanup(move || async move {
            let Ok(client) = redis::Client::open(url.as_str()) else {
                return;
            };
            let Ok(mut conn) = client.get_multiplexed_async_connection().await else {
                return;
            };
            let keys: Vec<String> = redis::cmd("KEYS")
                .arg(format!("{prefix}*"))
                .query_async(&mut conn)
                .await
                .unwrap_or_default();
            if !keys.is_empty() {
                let _: Result<(), _> = redis::cmd("DEL").arg(keys).query_async(&mut conn).await;
            }
        });
    }
}

/// A Secrets Manager client on the test server (moto_server), with fake credentials.
pub async fn secrets_client() -> Option<aws_sdk_secretsmanager::Client> {
    let endpoint = service(SECRETS_ENV, "Secrets Manager (moto_server)")?;
    Some(shared::secrets::client_from(|name| match name {
        "AWS_REGION" => Some("us-east-1".to_string()),
        "AWS_ACCESS_KEY_ID" | "AWS_SECRET_ACCESS_KEY" => Some("test".to_string()),
        "AWS_ENDPOINT_URL" => Some(endpoint.clone()),
        _ => None,
    }))
}
