//! Who reviewed what, when and how: the review plan both stores are generated from, so the
//! catalog's copy of each movie's rating and MariaDB's per-movie aggregates agree.
//!
//! One movie ([`BIG_MOVIE`]) has `big_movie_reviews` reviews, one user ([`HEAVY_USER`])
//! `heavy_user_reviews`, one ([`RATER`]) `rater_reviews` (the user recommendations are measured
//! for); the rest are drawn with skew: popular movies and keen users get most.

use std::collections::HashSet;

use shared::domain::RatingSummary;
use uuid::Uuid;

use crate::config::{Sizes, SEED};
use crate::rng::Rng;
use crate::synth::scatter;

pub const BIG_MOVIE: u64 = 1;
pub const HEAVY_USER: u64 = 0;
pub const RATER: u64 = 1;
/// Reviews are dated over this many seconds before generation (three years), evenly: about a
/// thousandth of them fall in the last day.
pub const SPREAD_SECS: u64 = 3 * 365 * 24 * 60 * 60;

const PLAN_STREAM: u64 = 10;
/// Ratings lean high, as on every review site.
const RATINGS: [(u8, u32); 10] = [
    (1, 2),
    (2, 2),
    (3, 3),
    (4, 5),
    (5, 8),
    (6, 12),
    (7, 18),
    (8, 20),
    (9, 15),
    (10, 15),
];

#[derive(Clone, Copy)]
pub struct PlannedReview {
    pub movie: u32,
    pub user: u32,
    pub rating: u8,
    /// Seconds before generation.
    pub age_secs: u32,
}

pub struct Plan {
    /// Oldest first: inserted in this order, ids grow with time as in production.
    pub reviews: Vec<PlannedReview>,
    /// `histograms[movie][r - 1]`: the movie's number of ratings equal to r.
    pub histograms: Vec<[u32; 10]>,
}

/// Generated user `index`'s account id (fixed, so both stores and the token agree).
pub fn user_id(index: u64) -> Uuid {
    Uuid::from_u128(0x5ca1_e000_0000_4000_8000_0000_0000_0000 | u128::from(index))
}

impl Plan {
    pub fn make(sizes: &Sizes) -> Self {
        let mut rng = Rng::for_item(SEED, PLAN_STREAM, 0);
        let total = usize::try_from(sizes.reviews).unwrap_or(usize::MAX);
        let mut reviews = Vec::with_capacity(total);
        // The big movie: reviewed once by each of the first ordinary users.
        let ordinary = sizes.users.saturating_sub(2);
        let big = sizes.big_movie_reviews.min(ordinary);
        for user in 0..big {
            push(&mut reviews, &mut rng, BIG_MOVIE, user + 2);
        }
        // The two special users: distinct movies each, popular ones more likely.
        for (user, count) in [
            (HEAVY_USER, sizes.heavy_user_reviews),
            (RATER, sizes.rater_reviews),
        ] {
            let mut seen = HashSet::new();
            while (seen.len() as u64) < count {
                let movie = reviewed_movie(sizes, &mut rng);
                if movie != BIG_MOVIE && seen.insert(movie) {
                    push(&mut reviews, &mut rng, movie, user);
                }
            }
        }
        // Everyone else: keen users and popular movies get most; one review per pair.
        let mut pairs: HashSet<u64> = HashSet::with_capacity(total);
        // Bounded: sizes too small to hold `total` distinct pairs end with fewer reviews.
        let mut attempts = sizes.reviews.saturating_mul(20);
        while reviews.len() < total && ordinary > 0 && attempts > 0 {
            attempts -= 1;
            let user = rng.skewed(ordinary, 1.5) + 2;
            let movie = reviewed_movie(sizes, &mut rng);
            if movie != BIG_MOVIE && pairs.insert(movie << 32 | user) {
                push(&mut reviews, &mut rng, movie, user);
            }
        }
        reviews.sort_unstable_by_key(|review| std::cmp::Reverse(review.age_secs));
        let mut histograms = vec![[0u32; 10]; usize::try_from(sizes.movies + 1).unwrap_or(0)];
        for review in &reviews {
            if let Some(histogram) = histograms.get_mut(review.movie as usize) {
                histogram[usize::from(review.rating - 1)] += 1;
            }
        }
        Self {
            reviews,
            histograms,
        }
    }

    /// Movie `id`'s rating as the reviews store reports it (`RatingAggregate::summary`).
    pub fn rating(&self, id: u64) -> RatingSummary {
        let Some(histogram) = self
            .histograms
            .get(usize::try_from(id).unwrap_or(usize::MAX))
        else {
            return RatingSummary::default();
        };
        let (count, sum) = count_and_sum(histogram);
        if count == 0 {
            return RatingSummary::default();
        }
        #[allow(clippy::cast_precision_loss)]
        let average = sum as f64 / count as f64;
        RatingSummary { average, count }
    }
}

fn push(reviews: &mut Vec<PlannedReview>, rng: &mut Rng, movie: u64, user: u64) {
    reviews.push(PlannedReview {
        movie: u32::try_from(movie).unwrap_or(u32::MAX),
        user: u32::try_from(user).unwrap_or(u32::MAX),
        rating: *rng.weighted(&RATINGS),
        age_secs: u32::try_from(rng.below(SPREAD_SECS)).unwrap_or(0),
    });
}

/// A reviewed movie: the most reviewed get thousands of reviews, most movies none.
fn reviewed_movie(sizes: &Sizes, rng: &mut Rng) -> u64 {
    scatter(rng.skewed(sizes.movies, 2.0), sizes.movies)
}

/// The number of ratings in `histogram` (`[r - 1]`: how many equal r) and their sum.
pub fn count_and_sum(histogram: &[u32; 10]) -> (u64, u64) {
    histogram
        .iter()
        .zip(1u64..)
        .fold((0, 0), |(count, sum), (&n, rating)| {
            (count + u64::from(n), sum + u64::from(n) * rating)
        })
}
