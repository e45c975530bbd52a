-- Internal notes (issue 14): what colleagues write to each other about a message or a
-- member, never sent to a network nor put in a report. A note on a message also names the
-- message's member, so erasing or purging that person takes the note with them. A note of
-- kind 'service' is the one written for a service when the message was forwarded to it
-- (it used to live only in the e-mail).
CREATE TABLE notes (
    id          INTEGER PRIMARY KEY,
    queue_id    INTEGER REFERENCES queue(id) ON DELETE CASCADE,
    member_id   INTEGER REFERENCES members(id) ON DELETE CASCADE,
    kind        TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'service')),
    service     TEXT,
    author      TEXT NOT NULL,
    body        TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    CHECK (queue_id IS NOT NULL OR member_id IS NOT NULL)
);
CREATE INDEX notes_by_queue ON notes (queue_id);
CREATE INDEX notes_by_member ON notes (member_id);

-- A colleague named with @ in a note: shown in their "Mentions" until they open it, and
-- mailed to them when they have an address (mailed_at, or why not in mail_error).
CREATE TABLE note_mentions (
    note_id     INTEGER NOT NULL REFERENCES notes(id) ON DELETE CASCADE,
    username    TEXT NOT NULL,
    seen_at     TEXT,
    mailed_at   TEXT,
    mail_error  TEXT,
    PRIMARY KEY (note_id, username)
);
CREATE INDEX note_mentions_unseen ON note_mentions (username, seen_at);

-- Dashboard sessions kept by a cookie (issue 14: F5 and a new tab stay logged in). Only
-- hashes are stored: the cookie's token (token_hash) and the one-time code the page trades
-- for the cookie right after the login (claim_hash, valid until claim_expires_at). The
-- idle and absolute limits apply to logged_in_at and last_seen_at; logout sets revoked_at.
CREATE TABLE dashboard_sessions (
    id                INTEGER PRIMARY KEY,
    username          TEXT NOT NULL,
    token_hash        TEXT UNIQUE,
    claim_hash        TEXT UNIQUE,
    claim_expires_at  TEXT,
    logged_in_at      TEXT NOT NULL,
    last_seen_at      TEXT NOT NULL,
    revoked_at        TEXT
);
CREATE INDEX dashboard_sessions_by_user ON dashboard_sessions (username);
