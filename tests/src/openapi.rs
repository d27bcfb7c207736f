//! The whole API's OpenAPI document, assembled here from every function's own description, so
//! no function crate depends on another. The movies function serves the committed result
//! (`functions/movies/openapi.json`).

use utoipa::{Modify, OpenApi};

/// The OpenAPI 3.1 document of the whole API: every function's routes.
pub fn document() -> utoipa::openapi::OpenApi {
    let mut doc = movies::ApiDoc::openapi();
    doc.merge(people::ApiDoc::openapi());
    doc.merge(auth::ApiDoc::openapi());
    doc.merge(reviews::ApiDoc::openapi());
    doc.merge(profiles::ApiDoc::openapi());
    doc.info.title = "MovieVerse API".into();
    doc.info.version = env!("CARGO_PKG_VERSION").into();
    doc.info.description =
        Some("A movie database backend: catalog, accounts, reviews, profiles.".into());
    shared::openapi::Contract.modify(&mut doc);
    doc
}
