-- People, groups and roles.
CREATE TABLE people (
    id            INTEGER PRIMARY KEY,
    name          TEXT    NOT NULL,
    email         TEXT    NOT NULL UNIQUE,
    title         TEXT    NOT NULL DEFAULT '',
    manager_id    INTEGER REFERENCES people(id),
    level         INTEGER NOT NULL DEFAULT 0,
    admin         INTEGER NOT NULL DEFAULT 0,
    password_hash TEXT    NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL
);
CREATE INDEX people_manager ON people(manager_id);

CREATE TABLE groups (
    id         INTEGER PRIMARY KEY,
    name       TEXT    NOT NULL,
    parent_id  INTEGER REFERENCES groups(id),
    created_at INTEGER NOT NULL
);
CREATE INDEX groups_parent ON groups(parent_id);

CREATE TABLE memberships (
    group_id  INTEGER NOT NULL REFERENCES groups(id),
    person_id INTEGER NOT NULL REFERENCES people(id),
    role      TEXT    NOT NULL CHECK (role IN ('member', 'manager')),
    PRIMARY KEY (group_id, person_id)
) WITHOUT ROWID;
CREATE INDEX memberships_person ON memberships(person_id);

CREATE TABLE tokens (
    hash       BLOB    PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    created_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- Leadership: pitches, evidence, tickets, re-pitches.
CREATE TABLE pitches (
    id              INTEGER PRIMARY KEY,
    group_id        INTEGER NOT NULL REFERENCES groups(id),
    author_id       INTEGER NOT NULL REFERENCES people(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('proposal', 'example')),
    title           TEXT    NOT NULL,
    status_quo      TEXT    NOT NULL,
    better_way      TEXT    NOT NULL,
    tickets_wanted  INTEGER NOT NULL,
    sales_close     INTEGER,
    status          TEXT    NOT NULL,
    origin_relation TEXT    NOT NULL,
    origin_levels   INTEGER NOT NULL,
    decision_id     INTEGER,
    journey_id      INTEGER,
    merged_into     INTEGER,
    created_at      INTEGER NOT NULL
);
CREATE INDEX pitches_group ON pitches(group_id, id);
CREATE INDEX pitches_author ON pitches(author_id, id);
CREATE INDEX pitches_status ON pitches(status, id);

-- Counters live in a narrow table of their own: a purchase touches few pages.
CREATE TABLE pitch_counters (
    pitch_id     INTEGER PRIMARY KEY,
    tickets_sold INTEGER NOT NULL DEFAULT 0 CHECK (tickets_sold >= 0)
);

CREATE VIRTUAL TABLE pitches_fts USING fts5(title, status_quo, better_way, content='', contentless_delete=1);

CREATE TABLE evidence (
    id         INTEGER PRIMARY KEY,
    pitch_id   INTEGER REFERENCES pitches(id),
    repitch_id INTEGER,
    position   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    label      TEXT    NOT NULL,
    value      REAL,
    unit       TEXT    NOT NULL DEFAULT '',
    url        TEXT    NOT NULL DEFAULT '',
    source     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX evidence_pitch ON evidence(pitch_id) WHERE pitch_id IS NOT NULL;
CREATE INDEX evidence_repitch ON evidence(repitch_id) WHERE repitch_id IS NOT NULL;

CREATE TABLE tickets (
    pitch_id  INTEGER NOT NULL,
    person_id INTEGER NOT NULL,
    bought_at INTEGER NOT NULL,
    PRIMARY KEY (pitch_id, person_id)
) WITHOUT ROWID;
CREATE INDEX tickets_person ON tickets(person_id);

-- Management: decisions and journeys.
CREATE TABLE decisions (
    id          INTEGER PRIMARY KEY,
    pitch_id    INTEGER NOT NULL REFERENCES pitches(id),
    decider_id  INTEGER NOT NULL REFERENCES people(id),
    outcome     TEXT    NOT NULL,
    method      TEXT    NOT NULL,
    rationale   TEXT    NOT NULL,
    revisit_on  TEXT    NOT NULL DEFAULT '',
    merge_into  INTEGER,
    supersedes  INTEGER UNIQUE REFERENCES decisions(id),
    journey_id  INTEGER,
    created_at  INTEGER NOT NULL
);
CREATE INDEX decisions_pitch ON decisions(pitch_id, id);

CREATE TABLE journeys (
    id          INTEGER PRIMARY KEY,
    pitch_id    INTEGER NOT NULL UNIQUE REFERENCES pitches(id),
    group_id    INTEGER NOT NULL REFERENCES groups(id),
    title       TEXT    NOT NULL,
    destination TEXT    NOT NULL,
    status      TEXT    NOT NULL,
    riders      INTEGER NOT NULL DEFAULT 0 CHECK (riders >= 0),
    open_doubts INTEGER NOT NULL DEFAULT 0 CHECK (open_doubts >= 0),
    review      TEXT    NOT NULL DEFAULT '',
    created_at  INTEGER NOT NULL,
    departed_at INTEGER,
    ended_at    INTEGER
);
CREATE INDEX journeys_group ON journeys(group_id, id);

CREATE TABLE journey_drivers (
    journey_id INTEGER NOT NULL REFERENCES journeys(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    PRIMARY KEY (journey_id, person_id)
) WITHOUT ROWID;

CREATE TABLE journey_riders (
    journey_id INTEGER NOT NULL REFERENCES journeys(id),
    person_id  INTEGER NOT NULL REFERENCES people(id),
    joined_at  INTEGER NOT NULL,
    left_at    INTEGER,
    PRIMARY KEY (journey_id, person_id)
) WITHOUT ROWID;
CREATE INDEX journey_riders_person ON journey_riders(person_id);

CREATE TABLE stops (
    id         INTEGER PRIMARY KEY,
    journey_id INTEGER NOT NULL REFERENCES journeys(id),
    title      TEXT    NOT NULL,
    due_on     TEXT    NOT NULL,
    done_at    INTEGER
);
CREATE INDEX stops_journey ON stops(journey_id);

CREATE TABLE checkins (
    id         INTEGER PRIMARY KEY,
    journey_id INTEGER NOT NULL REFERENCES journeys(id),
    author_id  INTEGER NOT NULL REFERENCES people(id),
    progress   INTEGER NOT NULL,
    confidence TEXT    NOT NULL,
    note       TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL
);
CREATE INDEX checkins_journey ON checkins(journey_id);

CREATE TABLE doubts (
    id          INTEGER PRIMARY KEY,
    journey_id  INTEGER NOT NULL REFERENCES journeys(id),
    person_id   INTEGER NOT NULL REFERENCES people(id),
    note        TEXT    NOT NULL DEFAULT '',
    raised_at   INTEGER NOT NULL,
    resolved_at INTEGER,
    resolution  TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX doubts_journey ON doubts(journey_id);
CREATE UNIQUE INDEX doubts_open ON doubts(journey_id, person_id) WHERE resolved_at IS NULL;

CREATE TABLE repitches (
    id         INTEGER PRIMARY KEY,
    journey_id INTEGER NOT NULL REFERENCES journeys(id),
    author_id  INTEGER NOT NULL REFERENCES people(id),
    message    TEXT    NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX repitches_journey ON repitches(journey_id);

-- The ledger: append-only.
CREATE TABLE acts (
    id           INTEGER PRIMARY KEY,
    at           INTEGER NOT NULL,
    person_id    INTEGER NOT NULL,
    function     TEXT    NOT NULL,
    verb         TEXT    NOT NULL,
    subject_kind TEXT    NOT NULL,
    subject_id   INTEGER NOT NULL,
    group_id     INTEGER,
    payload      TEXT
);
CREATE INDEX acts_person ON acts(person_id, id);
CREATE INDEX acts_group ON acts(group_id, id);
CREATE TRIGGER acts_no_update BEFORE UPDATE ON acts BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
CREATE TRIGGER acts_no_delete BEFORE DELETE ON acts BEGIN SELECT RAISE(ABORT, 'the ledger is append-only'); END;
