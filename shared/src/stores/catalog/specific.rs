//! The most specific features first. A shared keyword or person says more about two movies
//! than a shared genre, and a rare one more than a common one ("based on novel" is on tens of
//! thousands of movies at TMDB's size). Similar movies and recommendation candidates probe the
//! rarest keywords and people first, and stop at a budget of rows, so the cost of a probe does
//! not grow with the catalog; genre-only matches are then the most popular few.

/// The rows (movies sharing a probed keyword or person) a probe may read.
pub const SPECIFIC_ROWS: u64 = 2000;

/// A keyword or person of a probe and how many movies carry it (counted up to the budget).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Carried {
    pub feature: Feature,
    pub movies: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feature {
    Keyword(i64),
    Person(i64),
}

/// The keywords and people to probe.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SpecificProbe {
    pub keywords: Vec<i64>,
    pub people: Vec<i64>,
}

impl SpecificProbe {
    /// The rarest features first, while the rows they lead to stay within `budget`.
    pub fn rarest_within(mut carried: Vec<Carried>, budget: u64) -> Self {
        carried.sort_by_key(|c| c.movies);
        let mut probe = Self::default();
        let mut rows = 0u64;
        for Carried { feature, movies } in carried {
            rows = rows.saturating_add(movies);
            if rows > budget {
                break;
            }
            match feature {
                Feature::Keyword(id) => probe.keywords.push(id),
                Feature::Person(id) => probe.people.push(id),
            }
        }
        probe
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn carried(feature: Feature, movies: u64) -> Carried {
        Carried { feature, movies }
    }

    #[test]
    fn the_rarest_features_are_probed_until_the_budget() {
        let probe = SpecificProbe::rarest_within(
            vec![
                carried(Feature::Keyword(1), 900),
                carried(Feature::Person(2), 3),
                carried(Feature::Keyword(3), 40),
                carried(Feature::Person(4), 1500),
            ],
            1000,
        );
        assert_eq!(probe.keywords, [3, 1]);
        assert_eq!(probe.people, [2]);
    }

    #[test]
    fn a_feature_on_more_movies_than_the_budget_is_not_probed() {
        let probe = SpecificProbe::rarest_within(vec![carried(Feature::Keyword(1), 5000)], 2000);
        assert_eq!(probe, SpecificProbe::default());
    }
}
