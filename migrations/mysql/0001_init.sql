-- Reviews store bookkeeping; tables arrive with the reviews feature. utf8mb4 throughout.
CREATE TABLE IF NOT EXISTS schema_notes (
    id   INT PRIMARY KEY,
    note VARCHAR(200) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
