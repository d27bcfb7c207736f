//! Decayed activity: what trending ranks, kept per movie as one number per window.
//!
//! An event (a review created, or its rating changed) weighs 1 when it happens and halves every
//! [`half_life`] after. A movie's activity at `now` is the sum of its events' weights. Kept as
//! is, every stored sum would have to be rewritten as time passes; so it is kept in "forward
//! decay" form instead: an event at `t` adds `2^e`, `e = (t - EPOCH) / half_life` (its
//! [`exponent`]), a sum that never changes without a new event, and the activity at `now` is
//! that sum times `2^-e(now)`. The sum is stored as its base-2 logarithm ([`TrendScore`]): `e`
//! grows by 1 460 a year in the day window (209 in the week's), so `2^e` passes what an `f64`
//! holds (2^1023) within a year, while its logarithm stays an ordinary number. Movies
//! compare by their scores alone (the same `2^-e(now)` scales every one), so an index on the
//! stored score serves "the most active movies".

use chrono::{DateTime, Utc};
use std::f64::consts::LN_2;
use std::time::Duration;

/// The fixed origin of every exponent (2020-01-01T00:00:00Z, in µs since the Unix epoch). Never
/// changed: stored scores are relative to it.
pub const EPOCH_MICROS: i64 = 1_577_836_800_000_000;

/// A removal leaving less than this share of a score left only rounding noise: the score
/// becomes empty. (Scores carry about 1e-12 of relative error at the exponents of this century.)
const CANCELLED_SHARE: f64 = 1e-9;

/// How far below `now`'s exponent a score may be and still count: `2^-4 = 1/16`, one event a
/// whole window old (a window is four half-lives).
pub const FLOOR_HALVINGS: f64 = 4.0;

/// The window trending looks back over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    Day,
    Week,
}

impl Window {
    pub fn length(self) -> Duration {
        match self {
            Self::Day => Duration::from_secs(24 * 60 * 60),
            Self::Week => Duration::from_secs(7 * 24 * 60 * 60),
        }
    }
}

/// Activity halves every quarter of the window (6 h for a day, 42 h for a week), in µs.
pub fn half_life(window: Window) -> f64 {
    // Window lengths are far inside f64's exact integer range.
    #[allow(clippy::cast_precision_loss)]
    let length = window.length().as_micros() as f64;
    length / 4.0
}

/// The exponent of an event at `at`: half-lives since [`EPOCH_MICROS`].
pub fn exponent(window: Window, at: DateTime<Utc>) -> f64 {
    // Microseconds since 2020 stay below 2^53 for 285 years: exact in an f64.
    #[allow(clippy::cast_precision_loss)]
    let since_epoch = at.timestamp_micros().saturating_sub(EPOCH_MICROS) as f64;
    since_epoch / half_life(window)
}

/// The lowest score that still counts at `now` (see [`FLOOR_HALVINGS`]).
pub fn floor(window: Window, now: DateTime<Utc>) -> f64 {
    exponent(window, now) - FLOOR_HALVINGS
}

/// What a score weighs at `now`: its events' decayed weights summed (a fresh event is 1).
pub fn weight(window: Window, score: f64, now: DateTime<Utc>) -> f64 {
    (score - exponent(window, now)).exp2()
}

/// `log2(2^a + 2^b)`, without computing either power.
fn log2_add(a: f64, b: f64) -> f64 {
    let (high, low) = if a >= b { (a, b) } else { (b, a) };
    high + ((low - high) * LN_2).exp().ln_1p() / LN_2
}

/// `log2(2^total - 2^part)`; `None` when nothing (or only rounding noise) is left.
fn log2_sub(total: f64, part: f64) -> Option<f64> {
    let share = part - total;
    if share >= 0.0 || !share.is_finite() {
        return None;
    }
    // 1 - 2^share, exactly even when share is close to 0.
    let left = -(share * LN_2).exp_m1();
    let score = total + left.ln() / LN_2;
    (left >= CANCELLED_SHARE && score.is_finite()).then_some(score)
}

/// A movie's decayed activity in one window: `log2` of the sum of `2^e` over its events,
/// `None` when it has none.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrendScore(pub Option<f64>);

impl TrendScore {
    /// With one more event, at `at`.
    pub fn with_event(self, window: Window, at: DateTime<Utc>) -> Self {
        let event = exponent(window, at);
        Self(Some(match self.0 {
            Some(score) => log2_add(score, event),
            None => event,
        }))
    }

    /// Without the event at `at` (which was added before).
    pub fn without_event(self, window: Window, at: DateTime<Utc>) -> Self {
        Self(
            self.0
                .and_then(|score| log2_sub(score, exponent(window, at))),
        )
    }
}

