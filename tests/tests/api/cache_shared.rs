//! The cache is one system across function processes, on both backends: what one container
//! writes, deletes or counts, another sees. On the embedded default each "container" below opens
//! the data dir's SQLite file on its own pool, as each `cargo lambda watch` process does.

use std::time::Duration;

use bytes::Bytes;
use movieverse_tests::services::TestRedis;
use shared::cache::{ttl, Cache, RedisCache};
use shared::rate_limit::RateLimit;
use shared::stores::Backend;
use shared::ApiError;

/// Two containers over one cache; the guard keeps the data dir (or Redis prefix) alive.
struct TwoContainers {
    one: Cache,
    two: Cache,
    _data_dir: Option<tempfile::TempDir>,
}

async fn embedded() -> TwoContainers {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let open = async || {
        let pool = shared::stores::embedded::open(data_dir.path())
            .await
            .expect("embedded database");
        Cache::embedded(pool, "mv:")
    };
    let (one, two) = (open().await, open().await);
    TwoContainers {
        one,
        two,
        _data_dir: Some(data_dir),
    }
}

fn redis(service: &TestRedis) -> TwoContainers {
    let open = || {
        Cache::new(
            std::sync::Arc::new(RedisCache::new(&service.url).expect("client")),
            Backend::Production,
            &service.prefix,
        )
    };
    TwoContainers {
        one: open(),
        two: open(),
        _data_dir: None,
    }
}

macro_rules! on_both {
    ($($name:ident),* $(,)?) => {$(
        mod $name {
            #[tokio::test]
            async fn embedded() {
                super::$name(super::embedded().await).await;
            }

            #[tokio::test]
            async fn redis() {
                if let Some(service) = movieverse_tests::services::TestRedis::create() {
                    super::$name(super::redis(&service)).await;
                }
            }
        }
    )*};
}

on_both!(
    a_write_or_delete_in_one_container_is_read_in_the_other,
    entries_and_counters_expire_for_every_container,
    rate_limits_count_hits_from_every_container,
    a_list_generation_bumped_anywhere_moves_every_list_key,
);

async fn a_write_or_delete_in_one_container_is_read_in_the_other(c: TwoContainers) {
    let key = c.one.key("shared", 1);
    assert_eq!(c.two.get_raw(&key).await, None);
    c.one
        .set_raw(&key, Bytes::from_static(b"{\"v\":1}"), ttl::DETAILS)
        .await;
    assert_eq!(
        c.two.get_raw(&key).await.as_deref(),
        Some(&b"{\"v\":1}"[..])
    );
    // A load in one container is a hit in the other, byte for byte.
    let other = c.one.key("shared", 2);
    let (loaded, _) = c
        .one
        .get_or_load_json(&other, ttl::DETAILS, async || Ok(vec![1, 2, 3]))
        .await
        .expect("load");
    let (hit, status) = c
        .two
        .get_or_load_json(&other, ttl::DETAILS, async || Ok(vec![9]))
        .await
        .expect("hit");
    assert_eq!((hit, status.as_str()), (loaded, "hit"));
    c.two.invalidate(&[key.clone(), other.clone()]).await;
    assert_eq!(c.one.get_raw(&key).await, None);
    assert_eq!(c.one.get_raw(&other).await, None);
}

async fn entries_and_counters_expire_for_every_container(c: TwoContainers) {
    let key = c.one.key("short", 1);
    c.one
        .set_raw(&key, Bytes::from_static(b"x"), Duration::from_millis(150))
        .await;
    assert!(c.two.get_raw(&key).await.is_some());
    let counter = c.one.key("rl", "short");
    assert_eq!(
        c.one
            .hit(&counter, Duration::from_millis(150))
            .await
            .map(|h| h.0),
        Some(1)
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(c.two.get_raw(&key).await, None);
    // A counter past its window starts again at one, with a whole new window.
    let (count, left) = c
        .two
        .hit(&counter, Duration::from_secs(60))
        .await
        .expect("counter");
    assert_eq!(count, 1);
    assert!(left > Duration::from_secs(50), "{left:?}");
}

async fn rate_limits_count_hits_from_every_container(c: TwoContainers) {
    let limit = RateLimit::new("shared-test", 3, Duration::from_secs(60));
    let mut remaining = Vec::new();
    for cache in [&c.one, &c.two, &c.one] {
        let state = limit
            .hit(cache, "203.0.113.9")
            .await
            .expect("within the limit");
        remaining.push(state.remaining);
    }
    assert_eq!(remaining, [2, 1, 0]);
    match limit.hit(&c.two, "203.0.113.9").await {
        Err(ApiError::RateLimited(state)) => assert_eq!(state.remaining, 0),
        other => panic!("the fourth hit from either container is limited: {other:?}"),
    }
    // Another subject has its own count.
    assert!(limit.hit(&c.two, "198.51.100.7").await.is_ok());
    // Concurrent hits from both containers are all counted.
    let burst = RateLimit::new("shared-burst", 1_000, Duration::from_secs(60));
    let hits = (0..20).map(|i| {
        let cache = if i % 2 == 0 { &c.one } else { &c.two };
        burst.hit(cache, "burst")
    });
    let mut left: Vec<u64> = futures::future::join_all(hits)
        .await
        .into_iter()
        .map(|state| state.expect("within the limit").remaining)
        .collect();
    left.sort_unstable();
    assert_eq!(
        left,
        (980..1000).collect::<Vec<u64>>(),
        "each hit counted once"
    );
}

async fn a_list_generation_bumped_anywhere_moves_every_list_key(c: TwoContainers) {
    let before = c.two.list_key("popular", "page=1").await;
    assert_eq!(before, c.one.list_key("popular", "page=1").await);
    c.one.invalidate_lists().await;
    let after = c.two.list_key("popular", "page=1").await;
    assert_ne!(before, after);
    assert_eq!(after, c.one.list_key("popular", "page=1").await);
}
