-- Trending from decayed per-movie scores (shared/src/recommend/decay.rs) instead of a scan of
-- the window's reviews; the same columns as the MySQL schema (migrations/mysql/0003).
--
-- movie_ratings.trend_day / trend_week: log2 of the sum of 2^e over the movie's rating events,
-- e = (event time - 2020-01-01) / half-life (6 h for the day window, 42 h for the week's); NULL
-- without events. Moved by every review write in the same transaction as the aggregate.
-- reviews.rated_at: when the review's event happened (its creation, or its last rating change).
-- NULL marks a review whose event is in no score: deleting it then subtracts nothing.
--
-- Existing reviews are not summed here: the embedded SQLite is built without its math functions
-- (no log2, no pow). Their events are in no score (rated_at NULL), so an embedded install's
-- trending starts from the reviews written after this migration, and holds its usual
-- activity again within a window (a day, a week).

ALTER TABLE reviews ADD COLUMN rated_at TEXT NULL;
ALTER TABLE movie_ratings ADD COLUMN trend_day REAL NULL;
ALTER TABLE movie_ratings ADD COLUMN trend_week REAL NULL;

-- Trending reads the top of one of these from the top down to a floor.
CREATE INDEX movie_ratings_trend_day ON movie_ratings (trend_day);
CREATE INDEX movie_ratings_trend_week ON movie_ratings (trend_week);
