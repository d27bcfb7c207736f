//! The near tier of the Redis cache: a hot entry is served from this container for at most
//! `NEAR_TTL`; writes made here are seen at once, writes made by another container within it.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use movieverse_tests::services::TestRedis;
use shared::cache::{ttl, Cache, CacheStatus, RedisCache, NEAR_TTL};
use shared::stores::Backend;

fn container(redis: &TestRedis) -> Cache {
    Cache::new(
        Arc::new(RedisCache::new(&redis.url).unwrap()),
        Backend::Production,
        &redis.prefix,
    )
}

async fn read(cache: &Cache, key: &str, value: u32, loads: &AtomicUsize) -> (u32, CacheStatus) {
    let (bytes, status) = cache
        .get_or_load_json(key, ttl::DETAILS, || async {
            loads.fetch_add(1, Ordering::SeqCst);
            Ok(value)
        })
        .await
        .unwrap();
    (serde_json::from_slice(&bytes).unwrap(), status)
}

#[tokio::test]
async fn hot_entries_skip_redis_for_at_most_the_near_ttl() {
    let Some(redis) = TestRedis::create() else {
        return;
    };
    let here = container(&redis);
    let other = container(&redis);
    let key = here.key("near", 1);
    let loads = AtomicUsize::new(0);

    assert_eq!(read(&here, &key, 1, &loads).await, (1, CacheStatus::Miss));
    assert_eq!(loads.load(Ordering::SeqCst), 1);
    // Another container drops the entry from Redis: this one may keep serving its near copy…
    other.invalidate(std::slice::from_ref(&key)).await;
    assert!(redis.keys().await.is_empty());
    assert_eq!(read(&here, &key, 2, &loads).await, (1, CacheStatus::Hit));
    // …but never past NEAR_TTL.
    tokio::time::sleep(NEAR_TTL + std::time::Duration::from_millis(200)).await;
    assert_eq!(read(&here, &key, 3, &loads).await, (3, CacheStatus::Miss));
    assert_eq!(loads.load(Ordering::SeqCst), 2);

    // A write or an invalidation made in this container is seen by its next read at once.
    here.set_raw(&key, bytes::Bytes::from_static(b"4"), ttl::DETAILS)
        .await;
    assert_eq!(read(&here, &key, 5, &loads).await, (4, CacheStatus::Hit));
    here.invalidate(std::slice::from_ref(&key)).await;
    assert_eq!(read(&here, &key, 6, &loads).await, (6, CacheStatus::Miss));
    other.invalidate(std::slice::from_ref(&key)).await;
}

#[tokio::test]
async fn nothing_is_kept_near_while_redis_is_down() {
    // A port nothing listens on: every write fails, so every read must reach the store.
    let cache = Cache::new(
        Arc::new(RedisCache::new("redis://127.0.0.1:1").unwrap()),
        Backend::Production,
        "mvt:down:",
    );
    let key = cache.key("near", 1);
    let loads = AtomicUsize::new(0);
    assert_eq!(read(&cache, &key, 1, &loads).await, (1, CacheStatus::Miss));
    assert_eq!(read(&cache, &key, 2, &loads).await, (2, CacheStatus::Miss));
    assert_eq!(loads.load(Ordering::SeqCst), 2);
}