/// A movie's scores in every window, as its `movie_ratings` row stores them.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct TrendScores {
    pub day: TrendScore,
    pub week: TrendScore,
}

impl TrendScores {
    pub fn with_event(self, at: DateTime<Utc>) -> Self {
        Self {
            day: self.day.with_event(Window::Day, at),
            week: self.week.with_event(Window::Week, at),
        }
    }

    pub fn without_event(self, at: DateTime<Utc>) -> Self {
        Self {
            day: self.day.without_event(Window::Day, at),
            week: self.week.without_event(Window::Week, at),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(year: i32, hour: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(year, 6, 1, hour, 0, 0).unwrap()
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-9 * b.abs().max(1.0)
    }

    #[test]
    fn events_halve_every_quarter_window() {
        let event = TrendScore::default().with_event(Window::Day, at(2026, 0));
        let score = event.0.unwrap();
        assert!(close(weight(Window::Day, score, at(2026, 0)), 1.0));
        assert!(close(weight(Window::Day, score, at(2026, 6)), 0.5));
        assert!(close(weight(Window::Day, score, at(2026, 12)), 0.25));
        let week = TrendScore::default()
            .with_event(Window::Week, at(2026, 0))
            .0;
        assert!(close(
            weight(Window::Week, week.unwrap(), at(2026, 21)),
            0.5_f64.sqrt()
        ));
    }

    #[test]
    fn adding_sums_the_decayed_weights() {
        let scores = TrendScore::default()
            .with_event(Window::Day, at(2026, 0))
            .with_event(Window::Day, at(2026, 6))
            .with_event(Window::Day, at(2026, 6));
        // 0.5 + 1 + 1 at the second hour 6.
        assert!(close(
            weight(Window::Day, scores.0.unwrap(), at(2026, 6)),
            2.5
        ));
    }

    #[test]
    fn removing_the_only_event_leaves_none() {
        let one = TrendScores::default().with_event(at(2026, 3));
        assert_eq!(one.without_event(at(2026, 3)), TrendScores::default());
        // And from nothing, nothing.
        assert_eq!(
            TrendScore::default()
                .without_event(Window::Day, at(2026, 3))
                .0,
            None
        );
    }

    #[test]
    fn removing_one_of_many_keeps_the_others() {
        let events = [at(2026, 1), at(2026, 2), at(2026, 5), at(2026, 9)];
        let all = events
            .iter()
            .fold(TrendScores::default(), |s, t| s.with_event(*t));
        let without = all.without_event(at(2026, 5));
        let expected = [at(2026, 1), at(2026, 2), at(2026, 9)]
            .iter()
            .fold(TrendScores::default(), |s, t| s.with_event(*t));
        for (got, want) in [(without.day, expected.day), (without.week, expected.week)] {
            assert!(close(got.0.unwrap(), want.0.unwrap()), "{got:?} {want:?}");
        }
        let now = at(2026, 10);
        let day = weight(Window::Day, without.day.0.unwrap(), now);
        // 2^(-9/6) + 2^(-8/6) + 2^(-1/6).
        let sum: f64 = [9.0_f64, 8.0, 1.0].iter().map(|h| (-h / 6.0).exp2()).sum();
        assert!(close(day, sum), "{day} {sum}");
    }

    #[test]
    fn removing_more_than_the_score_holds_leaves_none() {
        let old = TrendScore::default().with_event(Window::Week, at(2026, 0));
        assert_eq!(old.without_event(Window::Week, at(2026, 5)).0, None);
    }

    #[test]
    fn exponents_decades_after_the_epoch_stay_exact() {
        // The day window's exponent in 2080 is about 87 600: 2^e is far past f64, its log is not.
        let late = at(2080, 0);
        assert!(exponent(Window::Day, late) > 80_000.0);
        let score = TrendScore::default()
            .with_event(Window::Day, late)
            .with_event(Window::Day, at(2080, 6))
            .with_event(Window::Day, at(2080, 12));
        let now = at(2080, 12);
        assert!(close(weight(Window::Day, score.0.unwrap(), now), 1.75));
        let left = score.without_event(Window::Day, at(2080, 6));
        assert!(close(weight(Window::Day, left.0.unwrap(), now), 1.25));
        assert!((left.0.unwrap() - exponent(Window::Day, now)).is_finite());
    }

    #[test]
    fn the_floor_is_one_event_a_window_old() {
        let event = TrendScore::default()
            .with_event(Window::Week, at(2026, 0))
            .0
            .unwrap();
        let a_week_later = at(2026, 0) + chrono::Duration::days(7);
        assert!(close(floor(Window::Week, a_week_later), event));
        assert!(close(weight(Window::Week, event, a_week_later), 1.0 / 16.0));
    }
}
