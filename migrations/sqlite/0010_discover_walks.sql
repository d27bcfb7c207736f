-- Discover at TMDB's size (a million movies): a page is read by walking an index in the list's
-- own order and stopping after the page, instead of collecting every match and sorting it.
--
-- * Each sort has an index of exactly its keys (the release-date and rating orders had none:
--   `release_date DESC, id` and `vote_average DESC, vote_count DESC, id` sorted within each key),
--   and carries the columns the range filters check (release date, rating, votes), so a walk
--   never reads the movie's row, which holds its whole document, to skip a non-match.
-- * The same indexes led by the language, for `language=`.
-- * A genre holds up to 42% of the catalog. Its rows carry copies of the movie's sort and filter
--   keys, so `genres=` walks that genre's movies in the list's order; triggers keep the copies
--   equal to the movie's own columns, whoever writes them. They also carry the movie's genres
--   (`,18,35,`), so "all of several genres" is checked on the walked index too.

ALTER TABLE catalog_movie_genres ADD COLUMN popularity REAL NOT NULL DEFAULT 0;
ALTER TABLE catalog_movie_genres ADD COLUMN release_date TEXT;
ALTER TABLE catalog_movie_genres ADD COLUMN vote_average REAL NOT NULL DEFAULT 0;
ALTER TABLE catalog_movie_genres ADD COLUMN vote_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE catalog_movie_genres ADD COLUMN sort_title TEXT NOT NULL DEFAULT '';
ALTER TABLE catalog_movie_genres ADD COLUMN original_language TEXT;
ALTER TABLE catalog_movie_genres ADD COLUMN genre_list TEXT NOT NULL DEFAULT '';

UPDATE catalog_movie_genres SET popularity = m.popularity, release_date = m.release_date,
    vote_average = m.vote_average, vote_count = m.vote_count, sort_title = m.sort_title,
    original_language = m.original_language,
    genre_list = ',' || replace(replace(m.genre_ids, '[', ''), ']', '') || ','
FROM catalog_movies m WHERE m.id = catalog_movie_genres.movie_id;

CREATE TRIGGER IF NOT EXISTS catalog_movie_genres_copy_keys
AFTER INSERT ON catalog_movie_genres
BEGIN
    UPDATE catalog_movie_genres SET popularity = m.popularity, release_date = m.release_date,
        vote_average = m.vote_average, vote_count = m.vote_count, sort_title = m.sort_title,
        original_language = m.original_language,
        genre_list = ',' || replace(replace(m.genre_ids, '[', ''), ']', '') || ','
    FROM catalog_movies m
    WHERE m.id = NEW.movie_id
      AND catalog_movie_genres.movie_id = NEW.movie_id
      AND catalog_movie_genres.genre_id = NEW.genre_id;
END;

CREATE TRIGGER IF NOT EXISTS catalog_movies_copy_keys_to_genres
AFTER UPDATE OF popularity, release_date, vote_average, vote_count, sort_title, original_language,
    genre_ids
ON catalog_movies
BEGIN
    UPDATE catalog_movie_genres SET popularity = NEW.popularity,
        release_date = NEW.release_date, vote_average = NEW.vote_average,
        vote_count = NEW.vote_count, sort_title = NEW.sort_title,
        original_language = NEW.original_language,
        genre_list = ',' || replace(replace(NEW.genre_ids, '[', ''), ']', '') || ','
    WHERE movie_id = NEW.id;
END;

DROP INDEX IF EXISTS catalog_movies_popularity;
DROP INDEX IF EXISTS catalog_movies_release;
DROP INDEX IF EXISTS catalog_movies_vote;
DROP INDEX IF EXISTS catalog_movies_title;
DROP INDEX IF EXISTS catalog_movies_language;

-- The whole catalog, one index per sort.
CREATE INDEX IF NOT EXISTS catalog_movies_walk_popularity
    ON catalog_movies (popularity DESC, id, release_date, vote_average, vote_count);
CREATE INDEX IF NOT EXISTS catalog_movies_walk_release_desc
    ON catalog_movies (release_date DESC, id, vote_average, vote_count);
CREATE INDEX IF NOT EXISTS catalog_movies_walk_release_asc
    ON catalog_movies (release_date, id, vote_average, vote_count);
CREATE INDEX IF NOT EXISTS catalog_movies_walk_rating
    ON catalog_movies (vote_average DESC, vote_count DESC, id, release_date);
CREATE INDEX IF NOT EXISTS catalog_movies_walk_title
    ON catalog_movies (sort_title, id, release_date, vote_average, vote_count);
-- A movie's keys by id, for filters that collect their few matches (people, awards) and sort
-- them: a match is checked and sorted without reading its row.
CREATE INDEX IF NOT EXISTS catalog_movies_keys ON catalog_movies
    (id, popularity, release_date, vote_average, vote_count, sort_title, original_language);
-- `min_votes` alone: its matches counted as a range.
CREATE INDEX IF NOT EXISTS catalog_movies_votes
    ON catalog_movies (vote_count, release_date, vote_average);

-- One language's movies, one index per sort.
CREATE INDEX IF NOT EXISTS catalog_movies_language_walk_popularity
    ON catalog_movies (original_language, popularity DESC, id, release_date, vote_average, vote_count);
CREATE INDEX IF NOT EXISTS catalog_movies_language_walk_release_desc
    ON catalog_movies (original_language, release_date DESC, id, vote_average, vote_count);
CREATE INDEX IF NOT EXISTS catalog_movies_language_walk_release_asc
    ON catalog_movies (original_language, release_date, id, vote_average, vote_count);
CREATE INDEX IF NOT EXISTS catalog_movies_language_walk_rating
    ON catalog_movies (original_language, vote_average DESC, vote_count DESC, id, release_date);
CREATE INDEX IF NOT EXISTS catalog_movies_language_walk_title
    ON catalog_movies (original_language, sort_title, id, release_date, vote_average, vote_count);

-- One genre's movies, one index per sort.
CREATE INDEX IF NOT EXISTS catalog_movie_genres_walk_popularity
    ON catalog_movie_genres (genre_id, popularity DESC, movie_id,
                             release_date, vote_average, vote_count, original_language, genre_list);
CREATE INDEX IF NOT EXISTS catalog_movie_genres_walk_release_desc
    ON catalog_movie_genres (genre_id, release_date DESC, movie_id,
                             vote_average, vote_count, original_language, genre_list);
CREATE INDEX IF NOT EXISTS catalog_movie_genres_walk_release_asc
    ON catalog_movie_genres (genre_id, release_date, movie_id,
                             vote_average, vote_count, original_language, genre_list);
CREATE INDEX IF NOT EXISTS catalog_movie_genres_walk_rating
    ON catalog_movie_genres (genre_id, vote_average DESC, vote_count DESC, movie_id,
                             release_date, original_language, genre_list);
CREATE INDEX IF NOT EXISTS catalog_movie_genres_walk_title
    ON catalog_movie_genres (genre_id, sort_title, movie_id,
                             release_date, vote_average, vote_count, original_language, genre_list);
