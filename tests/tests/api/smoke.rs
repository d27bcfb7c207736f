//! One round trip through each production service, with the same client setup the functions use.

use std::collections::HashMap;
use std::time::Duration;

use movieverse_tests::services::{self, TestMongo, TestMySql, TestPostgres, TestRedis};
use shared::cache::{Cache, RedisCache};
use shared::config::{keys, RawSettings, StoreSetting};
use shared::secrets::SecretSource;
use shared::stores::Backend;

#[tokio::test]
async fn postgres_pool_connects_and_migrates() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    let pool = shared::state::pg_pool(&pg.url).unwrap();
    shared::migrate::postgres(&pool).await.expect("migrations");
    let (value,): (String,) = sqlx::query_as("SELECT $1::text")
        .bind("movieverse")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(value, "movieverse");
    let citext: Option<String> =
        sqlx::query_scalar("SELECT extname::text FROM pg_extension WHERE extname = 'citext'")
            .fetch_optional(&pool)
            .await
            .unwrap();
    assert_eq!(citext.as_deref(), Some("citext"));
    pool.close().await;
}

#[tokio::test]
async fn mysql_pool_connects_migrates_and_keeps_utf8mb4() {
    let Some(my) = TestMySql::create().await else {
        return;
    };
    let pool = shared::state::mysql_pool(&my.url).unwrap();
    shared::migrate::mysql(&pool).await.expect("migrations");
    let text = "Amélie 🎬 שלום";
    let back: String = sqlx::query_scalar("SELECT CAST(? AS CHAR CHARACTER SET utf8mb4)")
        .bind(text)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(back, text);
    pool.close().await;
}

#[tokio::test]
async fn mongodb_client_round_trips_a_document() {
    let Some(mongo) = TestMongo::create() else {
        return;
    };
    let settings = shared::config::MongoSettings {
        uri: shared::config::Secret::new(mongo.uri.clone()),
        database: mongo.database.clone(),
    };
    let catalog = shared::stores::catalog::MongoCatalog::connect(&settings)
        .await
        .unwrap();
    use shared::stores::CatalogStore;
    catalog.ping().await.expect("ping");
    let collection = catalog
        .database()
        .collection::<mongodb::bson::Document>("smoke");
    collection
        .insert_one(mongodb::bson::doc! {"_id": 550, "title": "Fight Club"})
        .await
        .unwrap();
    let found = collection
        .find_one(mongodb::bson::doc! {"_id": 550})
        .await
        .unwrap()
        .expect("the document");
    assert_eq!(found.get_str("title").unwrap(), "Fight Club");
}

#[tokio::test]
async fn redis_cache_round_trips_and_expires() {
    let Some(redis) = TestRedis::create() else {
        return;
    };
    let cache = Cache::new(
        std::sync::Arc::new(RedisCache::new(&redis.url).unwrap()),
        Backend::Production,
        &redis.prefix,
    );
    let key = cache.key("smoke", 1);
    assert!(key.starts_with(&redis.prefix));
    cache
        .set_raw(
            &key,
            bytes::Bytes::from_static(b"{\"a\":1}"),
            Duration::from_millis(300),
        )
        .await;
    assert_eq!(
        cache.get_raw(&key).await.as_deref(),
        Some(&b"{\"a\":1}"[..])
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(cache.get_raw(&key).await, None);
}

/// The client the functions build from Lambda's environment variables reads a real secret.
#[tokio::test]
async fn secrets_client_from_the_lambda_environment_reads_the_secret() {
    let (Some(admin), Some(endpoint)) = (
        services::secrets_client().await,
        services::service(services::SECRETS_ENV, "Secrets Manager (moto_server)"),
    ) else {
        return;
    };
    let id = put_secret(&admin, r#"{"JWT_SECRET":"from-the-lambda-environment"}"#).await;
    let env = HashMap::from([
        ("AWS_REGION", "us-east-1".to_string()),
        ("AWS_ACCESS_KEY_ID", "test".to_string()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_string()),
        ("AWS_SESSION_TOKEN", "session".to_string()),
        ("AWS_ENDPOINT_URL", endpoint),
    ]);
    let client = shared::secrets::client_from(|name| env.get(name).cloned());

    let source = shared::secrets::fetch_with(&client, &id).await;

    assert!(
        matches!(&source, SecretSource::Loaded(values) if values["JWT_SECRET"] == "from-the-lambda-environment"),
        "{source:?}"
    );
    delete_secret(&admin, &id).await;
}

/// Without a region or credentials the read fails cleanly (the stores it would have configured
/// then answer 503 naming the reason), it does not panic or hang.
#[tokio::test]
async fn secrets_client_without_an_environment_fails_cleanly() {
    let client = shared::secrets::client_from(|_| None);

    let source = shared::secrets::fetch_with(&client, "movieverse/anything").await;

    assert!(matches!(source, SecretSource::Failed(_)), "{source:?}");
}

#[tokio::test]
async fn secrets_manager_secret_becomes_settings_and_env_wins() {
    let Some(client) = services::secrets_client().await else {
        return;
    };
    let id = put_secret(
        &client,
        &serde_json::json!({
            "POSTGRES_URL": "postgres://from-secret@db/accounts",
            "REDIS_URL": "redis://from-secret:6379",
            "JWT_SECRET": "0123456789abcdef0123456789abcdef-from-secret",
        })
        .to_string(),
    )
    .await;

    let source = shared::secrets::fetch_with(&client, &id).await;
    let env = HashMap::from([(
        keys::REDIS_URL.to_string(),
        "redis://from-env:6379".to_string(),
    )]);
    let settings = RawSettings::merge(&env, source).into_settings();
    assert!(
        matches!(&settings.accounts, StoreSetting::Production(url) if url.expose() == "postgres://from-secret@db/accounts")
    );
    assert!(
        matches!(&settings.cache, StoreSetting::Production(url) if url.expose() == "redis://from-env:6379")
    );
    assert!(settings.jwt_secret.is_some());

    let missing = shared::secrets::fetch_with(&client, "movieverse/does-not-exist").await;
    assert!(matches!(missing, SecretSource::Failed(_)));

    delete_secret(&client, &id).await;
}

/// Creates a secret with a unique name on the test server and returns the name.
async fn put_secret(client: &aws_sdk_secretsmanager::Client, text: &str) -> String {
    let id = format!("movieverse/test/{}", uuid::Uuid::new_v4());
    client
        .create_secret()
        .name(&id)
        .secret_string(text)
        .send()
        .await
        .expect("create secret");
    id
}

async fn delete_secret(client: &aws_sdk_secretsmanager::Client, id: &str) {
    client
        .delete_secret()
        .secret_id(id)
        .force_delete_without_recovery(true)
        .send()
        .await
        .expect("delete secret");
}
