-- Embedded engine bookkeeping. Each store's tables come in their own migrations.
CREATE TABLE IF NOT EXISTS embedded_meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
);
