-- Trending from decayed per-movie scores (shared/src/recommend/decay.rs) instead of a scan of
-- the window's reviews.
--
-- movie_ratings.trend_day / trend_week: log2 of the sum of 2^e over the movie's rating events,
-- e = (event time - 2020-01-01) / half-life (6 h for the day window, 42 h for the week's); NULL
-- without events. Moved by every review write in the same transaction as the aggregate.
-- reviews.rated_at: when the review's event happened (its creation, or its last rating change).
-- NULL marks a review whose event is in no score: deleting it then subtracts nothing.

-- Instant in MariaDB (no table rebuild).
ALTER TABLE reviews ADD COLUMN rated_at DATETIME(6) NULL;

-- Trending reads the top of one of these from the top down to a floor.
ALTER TABLE movie_ratings
    ADD COLUMN trend_day DOUBLE NULL,
    ADD COLUMN trend_week DOUBLE NULL,
    ADD KEY movie_ratings_trend_day (trend_day),
    ADD KEY movie_ratings_trend_week (trend_week);

-- The reviews of the last four weeks (sixteen half-lives of the week window: an older event
-- weighs less than 1/65 536 of a fresh one) become events at their creation, and their movies'
-- scores are summed from them. Older reviews keep rated_at NULL: their events are in no score.
-- A range of the reviews_recent index, so a few percent of the reviews are read, not all.
-- Sums are taken relative to now (exponents from -112 to 0, no overflow), then moved back to
-- the 2020 origin. TIMESTAMPDIFF works on the stored UTC values, whatever the session's zone.
SET @trend_now = TIMESTAMPDIFF(MICROSECOND, '2020-01-01 00:00:00', UTC_TIMESTAMP(6));
SET @trend_since = UTC_TIMESTAMP(6) - INTERVAL 28 DAY;

UPDATE reviews SET rated_at = created_at WHERE created_at >= @trend_since;

UPDATE movie_ratings
JOIN (
    SELECT movie_id,
           LOG2(SUM(POW(2, (TIMESTAMPDIFF(MICROSECOND, '2020-01-01 00:00:00', created_at)
               - @trend_now) / 2.16e10))) AS day_since_now,
           LOG2(SUM(POW(2, (TIMESTAMPDIFF(MICROSECOND, '2020-01-01 00:00:00', created_at)
               - @trend_now) / 1.512e11))) AS week_since_now
    FROM reviews
    WHERE created_at >= @trend_since
    GROUP BY movie_id
) recent ON recent.movie_id = movie_ratings.movie_id
SET movie_ratings.trend_day = recent.day_since_now + @trend_now / 2.16e10,
    movie_ratings.trend_week = recent.week_since_now + @trend_now / 1.512e11;
