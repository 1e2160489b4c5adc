-- The sign-in limits' counts, for several nodes to share; one process
-- keeps them in memory. A key is the SHA-256 of what tries are counted by
-- (an account, an address, both).
CREATE TABLE throttles (
    key     BYTEA  PRIMARY KEY,
    fails   BIGINT NOT NULL,
    next_at BIGINT NOT NULL, -- 0: no wait
    last_at BIGINT NOT NULL
);
CREATE INDEX throttles_last ON throttles(last_at);
