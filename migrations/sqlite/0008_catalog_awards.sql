-- Awards and external ids. Each movie and person document keeps its awards whole; these rows
-- repeat them one entry per holder, so discover's award filters, the ceremony view and the
-- award counts are indexed reads instead of scans of every document.
CREATE TABLE IF NOT EXISTS catalog_awards (
    subject       TEXT    NOT NULL CHECK (subject IN ('movie', 'person')),
    subject_id    INTEGER NOT NULL,
    -- the entry's place in its holder's list
    position      INTEGER NOT NULL,
    award_id      TEXT    NOT NULL,
    -- slug of the category (`best-picture`), what filters name
    category_slug TEXT    NOT NULL,
    year          INTEGER NOT NULL,
    won           INTEGER NOT NULL CHECK (won IN (0, 1)),
    -- the entry as JSON: a movie's entry and its people's copies are the same text, so counts
    -- and ceremonies take each distinct entry once
    entry         TEXT    NOT NULL,
    PRIMARY KEY (subject, subject_id, position)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalog_awards_filter
    ON catalog_awards (award_id, category_slug, won, subject, subject_id);
CREATE INDEX IF NOT EXISTS catalog_awards_ceremony ON catalog_awards (award_id, year);

ALTER TABLE catalog_movies ADD COLUMN imdb_id TEXT;
ALTER TABLE catalog_movies ADD COLUMN wikidata_id TEXT;
UPDATE catalog_movies SET imdb_id = json_extract(document, '$.imdb_id');
CREATE INDEX IF NOT EXISTS catalog_movies_imdb ON catalog_movies (imdb_id);
CREATE INDEX IF NOT EXISTS catalog_movies_wikidata ON catalog_movies (wikidata_id);

ALTER TABLE catalog_people ADD COLUMN imdb_id TEXT;
ALTER TABLE catalog_people ADD COLUMN wikidata_id TEXT;
CREATE INDEX IF NOT EXISTS catalog_people_imdb ON catalog_people (imdb_id);
CREATE INDEX IF NOT EXISTS catalog_people_wikidata ON catalog_people (wikidata_id);
