//! Where the time of a cached read goes besides the two round trips: the per-request work the
//! movies route does on a hit, each timed alone in this (release) process on the real bytes.

use std::time::{Duration, Instant};

use crate::report::{Report, Row};
use crate::Fallible;

/// Iterations per operation: enough for a stable mean of microsecond operations.
const ITERATIONS: u32 = 20_000;

/// Times the work of a cache hit on `body` (the answer, which is also the cached value: a hit
/// sends the cached bytes as they are, with no decoding or encoding).
pub fn cached_read(body: &[u8], report: &mut Report) -> Fallible<()> {
    let etag = mean(|| {
        std::hint::black_box(shared::http::etag_for(std::hint::black_box(body)));
    });
    let request_id = mean(|| {
        std::hint::black_box(shared::http::new_request_id());
    });
    for (what, took, why) in [
        (
            format!("ETag: SHA-256 of the answer ({} B)", body.len()),
            etag,
            "middleware, every 200 GET",
        ),
        (
            "request id: UUID v4".to_string(),
            request_id,
            "request middleware, every request without x-request-id",
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
