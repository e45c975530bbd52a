-- Beffroi initial schema. Times are UTC text 'YYYY-MM-DD HH:MM:SS' so that SQLite's date
-- functions and plain string comparison both work on them.

CREATE TABLE accounts (
    key           TEXT PRIMARY KEY,
    network       TEXT NOT NULL,
    handle        TEXT NOT NULL,
    external_id   TEXT,
    display_name  TEXT
);

-- A person (or organisation) seen on a network. Only what the queue and the ranking need:
-- no e-mail, no age, no location.
CREATE TABLE members (
    id            INTEGER PRIMARY KEY,
    network       TEXT NOT NULL,
    external_id   TEXT NOT NULL,
    handle        TEXT,
    display_name  TEXT,
    is_staff      INTEGER NOT NULL DEFAULT 0,
    is_blocked    INTEGER NOT NULL DEFAULT 0,
    is_spam       INTEGER NOT NULL DEFAULT 0,
    erased_at     TEXT,
    person_id     INTEGER REFERENCES members(id) ON DELETE SET NULL, -- linked by hand: same person
    notes         TEXT,
    first_seen_at TEXT NOT NULL,
    last_seen_at  TEXT NOT NULL,
    UNIQUE (network, external_id)
);
CREATE INDEX members_person ON members(person_id) WHERE person_id IS NOT NULL;

CREATE TABLE items (
    id                  INTEGER PRIMARY KEY,
    network             TEXT NOT NULL,
    account             TEXT NOT NULL REFERENCES accounts(key),
    external_id         TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('comment','reply','mention','dm','post','ugc')),
    direction           TEXT NOT NULL CHECK (direction IN ('in','out')),
    member_id           INTEGER REFERENCES members(id) ON DELETE SET NULL,
    text                TEXT NOT NULL DEFAULT '',
    created_at          TEXT NOT NULL,
    permalink           TEXT,
    parent_external_id  TEXT,
    thread_external_id  TEXT,
    like_count          INTEGER,
    reply_count         INTEGER,
    raw                 TEXT,
    collected_at        TEXT NOT NULL,
    UNIQUE (network, external_id)
);
CREATE INDEX items_created ON items(created_at);
CREATE INDEX items_member ON items(member_id, created_at);
CREATE INDEX items_parent ON items(network, parent_external_id) WHERE parent_external_id IS NOT NULL;
CREATE INDEX items_thread ON items(network, thread_external_id) WHERE thread_external_id IS NOT NULL;
CREATE INDEX items_account_kind ON items(account, kind, created_at);

CREATE VIRTUAL TABLE items_fts USING fts5(
    text, content='items', content_rowid='id', tokenize='unicode61 remove_diacritics 2'
);
CREATE TRIGGER items_fts_insert AFTER INSERT ON items BEGIN
    INSERT INTO items_fts(rowid, text) VALUES (new.id, new.text);
