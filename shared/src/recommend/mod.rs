//! Similar movies, personal recommendations and trending: the rankings, scored in memory over
//! candidates read in bulk, and the decayed activity scores trending ranks by.

pub mod decay;
mod features;
pub mod personal;
pub mod similarity;
pub mod trending;

pub use features::{CandidateProbe, MovieFeatures, TOP_BILLED};
pub use personal::{Reason, Recommendation, RecommendationList};
pub use similarity::{rank_similar, similarity};
