-- A decision round's electorate is fixed when it opens: the members of
-- the target group and of the groups below it at that moment. Rounds open
-- now take the members of today.
CREATE TABLE round_electorate (
    round_id  INTEGER NOT NULL REFERENCES rounds(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (round_id, person_id)
) WITHOUT ROWID;
CREATE INDEX round_electorate_person ON round_electorate(person_id, round_id);

INSERT INTO round_electorate (round_id, person_id)
WITH RECURSIVE des(round_id, id, depth) AS (
    SELECT id, group_id, 0 FROM rounds WHERE closed_at IS NULL
    UNION ALL
    SELECT des.round_id, g.id, des.depth + 1 FROM groups g JOIN des ON g.parent_id = des.id WHERE des.depth < 64)
SELECT DISTINCT des.round_id, m.person_id FROM des JOIN memberships m ON m.group_id = des.id;

-- An idea posted to an anonymous session names nobody: its author holds a
-- claim token, and only the token's hash is kept with the idea. Ideas
-- already posted to anonymous sessions lose their author link; nobody
-- can claim them. The table is built afresh so that author_id may be
-- empty (votes keep pointing at the same ids); the pages the old table
-- leaves free are overwritten, so that the file keeps no trace of it.
PRAGMA secure_delete = ON;
PRAGMA defer_foreign_keys = ON;
CREATE TABLE ideas_new (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES facilitation_sessions(id),
    author_id  INTEGER REFERENCES people(id),
    claim_hash TEXT,
    text       TEXT    NOT NULL,
    cluster_id INTEGER REFERENCES clusters(id),
    pitch_id   INTEGER UNIQUE REFERENCES pitches(id),
    created_at INTEGER NOT NULL
);
INSERT INTO ideas_new (id, session_id, author_id, claim_hash, text, cluster_id, pitch_id, created_at)
SELECT i.id, i.session_id, CASE WHEN s.anonymous THEN NULL ELSE i.author_id END, NULL, i.text, i.cluster_id, i.pitch_id, i.created_at
FROM ideas i JOIN facilitation_sessions s ON s.id = i.session_id;
DROP TABLE ideas;
ALTER TABLE ideas_new RENAME TO ideas;
CREATE INDEX ideas_session ON ideas(session_id, id);
PRAGMA secure_delete = OFF;
