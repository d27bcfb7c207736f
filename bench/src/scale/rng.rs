//! A small seeded generator (SplitMix64): the same seed gives the same catalog on every machine,
//! so data generated once can be reused and two runs measure the same rows. Not for secrets.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// A generator of its own for item `index` of `stream`: each movie, person or user is a
    /// pure function of its id, whatever order it is generated in.
    pub fn for_item(seed: u64, stream: u64, index: u64) -> Self {
        let mut mixer = Self(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        let base = mixer.next_u64();
        Self(base ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        // 53 random bits: exactly representable, never 1.0.
        #[allow(clippy::cast_precision_loss)]
        let value = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        value
    }

    /// Uniform in [0, n); 0 when n is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            return 0;
        }
        self.next_u64() % n
    }

    /// In [0, n), skewed towards 0: `n · u^power`. Power 1 is uniform; at power p the first
    /// index is drawn with probability (1/n)^(1/p), so a larger power makes a heavier head.
    pub fn skewed(&mut self, n: u64, power: f64) -> u64 {
        #[allow(
            clippy::cast_precision_loss,
            clippy::cast_possible_truncation,
            clippy::cast_sign_loss
        )]
        let index = (n as f64 * self.unit().powf(power)) as u64;
        index.min(n.saturating_sub(1))
    }

    /// One of `choices` by weight.
    pub fn weighted<'a, T>(&mut self, choices: &'a [(T, u32)]) -> &'a T {
        let total: u64 = choices.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut pick = self.below(total);
        for (value, weight) in choices {
            if pick < u64::from(*weight) {
                return value;
            }
            pick -= u64::from(*weight);
        }
        // Unreachable with a non-empty list; the last choice keeps this total.
        &choices[choices.len() - 1].0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let a: Vec<u64> = (0..5).map(|i| Rng::for_item(7, 1, i).next_u64()).collect();
        let b: Vec<u64> = (0..5).map(|i| Rng::for_item(7, 1, i).next_u64()).collect();
        assert_eq!(a, b);
        assert_ne!(a[0], a[1]);
    }

    #[test]
    fn skewed_stays_in_range_and_favours_the_head() {
        let mut rng = Rng::new(1);
        let draws: Vec<u64> = (0..10_000).map(|_| rng.skewed(100, 3.0)).collect();
        assert!(draws.iter().all(|&d| d < 100));
        let head = draws.iter().filter(|&&d| d < 10).count();
        assert!(head > 4_000, "{head}");
    }
}
