//! HTTP helpers shared by every function: JSON and query extraction, pagination, conditional
//! GETs, and the layers every router gets (request ids, logs, problem+json for bare errors).

mod conditional;
mod extract;
mod lambda;
mod layers;
mod pagination;
mod path;

pub use conditional::{etag_for, http_caching, private_no_store, CachedJson};
pub use extract::{Json, Query};
pub use lambda::serve_on_lambda;
pub use layers::{finish_router, new_request_id, not_found};
pub use pagination::{
    total_pages, Page, PageParams, PageRequest, COUNTED_RESULTS, MAX_PAGE, MAX_PAGE_SIZE,
};
pub use path::PathId;

/// Largest request body accepted (413 beyond it).
pub const MAX_BODY_BYTES: usize = 64 * 1024;
