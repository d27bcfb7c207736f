//! A connection the server side closes (failover, idle timeout, NAT) costs no request: the read
//! that finds it dead runs again on a live connection. Each store is reached through a TCP proxy
//! the test cuts right before the request.

use std::sync::Arc;

use axum::http::{Method, StatusCode};
use bytes::Bytes;
use movieverse_tests::proxy::TcpProxy;
use movieverse_tests::services::{TestMongo, TestMySql, TestPostgres, TestRedis};
use movieverse_tests::TestApp;
use serde_json::json;
use shared::cache::{ttl, Cache, RedisCache};
use shared::config::keys;
use shared::stores::Backend;

use super::catalog_fixtures::load;
use super::recommend::fixture;
use super::reviews_api::{add_movie, register};

#[tokio::test]
async fn postgres_reads_survive_a_cut_connection() {
    let Some(pg) = TestPostgres::create().await else {
        return;
    };
    let proxy = TcpProxy::to(&pg.url).await;
    let url = proxy.url();
    let app = TestApp::build(&[(keys::POSTGRES_URL, &url)], Some(pg), None, None, None).await;
    let (id, token) = register(&app, "steady").await;
    let me = app.call(Method::GET, "/auth/me", None, Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK, "{me:?}");

    assert!(proxy.cut_all() > 0, "the pools held connections");
    let again = app.call(Method::GET, "/auth/me", None, Some(&token)).await;
    assert_eq!(again.status, StatusCode::OK, "{again:?}");
    assert_eq!(again.json()["id"], json!(id.to_string()));
}

#[tokio::test]
async fn mariadb_reads_survive_a_cut_connection() {
    let Some(my) = TestMySql::create().await else {
        return;
    };
    let proxy = TcpProxy::to(&my.url).await;
    let url = proxy.url();
    let app = TestApp::build(&[(keys::MYSQL_URL, &url)], None, Some(my), None, None).await;
    add_movie(&app, 4242).await;
    let (_, token) = register(&app, "reviewer").await;
    let posted = app
        .call(
            Method::POST,
            "/movies/4242/reviews",
            Some(json!({"rating": 7, "body": "Holds up."})),
            Some(&token),
        )
        .await;
    assert_eq!(posted.status, StatusCode::CREATED, "{posted:?}");
    assert_eq!(app.get("/movies/4242/reviews").await.status, StatusCode::OK);

    assert!(proxy.cut_all() > 0, "the pools held connections");
    let page = app.get("/movies/4242/reviews").await;
    assert_eq!(page.status, StatusCode::OK, "{page:?}");
    assert_eq!(page.json()["total_results"], 1, "{page:?}");
}

#[tokio::test]
async fn mongodb_reads_survive_a_cut_connection() {
    let Some(mongo) = TestMongo::create() else {
        return;
    };
    let proxy = TcpProxy::to(&mongo.uri).await;
    let uri = proxy.url();
    let app = TestApp::build(&[(keys::MONGODB_URI, &uri)], None, None, Some(mongo), None).await;
    load(app.state.catalog().expect("catalog"), &fixture()).await;
    assert_eq!(app.get("/movies/1").await.status, StatusCode::OK);

    assert!(proxy.cut_all() > 0, "the clients held connections");
    // Another movie: a cache miss, read from MongoDB.
    let movie = app.get("/movies/2").await;
    assert_eq!(movie.status, StatusCode::OK, "{movie:?}");
    assert_eq!(movie.json()["title"], "Same Director");
}

#[tokio::test]
async fn redis_commands_survive_a_cut_connection() {
    let Some(redis) = TestRedis::create() else {
        return;
    };
    let proxy = TcpProxy::to(&redis.url).await;
    let cache = Cache::new(
        Arc::new(RedisCache::new(&proxy.url()).expect("client")),
        Backend::Production,
        &redis.prefix,
    );
    let key = cache.key("cut", 1);
    cache
        .set_raw(&key, Bytes::from_static(b"kept"), ttl::DETAILS)
        .await;
    assert_eq!(cache.get_raw(&key).await.as_deref(), Some(&b"kept"[..]));

    assert_eq!(proxy.cut_all(), 1, "one multiplexed connection");
    // Read through again, not a miss that sends the request to the store.
    assert_eq!(cache.get_raw(&key).await.as_deref(), Some(&b"kept"[..]));
    proxy.cut_all();
    // A rate-limit hit is counted, not lost (a lost hit would let the request through uncounted).
    let counter = cache.key("rl", "cut");
    assert_eq!(
        cache
            .hit(&counter, std::time::Duration::from_secs(60))
            .await
            .map(|h| h.0),
        Some(1)
    );
}
