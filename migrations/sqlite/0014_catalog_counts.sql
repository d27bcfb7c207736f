-- The number of movies and of people, kept by triggers on every insert and delete, so a list of
-- the whole catalog (popular, unfiltered discover, popular people) reports how many there are
-- without counting them: at TMDB's size a count reads a million index entries.
CREATE TABLE IF NOT EXISTS catalog_counts (
    name TEXT PRIMARY KEY NOT NULL,
    rows INTEGER NOT NULL
) WITHOUT ROWID;

INSERT INTO catalog_counts (name, rows) VALUES
    ('movies', (SELECT COUNT(*) FROM catalog_movies)),
    ('people', (SELECT COUNT(*) FROM catalog_people));

-- An upsert that updates (ON CONFLICT DO UPDATE) fires no INSERT trigger, and no writer uses
-- INSERT OR REPLACE on these tables (a replace would fire no DELETE trigger).
CREATE TRIGGER IF NOT EXISTS catalog_movies_counted_in AFTER INSERT ON catalog_movies
BEGIN
    UPDATE catalog_counts SET rows = rows + 1 WHERE name = 'movies';
END;
CREATE TRIGGER IF NOT EXISTS catalog_movies_counted_out AFTER DELETE ON catalog_movies
BEGIN
    UPDATE catalog_counts SET rows = rows - 1 WHERE name = 'movies';
END;
CREATE TRIGGER IF NOT EXISTS catalog_people_counted_in AFTER INSERT ON catalog_people
BEGIN
    UPDATE catalog_counts SET rows = rows + 1 WHERE name = 'people';
END;
CREATE TRIGGER IF NOT EXISTS catalog_people_counted_out AFTER DELETE ON catalog_people
BEGIN
    UPDATE catalog_counts SET rows = rows - 1 WHERE name = 'people';
END;
