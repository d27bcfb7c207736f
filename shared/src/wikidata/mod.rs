//! The Wikidata Query Service (CC0 data): a SPARQL client and the two queries the awards import
//! runs, with their results parsed into typed rows.

mod client;
mod query;
mod results;

pub use client::{SparqlClient, SparqlError, SparqlOptions};
pub use query::{award_query, movie_items_query, person_items_query};
pub use results::{award_rows, item_rows, AwardRow, Parsed};
