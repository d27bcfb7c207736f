//! Domain types shared by the stores and the functions. Ids and values are parsed into these
//! types at the edge, so a value that exists is a valid one.

mod ids;
mod movie;

pub use ids::{GenreId, MovieId, PersonId, UserId};
pub use movie::{MovieSummary, RatingSummary};
