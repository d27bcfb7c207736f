-- Each genre's number of movies, kept with the genre: `/genres` reads a row per genre instead of
-- counting the whole catalog per request. Imports, the first fill and admin writes recount them
-- (`CatalogStore::recount_genres`).
ALTER TABLE catalog_genres ADD COLUMN movie_count INTEGER NOT NULL DEFAULT 0;
UPDATE catalog_genres SET movie_count =
    (SELECT COUNT(*) FROM catalog_movie_genres mg WHERE mg.genre_id = catalog_genres.id);
