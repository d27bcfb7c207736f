-- Reviews and their per-movie rating aggregates. utf8mb4 throughout, so any Unicode text (emoji,
-- right-to-left scripts) round-trips byte for byte. Rules are enforced here as well as in code.

CREATE TABLE reviews (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    movie_id          BIGINT          NOT NULL,
    -- NULL once the author's account is deleted: the review stays, detached from the account.
    user_id           BINARY(16)      NULL,
    rating            TINYINT         NOT NULL,
    title             VARCHAR(200)    NULL,
    body              TEXT            NOT NULL,
    contains_spoilers BOOLEAN         NOT NULL DEFAULT FALSE,
    -- Optimistic concurrency: every change bumps it; writers say which version they read.
    version           BIGINT UNSIGNED NOT NULL DEFAULT 1,
    created_at        DATETIME(6)     NOT NULL,
    updated_at        DATETIME(6)     NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT reviews_movie_id_positive CHECK (movie_id > 0),
    CONSTRAINT reviews_rating_range CHECK (rating BETWEEN 1 AND 10),
    CONSTRAINT reviews_title_length CHECK (title IS NULL OR CHAR_LENGTH(title) BETWEEN 1 AND 200),
    CONSTRAINT reviews_body_length CHECK (CHAR_LENGTH(body) BETWEEN 1 AND 10000),
    -- One review per user and movie (anonymised reviews have NULL user ids, which never collide).
    CONSTRAINT reviews_movie_user UNIQUE (movie_id, user_id),
    -- Newest/oldest pages of a movie (ids grow with creation time).
    KEY reviews_movie_newest (movie_id, id),
    -- rating.desc / rating.asc pages of a movie.
    KEY reviews_movie_rating (movie_id, rating, id),
    -- A user's reviews, newest first; also what anonymisation looks up.
    KEY reviews_user_newest (user_id, id),
    -- Recent activity per movie (trending), answered from the index alone.
    KEY reviews_recent (created_at, movie_id, rating)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per reviewed movie, changed in the same transaction as every review write.
CREATE TABLE movie_ratings (
    movie_id     BIGINT      NOT NULL,
    rating_count BIGINT      NOT NULL DEFAULT 0,
    rating_sum   BIGINT      NOT NULL DEFAULT 0,
    r1           BIGINT      NOT NULL DEFAULT 0,
    r2           BIGINT      NOT NULL DEFAULT 0,
    r3           BIGINT      NOT NULL DEFAULT 0,
    r4           BIGINT      NOT NULL DEFAULT 0,
    r5           BIGINT      NOT NULL DEFAULT 0,
    r6           BIGINT      NOT NULL DEFAULT 0,
    r7           BIGINT      NOT NULL DEFAULT 0,
    r8           BIGINT      NOT NULL DEFAULT 0,
    r9           BIGINT      NOT NULL DEFAULT 0,
    r10          BIGINT      NOT NULL DEFAULT 0,
    -- Grows with every change of this row, so a cached copy can tell it is older than a write.
    revision     BIGINT      NOT NULL DEFAULT 0,
    updated_at   DATETIME(6) NULL,
    PRIMARY KEY (movie_id),
    CONSTRAINT movie_ratings_non_negative CHECK (
        rating_count >= 0 AND rating_sum >= 0 AND r1 >= 0 AND r2 >= 0 AND r3 >= 0 AND r4 >= 0
        AND r5 >= 0 AND r6 >= 0 AND r7 >= 0 AND r8 >= 0 AND r9 >= 0 AND r10 >= 0),
    CONSTRAINT movie_ratings_histogram_total CHECK (
        rating_count = r1 + r2 + r3 + r4 + r5 + r6 + r7 + r8 + r9 + r10),
    CONSTRAINT movie_ratings_sum_matches CHECK (
        rating_sum = r1 + 2 * r2 + 3 * r3 + 4 * r4 + 5 * r5 + 6 * r6 + 7 * r7 + 8 * r8 + 9 * r9
        + 10 * r10)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
