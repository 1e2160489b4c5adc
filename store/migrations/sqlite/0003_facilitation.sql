-- Facilitation (management): sessions, their ideas, clusters and dot votes.
-- The browser's sessions already own the name "sessions".
CREATE TABLE facilitation_sessions (
    id               INTEGER PRIMARY KEY,
    group_id         INTEGER NOT NULL REFERENCES groups(id),
    facilitator_id   INTEGER NOT NULL REFERENCES people(id),
    prompt           TEXT    NOT NULL,
    anonymous        INTEGER NOT NULL DEFAULT 0,
    votes_per_person INTEGER NOT NULL CHECK (votes_per_person > 0),
    phase            TEXT    NOT NULL CHECK (phase IN ('ideas', 'clusters', 'votes', 'results', 'closed')),
    ideas            INTEGER NOT NULL DEFAULT 0 CHECK (ideas >= 0),
    created_at       INTEGER NOT NULL
);
CREATE INDEX facilitation_sessions_group ON facilitation_sessions(group_id, id);

CREATE TABLE clusters (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES facilitation_sessions(id),
    title      TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX clusters_session ON clusters(session_id);

-- An idea's author is kept so that the author can pitch it and see it as
-- theirs; an anonymous session never shows it to anyone else.
CREATE TABLE ideas (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES facilitation_sessions(id),
    author_id  INTEGER NOT NULL REFERENCES people(id),
    text       TEXT    NOT NULL,
    cluster_id INTEGER REFERENCES clusters(id),
    pitch_id   INTEGER UNIQUE REFERENCES pitches(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX ideas_session ON ideas(session_id, id);

-- One row per dot: a person may put several dots on one idea or cluster.
CREATE TABLE votes (
    id         INTEGER PRIMARY KEY,
    session_id INTEGER NOT NULL REFERENCES facilitation_sessions(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    idea_id    INTEGER REFERENCES ideas(id),
    cluster_id INTEGER REFERENCES clusters(id),
    cast_at    INTEGER NOT NULL,
    CHECK ((idea_id IS NULL) <> (cluster_id IS NULL))
);
CREATE INDEX votes_person ON votes(session_id, person_id);

ALTER TABLE pitches ADD COLUMN session_id INTEGER REFERENCES facilitation_sessions(id);

-- Decision rounds (management): the group's advice, consent or votes on a
-- pitch, closed by the decision they led to.
CREATE TABLE rounds (
    id          INTEGER PRIMARY KEY,
    pitch_id    INTEGER NOT NULL REFERENCES pitches(id),
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    opener_id   INTEGER NOT NULL REFERENCES people(id),
    method      TEXT    NOT NULL CHECK (method IN ('advice', 'consent', 'vote')),
    closes_at   INTEGER NOT NULL,
    decision_id INTEGER REFERENCES decisions(id),
    created_at  INTEGER NOT NULL,
    closed_at   INTEGER
);
CREATE INDEX rounds_pitch ON rounds(pitch_id, id);
CREATE UNIQUE INDEX rounds_open ON rounds(pitch_id) WHERE closed_at IS NULL;

-- A member's standing answer; answering again replaces it.
CREATE TABLE round_responses (
    round_id  INTEGER NOT NULL REFERENCES rounds(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    advice    TEXT    NOT NULL DEFAULT '',
    consent   INTEGER NOT NULL DEFAULT 0,
    objection TEXT    NOT NULL DEFAULT '',
    choice    TEXT    NOT NULL DEFAULT '',
    at        INTEGER NOT NULL,
    PRIMARY KEY (round_id, person_id)
) WITHOUT ROWID;

ALTER TABLE decisions ADD COLUMN round_id INTEGER REFERENCES rounds(id);
