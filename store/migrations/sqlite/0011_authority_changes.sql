-- The authority version is the newest row of authority_changes: a change
-- of authority adds a row rather than updating one, so that concurrent
-- transactions (on PostgreSQL) do not collide on a single row. Old rows
-- are deleted now and then; the newest always stays.
CREATE TABLE authority_changes (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL
);
INSERT INTO authority_changes (id, at) SELECT version, 0 FROM authority WHERE version > 0;
DROP TABLE authority;
