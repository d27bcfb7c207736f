//! TMDB v3's read API as MovieVerse answers it under `/3`: the answer shapes, the error shape and
//! the query conventions, shared by the movies and people functions. The data is MovieVerse's
//! own catalog, read through the same store methods and cache helpers as the native routes; only
//! the shapes are TMDB's, so an app written against TMDB moves here by changing its base URL.

mod error;
mod languages;
mod query;
mod shapes;

pub use error::TmdbError;
pub use languages::{language_name, LANGUAGES};
pub use query::{parse_id, TmdbPathId, TmdbQuery, TMDB_PAGE_SIZE};
pub use shapes::*;
