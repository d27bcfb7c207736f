//! TMDB API v3: the client (auth, pacing, retries), its response bodies, and their mapping into
//! MovieVerse documents. The importer (`crate::import`) is the only user.

mod client;
pub mod map;
mod pace;
pub mod types;

pub(crate) use client::retry_after;
pub use client::{ClientOptions, MovieList, TmdbClient, TmdbError};
pub use map::MapError;
