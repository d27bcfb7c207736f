-- Each movie's reviews counted by rating and by block of 65 536 ids (`id >> 16`), changed in the
-- same transaction as every review write: a numbered page of a movie's reviews sums these counts
-- to find the block it starts in, and reads from there instead of skipping every review before
-- it (reviews/blocks.rs). Rows left at 0 by deletions are harmless and stay.
CREATE TABLE movie_review_blocks (
    movie_id BIGINT  NOT NULL,
    rating   TINYINT NOT NULL,
    block    BIGINT  NOT NULL,
    reviews  BIGINT  NOT NULL,
    PRIMARY KEY (movie_id, rating, block),
    CONSTRAINT movie_review_blocks_non_negative CHECK (reviews >= 0)
) ENGINE=InnoDB;

INSERT INTO movie_review_blocks (movie_id, rating, block, reviews)
SELECT movie_id, rating, id >> 16, COUNT(*) FROM reviews GROUP BY movie_id, rating, id >> 16;
