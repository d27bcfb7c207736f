//! A failure throttle with growing waits, for one kind of subject (an account and an address,
//! or an address alone).
//!
//! Every attempt is counted *before* its password is checked, so a burst of parallel guesses
//! cannot all pass a check made before any of them has failed: of N concurrent attempts, at
//! most `max` are let through to the slow password check, the rest are answered 429 at once and
//! their count is given back. The attempt that uses the last slot and fails starts a wait
//! (`first_delay`, doubling with every such failure up to `max_delay`) and gives one slot back,
//! so after each wait exactly one more guess is allowed. A count lasts `window` from its first
//! attempt; the doubling is remembered for a day.
//!
//! Subjects are stored as a digest: the keys then hold no address nor the text typed as a login.

use std::time::Duration;

use shared::cache::{key_digest, Cache};
use shared::error::RateLimitState;
use shared::ApiError;

/// How long the number of waits served is remembered.
const STRIKE_MEMORY: Duration = Duration::from_secs(24 * 60 * 60);

#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    pub name: &'static str,
    pub max: u64,
    pub window: Duration,
    pub first_delay: Duration,
    pub max_delay: Duration,
}

/// An attempt let through by [`Throttle::begin`]: its place in the count.
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Attempt(i64);

struct Keys {
    attempts: String,
    locked_until: String,
    strikes: String,
}

impl Throttle {
    fn keys(&self, cache: &Cache, subject: &str) -> Keys {
        let subject = key_digest(subject);
        let key = |part: &str| cache.key("rl", format!("{}:{part}:{subject}", self.name));
        Keys {
            attempts: key("attempts"),
            locked_until: key("until"),
            strikes: key("strikes"),
        }
    }

    /// Counts an attempt; 429 (with `Retry-After`) while `subject` must wait or when every slot
    /// is taken by attempts under way.
    pub async fn begin(&self, cache: &Cache, subject: &str) -> Result<Attempt, ApiError> {
        let keys = self.keys(cache, subject);
        let now = now_millis();
        let until = cache.counter(&keys.locked_until).await;
        if until > now {
            return Err(self.refused(Duration::from_millis((until - now).unsigned_abs())));
        }
        let (count, _) = cache.count(&keys.attempts, 1, self.window).await;
        if count > self.max_count() {
            cache.count(&keys.attempts, -1, self.window).await;
            return Err(self.refused(self.first_delay));
        }
        Ok(Attempt(count))
    }

    /// The attempt failed. If it used the last slot, `subject` waits, longer each time.
    pub async fn failed(&self, cache: &Cache, subject: &str, attempt: Attempt) {
        if attempt.0 < self.max_count() {
            return;
        }
        let keys = self.keys(cache, subject);
        let (strikes, _) = cache.count(&keys.strikes, 1, STRIKE_MEMORY).await;
        let delay = self.delay(strikes);
        let until =
            now_millis().saturating_add(i64::try_from(delay.as_millis()).unwrap_or(i64::MAX));
        cache.set_counter(&keys.locked_until, until, delay).await;
        cache.count(&keys.attempts, -1, self.window).await;
    }

    /// The attempt succeeded and was not a failure: its slot is given back.
    pub async fn give_back(&self, cache: &Cache, subject: &str) {
        let keys = self.keys(cache, subject);
        cache.count(&keys.attempts, -1, self.window).await;
    }

    /// Forgets everything about `subject` (its owner proved who they are).
    pub async fn clear(&self, cache: &Cache, subject: &str) {
        let keys = self.keys(cache, subject);
        cache
            .clear_counters(&[keys.attempts, keys.locked_until, keys.strikes])
            .await;
    }

    /// The wait after the `strikes`-th failure past the limit: doubling, capped.
    fn delay(&self, strikes: i64) -> Duration {
        let doublings = u32::try_from(strikes.saturating_sub(1).clamp(0, 30)).unwrap_or(30);
        self.first_delay
            .saturating_mul(2u32.saturating_pow(doublings))
            .min(self.max_delay)
    }

    fn max_count(&self) -> i64 {
        i64::try_from(self.max).unwrap_or(i64::MAX)
    }

    fn refused(&self, wait: Duration) -> ApiError {
        ApiError::RateLimited(RateLimitState {
            limit: self.max,
            remaining: 0,
            reset_secs: wait.as_secs_f64().ceil().max(1.0) as u64,
        })
    }
}

fn now_millis() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn throttle() -> Throttle {
        Throttle {
            name: "test",
            max: 2,
            window: Duration::from_secs(60),
            first_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(5),
        }
    }

    #[test]
    fn waits_double_up_to_the_cap() {
        let t = throttle();
        let secs: Vec<u64> = (1..=5).map(|s| t.delay(s).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 5, 5]);
    }

    #[tokio::test]
    async fn after_the_limit_one_attempt_per_wait_gets_through() {
        let t = throttle();
        let cache = Cache::in_memory("t:");
        for _ in 0..2 {
            let attempt = t.begin(&cache, "s").await.unwrap();
            t.failed(&cache, "s", attempt).await;
        }
        assert!(t.begin(&cache, "s").await.is_err(), "waiting");
        tokio::time::sleep(Duration::from_millis(1100)).await;
        let attempt = t.begin(&cache, "s").await.unwrap();
        assert!(t.begin(&cache, "s").await.is_err(), "one slot only");
        t.failed(&cache, "s", attempt).await;
        match t.begin(&cache, "s").await {
            Err(ApiError::RateLimited(state)) => assert_eq!(state.reset_secs, 2),
            other => panic!("{other:?}"),
        }
        // Another subject is not affected.
        assert!(t.begin(&cache, "other").await.is_ok());
    }
}
