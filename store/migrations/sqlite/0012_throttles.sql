-- The sign-in limits' counts, for several nodes to share (PostgreSQL);
-- one process keeps them in memory. A key is the SHA-256 of what tries
-- are counted by (an account, an address, both).
CREATE TABLE throttles (
    key     BLOB    PRIMARY KEY,
    fails   INTEGER NOT NULL,
    next_at INTEGER NOT NULL, -- 0: no wait
    last_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX throttles_last ON throttles(last_at);
