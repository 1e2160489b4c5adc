-- A person is active or deactivated; a deactivated person keeps their
-- records but can no longer sign in.
ALTER TABLE people ADD COLUMN status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated'));
ALTER TABLE people ADD COLUMN deactivated_at INTEGER;

-- API tokens are named, may expire, remember when they were last used,
-- and can be revoked one by one. Only their SHA-256 hash is kept.
CREATE TABLE api_tokens (
    id           INTEGER PRIMARY KEY,
    hash         BLOB    NOT NULL UNIQUE,
    person_id    INTEGER NOT NULL REFERENCES people(id),
    kind         TEXT    NOT NULL DEFAULT 'api' CHECK (kind IN ('api', 'scim')),
    name         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER,
    last_used_at INTEGER
);
INSERT INTO api_tokens (hash, person_id, name, created_at)
    SELECT hash, person_id, 'API token', created_at FROM tokens ORDER BY created_at;
DROP TABLE tokens;
CREATE INDEX api_tokens_person ON api_tokens(person_id, id);

-- The authority version moves in every transaction that changes who may
-- do what (a role, the admin flag, a password, a status, a token): every
-- server process watches it and drops what it remembered of authority.
CREATE TABLE authority (
    id      INTEGER PRIMARY KEY CHECK (id = 1),
    version INTEGER NOT NULL
);
INSERT INTO authority (id, version) VALUES (1, 0);
