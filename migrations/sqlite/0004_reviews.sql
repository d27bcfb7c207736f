-- Reviews and their per-movie rating aggregates (embedded adapter of the reviews store).
-- The same rules as the MySQL schema; SQLite's length() counts characters, like CHAR_LENGTH.

CREATE TABLE reviews (
    -- AUTOINCREMENT: a deleted review's id is never handed out again (ETags and links stay unique).
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    movie_id          INTEGER NOT NULL CHECK (movie_id > 0),
    -- Hyphenated UUID; NULL once the author's account is deleted.
    user_id           TEXT    NULL,
    rating            INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 10),
    title             TEXT    NULL CHECK (title IS NULL OR length(title) BETWEEN 1 AND 200),
    body              TEXT    NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    contains_spoilers INTEGER NOT NULL DEFAULT 0 CHECK (contains_spoilers IN (0, 1)),
    version           INTEGER NOT NULL DEFAULT 1,
    created_at        TEXT    NOT NULL,
    updated_at        TEXT    NOT NULL,
    CONSTRAINT reviews_movie_user UNIQUE (movie_id, user_id)
);

CREATE INDEX reviews_movie_newest ON reviews (movie_id, id);
CREATE INDEX reviews_movie_rating ON reviews (movie_id, rating, id);
CREATE INDEX reviews_user_newest ON reviews (user_id, id);
CREATE INDEX reviews_recent ON reviews (created_at, movie_id, rating);

CREATE TABLE movie_ratings (
    movie_id     INTEGER PRIMARY KEY NOT NULL,
    rating_count INTEGER NOT NULL DEFAULT 0,
    rating_sum   INTEGER NOT NULL DEFAULT 0,
    r1           INTEGER NOT NULL DEFAULT 0,
    r2           INTEGER NOT NULL DEFAULT 0,
    r3           INTEGER NOT NULL DEFAULT 0,
    r4           INTEGER NOT NULL DEFAULT 0,
    r5           INTEGER NOT NULL DEFAULT 0,
    r6           INTEGER NOT NULL DEFAULT 0,
    r7           INTEGER NOT NULL DEFAULT 0,
    r8           INTEGER NOT NULL DEFAULT 0,
    r9           INTEGER NOT NULL DEFAULT 0,
    r10          INTEGER NOT NULL DEFAULT 0,
    revision     INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT    NULL,
    CHECK (rating_count >= 0 AND rating_sum >= 0 AND r1 >= 0 AND r2 >= 0 AND r3 >= 0 AND r4 >= 0
        AND r5 >= 0 AND r6 >= 0 AND r7 >= 0 AND r8 >= 0 AND r9 >= 0 AND r10 >= 0),
    CHECK (rating_count = r1 + r2 + r3 + r4 + r5 + r6 + r7 + r8 + r9 + r10),
    CHECK (rating_sum = r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5 + 6 * r6 + 7 * r7 + 8 * r8 + 9 * r9
        + 10 * r10)
);
