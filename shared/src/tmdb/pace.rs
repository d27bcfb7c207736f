//! Spacing of request starts, shared by every concurrent request of one client.
//!
//! Concurrency alone does not bound the rate (four fast requests in flight can be 100 a second),
//! so each request also waits for its slot: at most `per_second` starts a second. A `429` pushes
//! the next slot past its `Retry-After`, so every request of the run backs off, not only the one
//! that was refused.

use std::time::Duration;

use tokio::sync::Mutex;
use tokio::time::Instant;

pub struct Pacer {
    interval: Duration,
    next: Mutex<Instant>,
}

impl Pacer {
    /// `per_second` of 0 is taken as 1.
    pub fn new(per_second: u32) -> Self {
        Self {
            interval: Duration::from_secs(1) / per_second.max(1),
            next: Mutex::new(Instant::now()),
        }
    }

    /// Waits for this request's slot.
    pub async fn wait(&self) {
        let at = {
            let mut next = self.next.lock().await;
            let at = (*next).max(Instant::now());
            *next = at + self.interval;
            at
        };
        tokio::time::sleep_until(at).await;
    }

    /// No request starts before `delay` from now.
    pub async fn pause(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut next = self.next.lock().await;
        if *next < until {
            *next = until;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn starts_are_spaced_and_a_pause_delays_everyone() {
        let pacer = Pacer::new(10);
        let start = Instant::now();
        for _ in 0..5 {
            pacer.wait().await;
        }
        // Slots at 0, 100, 200, 300, 400 ms.
        assert_eq!(start.elapsed(), Duration::from_millis(400));
        pacer.pause(Duration::from_secs(2)).await;
        pacer.wait().await;
        assert_eq!(start.elapsed(), Duration::from_millis(2400));
    }
}
