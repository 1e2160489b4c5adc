-- Notifications derive from the ledger: a consumer reads the acts after
-- its position and writes, in one transaction with the new position, the
-- inbox entries, the e-mails to send and the webhook deliveries. A crash
-- loses nothing (the position has not moved) and repeats nothing (it has,
-- together with what it wrote).
CREATE TABLE job_positions (
    name     TEXT    PRIMARY KEY,
    position INTEGER NOT NULL
);
-- Notifications start from now: the history already in the ledger is not
-- told again.
INSERT INTO job_positions (name, position) SELECT 'notify', coalesce(max(id), 0) FROM acts;

-- A background job runs on one process at a time: the one holding its
-- lease, renewed while it works.
CREATE TABLE leases (
    name   TEXT    PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
);

-- One person's inbox; a notice is written once per person, kind and key.
CREATE TABLE notifications (
    id         INTEGER PRIMARY KEY,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    kind       TEXT    NOT NULL,
    act_id     INTEGER NOT NULL REFERENCES acts(id),
    dedupe     TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    body       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    thread     TEXT    NOT NULL,
    topic      TEXT    NOT NULL DEFAULT '', -- the title of the pitch, journey or session
    created_at INTEGER NOT NULL,
    read_at    INTEGER,
    UNIQUE (person_id, kind, dedupe)
);
CREATE INDEX notifications_inbox ON notifications(person_id, id);
CREATE INDEX notifications_unread ON notifications(person_id, id) WHERE read_at IS NULL;

-- A person's choices; no row means the defaults. kinds_off lists the kinds
-- not to mail as ",kind,kind,".
CREATE TABLE preferences (
    person_id      INTEGER PRIMARY KEY REFERENCES people(id),
    email          TEXT    NOT NULL CHECK (email IN ('immediate', 'daily', 'weekly', 'off')),
    digest_hour    INTEGER NOT NULL CHECK (digest_hour BETWEEN 0 AND 23),
    time_zone      TEXT    NOT NULL,
    kinds_off      TEXT    NOT NULL DEFAULT '',
    digest_through INTEGER NOT NULL DEFAULT 0, -- the newest notification a digest covered
    next_digest_at INTEGER,
    updated_at     INTEGER NOT NULL
);
CREATE INDEX preferences_digest ON preferences(next_digest_at) WHERE next_digest_at IS NOT NULL;

-- Mail to send: a notification (after the mail delay, dropped if read
-- meanwhile), a digest (a range of notifications) or an account link.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL REFERENCES people(id),
    kind            TEXT    NOT NULL CHECK (kind IN ('notice', 'digest', 'account')),
    notification_id INTEGER UNIQUE REFERENCES notifications(id),
    first_id        INTEGER,
    last_id         INTEGER,
    period          TEXT    NOT NULL DEFAULT '',
    payload         TEXT    NOT NULL DEFAULT '',
    state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dropped', 'failed')),
    due_at          INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    answer          TEXT    NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,
    sent_at         INTEGER
);
CREATE INDEX mail_outbox_due ON mail_outbox(due_at) WHERE state = 'pending';

-- Webhook endpoints and what they were sent.
CREATE TABLE webhooks (
    id          INTEGER PRIMARY KEY,
    url         TEXT    NOT NULL,
    format      TEXT    NOT NULL CHECK (format IN ('standard', 'slack', 'teams', 'markdown')),
    kinds       TEXT    NOT NULL DEFAULT '', -- ",verb,verb," or '' for every act
    secret      TEXT    NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 1,
    disabled_why TEXT    NOT NULL DEFAULT '',
    created_by  INTEGER REFERENCES people(id),
    after_act   INTEGER NOT NULL DEFAULT 0, -- it receives the acts after this one
    created_at  INTEGER NOT NULL
);
CREATE TABLE webhook_deliveries (
    id         INTEGER PRIMARY KEY,
    webhook_id INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    act_id     INTEGER NOT NULL REFERENCES acts(id),
    state      TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
    due_at     INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    UNIQUE (webhook_id, act_id)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries(due_at) WHERE state = 'pending';
CREATE TABLE webhook_attempts (
    id          INTEGER PRIMARY KEY,
    delivery_id INTEGER NOT NULL REFERENCES webhook_deliveries(id) ON DELETE CASCADE,
    webhook_id  INTEGER NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    status      INTEGER NOT NULL,
    latency_ms  INTEGER NOT NULL,
    error       TEXT    NOT NULL DEFAULT '',
    excerpt     TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX webhook_attempts_hook ON webhook_attempts(webhook_id, id);

-- Single-use links for invitations and password resets; only their
-- SHA-256 hash is kept.
CREATE TABLE account_links (
    id         INTEGER PRIMARY KEY,
    hash       BLOB    NOT NULL UNIQUE,
    person_id  INTEGER NOT NULL REFERENCES people(id),
    kind       TEXT    NOT NULL CHECK (kind IN ('invited', 'password_reset')),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at    INTEGER
);
CREATE INDEX account_links_person ON account_links(person_id, id);
