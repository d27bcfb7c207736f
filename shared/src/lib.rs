//! The crate every MovieVerse function uses: configuration and secrets, pooled clients created
//! once per container, store traits and adapters, the cache, auth, and HTTP helpers.

pub mod auth;
pub mod cache;
pub mod catalog_query;
pub mod config;
pub mod credential_limits;
pub mod domain;
pub mod error;
pub mod health;
pub mod http;
pub mod import;
pub mod logging;
pub mod migrate;
pub mod not_implemented;
pub mod openapi;
pub mod operator;
pub mod rate_limit;
pub mod recommend;
pub mod secrets;
pub mod state;
pub mod stores;
pub mod tmdb;
pub mod tmdb_v3;
pub mod wikidata;

pub use error::ApiError;
pub use state::AppState;
