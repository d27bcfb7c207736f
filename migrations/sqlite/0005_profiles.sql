-- Profiles, follows and watchlists of the embedded engine (Firebase holds them in production).
-- Times are Unix milliseconds, as in Firebase, so both adapters answer the same values.
CREATE TABLE IF NOT EXISTS profiles (
    user_id           TEXT PRIMARY KEY NOT NULL,
    display_name      TEXT,
    bio               TEXT,
    avatar_url        TEXT,
    location          TEXT,
    -- JSON array of genre ids, in the user's order.
    favorite_genres   TEXT NOT NULL DEFAULT '[]',
    favorite_movie_id INTEGER,
    updated_at        INTEGER NOT NULL
);

CREATE TABLE IF NOT EXISTS follows (
    follower_id TEXT NOT NULL,
    followee_id TEXT NOT NULL,
    created_at  INTEGER NOT NULL,
    PRIMARY KEY (follower_id, followee_id),
    CHECK (follower_id <> followee_id)
);
-- "Who follows X, newest first" (the primary key serves "whom X follows").
CREATE INDEX IF NOT EXISTS follows_by_followee ON follows (followee_id, created_at DESC);

CREATE TABLE IF NOT EXISTS watchlist_items (
    user_id  TEXT NOT NULL,
    movie_id INTEGER NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, movie_id)
);
CREATE INDEX IF NOT EXISTS watchlist_by_time ON watchlist_items (user_id, added_at DESC);
