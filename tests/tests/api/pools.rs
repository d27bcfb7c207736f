//! The functions' PostgreSQL and MariaDB pools hand out a connection used moments ago without a
//! ping, and check one that sat idle: a connection the server closed while the container was
//! frozen is replaced by the next request, never returned to it as an error.

use std::time::Duration;

use movieverse_tests::services::{TestMySql, TestPostgres};
use shared::state::PING_IF_IDLE_FOR;

/// Longer than the idle time after which a pooled connection is checked.
const IDLE: Duration = PING_IF_IDLE_FOR.saturating_add(Duration::from_millis(300));

#[tokio::test]
async fn a_postgres_connection_closed_while_idle_is_replaced() {
    let Some(db) = TestPostgres::create().await else {
        return;
    };
    let pool = shared::state::pg_pool(&db.url).expect("pool");
    let backend = || sqlx::query_scalar::<_, i32>("SELECT pg_backend_pid()").fetch_one(&pool);
    let first = backend().await.expect("first query");
    // Closed by the server, as an idle timeout or a failover would.
    let admin = sqlx::PgPool::connect(&db.url).await.expect("admin");
    let closed: bool = sqlx::query_scalar("SELECT pg_terminate_backend($1)")
        .bind(first)
        .fetch_one(&admin)
        .await
        .expect("terminate");
    assert!(closed);
    tokio::time::sleep(IDLE).await;
    let second = backend()
        .await
        .expect("the next query gets a live connection");
    assert_ne!(first, second);
    pool.close().await;
    admin.close().await;
}

#[tokio::test]
async fn a_mariadb_connection_closed_while_idle_is_replaced() {
    let Some(db) = TestMySql::create().await else {
        return;
    };
    let pool = shared::state::mysql_pool(&db.url).expect("pool");
    let connection_id = || sqlx::query_scalar::<_, u64>("SELECT CONNECTION_ID()").fetch_one(&pool);
    let first = connection_id().await.expect("first query");
    let admin = sqlx::MySqlPool::connect(&db.url).await.expect("admin");
    sqlx::query(&format!("KILL {first}"))
        .execute(&admin)
        .await
        .expect("kill");
    tokio::time::sleep(IDLE).await;
    let second = connection_id()
        .await
        .expect("the next query gets a live connection");
    assert_ne!(first, second);
    pool.close().await;
    admin.close().await;
}
