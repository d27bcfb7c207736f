-- Each movie's reviews counted by rating and by block of 65 536 ids (`id >> 16`), changed in the
-- same transaction as every review write: a numbered page of a movie's reviews sums these counts
-- to find the block it starts in, and reads from there instead of skipping every review before
-- it (reviews/blocks.rs). Rows left at 0 by deletions are harmless and stay.
CREATE TABLE movie_review_blocks (
    movie_id INTEGER NOT NULL,
    rating   INTEGER NOT NULL,
    block    INTEGER NOT NULL,
    reviews  INTEGER NOT NULL CHECK (reviews >= 0),
    PRIMARY KEY (movie_id, rating, block)
) WITHOUT ROWID;

INSERT INTO movie_review_blocks (movie_id, rating, block, reviews)
SELECT movie_id, rating, id >> 16, COUNT(*) FROM reviews GROUP BY movie_id, rating, id >> 16;
