//! Where the time of a cached read goes besides the two round trips: the per-request work the
//! movies route does on a hit, each timed alone in this (release) process on the real bytes.

use std::time::{Duration, Instant};

use shared::domain::Movie;

use crate::report::{Report, Row};
use crate::Fallible;

/// Iterations per operation: enough for a stable mean of microsecond operations.
const ITERATIONS: u32 = 20_000;

/// Times the work of a cache hit on `cached` (the Redis value) and `body` (the answer).
pub fn cached_read(cached: &[u8], body: &[u8], report: &mut Report) -> Fallible<()> {
    let movie: Movie = serde_json::from_slice(cached)?;
    let decode = mean(|| {
        let decoded: Result<Movie, _> = serde_json::from_slice(std::hint::black_box(cached));
        std::hint::black_box(decoded.is_ok());
    });
    let encode = mean(|| {
        let encoded = serde_json::to_vec(std::hint::black_box(&movie));
        std::hint::black_box(encoded.is_ok());
    });
    let etag = mean(|| {
        std::hint::black_box(shared::http::etag_for(std::hint::black_box(body)));
    });
    let request_id = mean(|| {
        std::hint::black_box(uuid::Uuid::new_v4());
    });
    for (what, took, why) in [
        (
            format!("decode the cached Movie ({} B)", cached.len()),
            decode,
            "serde_json, every hit",
        ),
        (
            format!("encode a Movie ({} B, an upper bound)", cached.len()),
            encode,
            "serde_json, every hit",
        ),
        (
            format!("ETag: SHA-256 of the answer ({} B)", body.len()),
            etag,
            "middleware, every 200 GET",
        ),
        (
            "request id: UUID v4".to_string(),
            request_id,
            "SetRequestIdLayer, every request",
        ),
    ] {
        report.push(Row::info(
            format!("  cost of: {what}"),
            format!("{:.2} µs", took.as_secs_f64() * 1e6),
            why.into(),
        ));
    }
    Ok(())
}

fn mean(mut operation: impl FnMut()) -> Duration {
    let started = Instant::now();
    for _ in 0..ITERATIONS {
        operation();
    }
    started.elapsed() / ITERATIONS
}
