-- The catalog of the embedded engine: each movie and person is kept whole as a JSON document,
-- beside the scalar columns that filters and sorts use (indexed), relation tables for genres,
-- keywords and people (so discover and similar are joins, not scans), and FTS5 tables for search
-- (case- and accent-insensitive through `remove_diacritics`).

CREATE TABLE IF NOT EXISTS catalog_movies (
    id                INTEGER PRIMARY KEY NOT NULL,
    title             TEXT    NOT NULL,
    -- accent-folded, lower-case title for `title.asc`
    sort_title        TEXT    NOT NULL,
    -- YYYY-MM-DD, so text order is date order
    release_date      TEXT,
    original_language TEXT,
    poster_path       TEXT,
    -- JSON array of genre ids, for summaries without a join
    genre_ids         TEXT    NOT NULL,
    popularity        REAL    NOT NULL,
    vote_average      REAL    NOT NULL,
    vote_count        INTEGER NOT NULL,
    -- MovieVerse's rating, owned by the reviews store
    rating_average    REAL    NOT NULL DEFAULT 0,
    rating_count      INTEGER NOT NULL DEFAULT 0,
    -- the top-rated rank (see catalog_query::top_score); negative = not ranked
    top_score         REAL    NOT NULL DEFAULT -1,
    source            TEXT    NOT NULL,
    -- hash of the imported content, so an unchanged re-import is one indexed read
    content_hash      TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    document          TEXT    NOT NULL
);

CREATE INDEX IF NOT EXISTS catalog_movies_popularity ON catalog_movies (popularity DESC, id);
CREATE INDEX IF NOT EXISTS catalog_movies_release ON catalog_movies (release_date, id);
CREATE INDEX IF NOT EXISTS catalog_movies_vote ON catalog_movies (vote_average DESC, id);
CREATE INDEX IF NOT EXISTS catalog_movies_top ON catalog_movies (top_score DESC, vote_count DESC, id);
CREATE INDEX IF NOT EXISTS catalog_movies_title ON catalog_movies (sort_title, id);
CREATE INDEX IF NOT EXISTS catalog_movies_language ON catalog_movies (original_language);

CREATE TABLE IF NOT EXISTS catalog_movie_genres (
    movie_id INTEGER NOT NULL REFERENCES catalog_movies (id) ON DELETE CASCADE,
    genre_id INTEGER NOT NULL,
    PRIMARY KEY (movie_id, genre_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalog_movie_genres_genre ON catalog_movie_genres (genre_id, movie_id);

CREATE TABLE IF NOT EXISTS catalog_movie_keywords (
    movie_id   INTEGER NOT NULL REFERENCES catalog_movies (id) ON DELETE CASCADE,
    keyword_id INTEGER NOT NULL,
    PRIMARY KEY (movie_id, keyword_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalog_movie_keywords_keyword ON catalog_movie_keywords (keyword_id, movie_id);

CREATE TABLE IF NOT EXISTS catalog_movie_people (
    movie_id  INTEGER NOT NULL REFERENCES catalog_movies (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL,
    PRIMARY KEY (movie_id, person_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalog_movie_people_person ON catalog_movie_people (person_id, movie_id);

-- rowid = movie id
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_movies_fts USING fts5 (
    title, original_title, overview,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE IF NOT EXISTS catalog_people (
    id           INTEGER PRIMARY KEY NOT NULL,
    name         TEXT    NOT NULL,
    popularity   REAL    NOT NULL,
    content_hash TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    document     TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_people_popularity ON catalog_people (popularity DESC, id);

-- rowid = person id
CREATE VIRTUAL TABLE IF NOT EXISTS catalog_people_fts USING fts5 (
    name, also_known_as,
    tokenize = 'unicode61 remove_diacritics 2'
);

CREATE TABLE IF NOT EXISTS catalog_genres (
    id   INTEGER PRIMARY KEY NOT NULL,
    name TEXT    NOT NULL
);

-- one row: the app settings document
CREATE TABLE IF NOT EXISTS catalog_settings (
    id       INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    document TEXT    NOT NULL
);

CREATE TABLE IF NOT EXISTS catalog_seed_runs (
    id            TEXT    PRIMARY KEY NOT NULL,
    -- milliseconds since the epoch: orders runs exactly (RFC 3339 text does not always)
    started_at_ms INTEGER NOT NULL,
    document      TEXT    NOT NULL
);
CREATE INDEX IF NOT EXISTS catalog_seed_runs_started ON catalog_seed_runs (started_at_ms DESC);
