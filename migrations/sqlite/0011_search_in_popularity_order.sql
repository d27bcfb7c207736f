-- Search at TMDB's size: a common word ("the" is in a quarter of the titles) matches hundreds of
-- thousands of movies, and ranking every match took seconds. FTS5 reads a word's matches in
-- rowid order and can stop early, so the search rows are keyed by a slot in popularity order
-- (most popular first, ties by id): a search ranks the first matches in that order (at most the
-- deepest result a client can page to) and never reads the rest. The slot is computed from the
-- row (a virtual column), indexed with the release date to find a match's movie and check a
-- `year` without reading the movie's row; ids past 2^32 (none today: TMDB ids
-- and MovieVerse's own, counted from 10^9, are below it) take negative slots, read first.

ALTER TABLE catalog_movies ADD COLUMN search_slot INTEGER GENERATED ALWAYS AS (
    CASE WHEN id < 4294967296
         THEN ((2147483647 - min(CAST(max(popularity, 0) * 100 AS INTEGER), 2147483647)) << 32) | id
         ELSE -id END) VIRTUAL;
CREATE INDEX IF NOT EXISTS catalog_movies_search_slot
    ON catalog_movies (search_slot, release_date);

ALTER TABLE catalog_people ADD COLUMN search_slot INTEGER GENERATED ALWAYS AS (
    CASE WHEN id < 4294967296
         THEN ((2147483647 - min(CAST(max(popularity, 0) * 100 AS INTEGER), 2147483647)) << 32) | id
         ELSE -id END) VIRTUAL;
CREATE UNIQUE INDEX IF NOT EXISTS catalog_people_search_slot ON catalog_people (search_slot);

-- The search rows are rebuilt under their slots by the next search or catalog write.
DROP TABLE catalog_movies_fts;
CREATE VIRTUAL TABLE catalog_movies_fts USING fts5 (
    title, original_title, overview,
    tokenize = 'unicode61 remove_diacritics 2'
);
DROP TABLE catalog_people_fts;
CREATE VIRTUAL TABLE catalog_people_fts USING fts5 (
    name, also_known_as,
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT OR IGNORE INTO catalog_search_pending (id)
SELECT 1 WHERE EXISTS (SELECT 1 FROM catalog_movies) OR EXISTS (SELECT 1 FROM catalog_people);
