-- The embedded default's cache. Every function process of one data dir reads and writes this
-- one table (as every Lambda container shares one Redis in production), so a write made by one
-- function is seen by every other on its next read: a deleted entry is gone for all of them.
-- Values are the cached bytes (BLOB) or, for counters, the count as text; `expires_at` is Unix
-- time in milliseconds (wall clock: the processes share no monotonic clock).
CREATE TABLE IF NOT EXISTS cache_entries (
    key TEXT PRIMARY KEY NOT NULL,
    value BLOB NOT NULL,
    expires_at INTEGER NOT NULL
);
