-- Browser sessions (see store/sessions.go).
CREATE TABLE sessions (
    token  TEXT   PRIMARY KEY,
    data   BYTEA  NOT NULL,
    expiry BIGINT NOT NULL
);
CREATE INDEX sessions_expiry ON sessions(expiry);
