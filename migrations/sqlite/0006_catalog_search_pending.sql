-- A bulk fill (the sample on a first start) stores the movie and person rows first and leaves the
-- search tables to be built from them afterwards, so the first answer does not wait for the
-- tokenizer. A row here means catalog_movies_fts and catalog_people_fts are still to be built;
-- every search and every catalog write builds them first (`EmbeddedCatalog::search_index`).
CREATE TABLE IF NOT EXISTS catalog_search_pending (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1)
);