END;
CREATE TRIGGER items_fts_delete AFTER DELETE ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text) VALUES ('delete', old.id, old.text);
END;
CREATE TRIGGER items_fts_update AFTER UPDATE OF text ON items BEGIN
    INSERT INTO items_fts(items_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO items_fts(rowid, text) VALUES (new.id, new.text);
END;

-- The response queue: one row per inbound item that may need an answer.
CREATE TABLE queue (
    id                 INTEGER PRIMARY KEY,
    item_id            INTEGER NOT NULL UNIQUE REFERENCES items(id) ON DELETE CASCADE,
    status             TEXT NOT NULL DEFAULT 'new'
                       CHECK (status IN ('new','assigned','replied','closed')),
    needs_reply        INTEGER,            -- NULL: not triaged yet
    triage_rule        TEXT,               -- which rule decided needs_reply
    theme              TEXT,
    priority           TEXT NOT NULL DEFAULT 'normal'
                       CHECK (priority IN ('urgent','high','normal','low')),
    due_at             TEXT,
    assignee           TEXT,               -- staff username
    service            TEXT,               -- escalated to this service key
    closed_reason      TEXT,
    reply_item_id      INTEGER REFERENCES items(id) ON DELETE SET NULL,
    replied_at         TEXT,
    replied_by         TEXT,               -- staff username, or 'réseau' for a native reply
    response_seconds   INTEGER,
    previous_queue_id  INTEGER REFERENCES queue(id) ON DELETE SET NULL,
    overdue_at         TEXT,
    overdue_alerted_at TEXT,
    reply_draft        TEXT,
    last_error         TEXT,
    created_at         TEXT NOT NULL,
    updated_at         TEXT NOT NULL
);
CREATE INDEX queue_open ON queue(status, due_at) WHERE status IN ('new','assigned');
CREATE INDEX queue_assignee ON queue(assignee, status);

CREATE TABLE cursors (
    account     TEXT NOT NULL,
    stream      TEXT NOT NULL,
    cursor      TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (account, stream)
);

CREATE TABLE collection_runs (
    id           INTEGER PRIMARY KEY,
    account      TEXT NOT NULL,
    stream       TEXT NOT NULL,
    started_at   TEXT NOT NULL,
    finished_at  TEXT,
    status       TEXT NOT NULL DEFAULT 'running'
                 CHECK (status IN ('running','ok','error','skipped')),
    fetched      INTEGER NOT NULL DEFAULT 0,
    new          INTEGER NOT NULL DEFAULT 0,
    api_calls    INTEGER NOT NULL DEFAULT 0,
    rejected     INTEGER NOT NULL DEFAULT 0,
    error_kind   TEXT,
    error        TEXT,
    retry_after  TEXT
);
CREATE INDEX collection_runs_stream ON collection_runs(account, stream, id);

CREATE TABLE rejected_payloads (
    id          INTEGER PRIMARY KEY,
    account     TEXT NOT NULL,
    stream      TEXT NOT NULL,
    reason      TEXT NOT NULL,
    payload     TEXT NOT NULL,
    digest      TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    UNIQUE (account, stream, digest)
);

CREATE TABLE series (
    key        TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    paused     INTEGER NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL
);

CREATE TABLE drafts (
    id           INTEGER PRIMARY KEY,
    series_key   TEXT REFERENCES series(key),
    fixed_at     TEXT,                 -- one-off post: publish at this time
    title        TEXT NOT NULL DEFAULT '',
    texts        TEXT NOT NULL,        -- JSON {account_key: text}
    image_path   TEXT,
    status       TEXT NOT NULL DEFAULT 'draft'
                 CHECK (status IN ('draft','approved','publishing','published','failed','cancelled')),
    created_by   TEXT,
    approved_by  TEXT,
    approved_at  TEXT,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL
);
CREATE INDEX drafts_series ON drafts(series_key, status, id);

-- The publishing outbox: one row per (series, occurrence, account). The unique key is what
-- makes a post impossible to publish twice.
CREATE TABLE publications (
    id            INTEGER PRIMARY KEY,
    series_key    TEXT NOT NULL,        -- series key, or 'draft:<id>' for one-off posts
    occurrence    TEXT NOT NULL,        -- UTC time of the occurrence
    account       TEXT NOT NULL,
    draft_id      INTEGER REFERENCES drafts(id),
    status        TEXT NOT NULL
                  CHECK (status IN ('scheduled','approved','publishing','published','failed',
                                    'missed','needs_person','cancelled')),
    marker        TEXT NOT NULL,
    external_id   TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT,
    claimed_at    TEXT,
    claimed_by    TEXT,
    published_at  TEXT,
    error         TEXT,
    alerted_at    TEXT,
    created_at    TEXT NOT NULL,
    updated_at    TEXT NOT NULL,
    UNIQUE (series_key, occurrence, account)
);
CREATE INDEX publications_due ON publications(status, occurrence);

CREATE TABLE events (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('instameet','snapmeet','afterwork','other')),
    starts_at   TEXT NOT NULL,
    place       TEXT,
    capacity    INTEGER,
    min_age     INTEGER,
    max_age     INTEGER,
    created_at  TEXT NOT NULL
);

CREATE TABLE invitations (
    id                   INTEGER PRIMARY KEY,
    event_id             INTEGER NOT NULL REFERENCES events(id) ON DELETE CASCADE,
    member_id            INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    status               TEXT NOT NULL DEFAULT 'proposed'
                         CHECK (status IN ('proposed','invited','accepted','declined','attended','no_show')),
    message              TEXT,
    sent_via             TEXT,          -- 'dm' or 'manual'
    is_minor             INTEGER,       -- as declared by the person or their parent; never guessed
    consent_recorded_at  TEXT,
    consent_recorded_by  TEXT,
    created_at           TEXT NOT NULL,
    updated_at           TEXT NOT NULL,
    UNIQUE (event_id, member_id)
);

CREATE TABLE staff (
    username       TEXT PRIMARY KEY,
    display_name   TEXT NOT NULL,
    role           TEXT NOT NULL CHECK (role IN ('community_manager','comms','comms_lead','director','admin')),
    password_hash  TEXT NOT NULL,
    email          TEXT,
    active         INTEGER NOT NULL DEFAULT 1,
    created_at     TEXT NOT NULL
);

CREATE TABLE audit (
    id           INTEGER PRIMARY KEY,
    at           TEXT NOT NULL,
    actor        TEXT NOT NULL,
    action       TEXT NOT NULL,
    target_kind  TEXT NOT NULL,
    target_id    TEXT,
    detail       TEXT
);
CREATE INDEX audit_target ON audit(target_kind, target_id);

-- Key-value facts about the instance (demo seed, service heartbeat...).
CREATE TABLE meta (
    key    TEXT PRIMARY KEY,
    value  TEXT NOT NULL
);
