//! Latency summaries: what every measurement reports, whoever took it.

use std::time::Duration;

/// The latency distribution and rate of one load run.
#[derive(Debug, Clone, Copy, Default)]
pub struct Latency {
    pub p50: Duration,
    pub p99: Duration,
    pub requests: u64,
    pub per_second: f64,
}

/// Summarises samples (any order) taken over `elapsed`.
pub fn summarise(mut samples: Vec<Duration>, elapsed: Duration) -> Latency {
    samples.sort_unstable();
    let requests = u64::try_from(samples.len()).unwrap_or(u64::MAX);
    let per_second = if elapsed.is_zero() {
        0.0
    } else {
        samples.len() as f64 / elapsed.as_secs_f64()
    };
    Latency {
        p50: percentile(&samples, 50),
        p99: percentile(&samples, 99),
        requests,
        per_second,
    }
}

/// The nearest-rank percentile of sorted samples.
fn percentile(sorted: &[Duration], pct: usize) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = (sorted.len() * pct).div_ceil(100).max(1);
    sorted[rank.min(sorted.len()) - 1]
}

/// The median of a few timings (cold starts).
pub fn median(mut samples: Vec<Duration>) -> Option<Duration> {
    samples.sort_unstable();
    samples.get(samples.len() / 2).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank_percentiles() {
        let samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let summary = summarise(samples, Duration::from_secs(1));
        assert_eq!(summary.p50, Duration::from_micros(50));
        assert_eq!(summary.p99, Duration::from_micros(99));
        assert_eq!(summary.requests, 100);
        assert_eq!(summarise(Vec::new(), Duration::ZERO).p50, Duration::ZERO);
        assert_eq!(
            median(vec![
                Duration::from_millis(3),
                Duration::from_millis(1),
                Duration::from_millis(2)
            ]),
            Some(Duration::from_millis(2))
        );
    }
}
