-- Issues 13 and 14, moderation: rules that act on new messages at ingestion (label, assign,
-- priority, close, hide on the network, alert), what each rule did (undoable), the labels
-- it put on queue items, and the hide/unhide requests sent to the networks after the
-- ingestion transaction (never inside it), with their retries.

-- conditions and actions are JSON objects (beffroi.inbox.moderation reads and checks them).
-- builtin names a rule Beffroi ships (switched off until an admin turns it on).
CREATE TABLE moderation_rules (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    conditions  TEXT NOT NULL,
    actions     TEXT NOT NULL,
    enabled     INTEGER NOT NULL DEFAULT 0,
    builtin     TEXT UNIQUE,
    created_by  TEXT NOT NULL,
    created_at  TEXT NOT NULL,
    updated_by  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

-- One row per rule that fired on a message: what it did and why, in French; undone_* once
-- a person reversed it (unhide, reopen, label removed).
CREATE TABLE moderation_hits (
    id           INTEGER PRIMARY KEY,
    rule_id      INTEGER REFERENCES moderation_rules(id) ON DELETE SET NULL,
    rule_name    TEXT NOT NULL,
    queue_id     INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    item_id      INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    actions      TEXT NOT NULL,          -- JSON: what was done, with the values before
    why          TEXT NOT NULL,          -- "contient un numéro de téléphone (06 …)"
    alert_to     TEXT,                   -- the address to alert, mailed after the page
    alerted_at   TEXT,
    at           TEXT NOT NULL,
    undone_at    TEXT,
    undone_by    TEXT,
    UNIQUE (rule_id, queue_id)
);
CREATE INDEX moderation_hits_queue ON moderation_hits(queue_id);
CREATE INDEX moderation_hits_at ON moderation_hits(at);
CREATE INDEX moderation_hits_alert ON moderation_hits(alert_to) WHERE alert_to IS NOT NULL AND alerted_at IS NULL;

CREATE TABLE queue_labels (
    queue_id  INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    label     TEXT NOT NULL,
    added_by  TEXT NOT NULL,
    added_at  TEXT NOT NULL,
    PRIMARY KEY (queue_id, label)
);

-- A hide or unhide to perform on the network. Queued inside the ingestion transaction (or
-- by a manager), performed after it by beffroi.inbox.moderation.perform_network_actions:
-- pending -> done | failed (retried until attempts run out) | unsupported | cancelled
-- (undone before it was performed).
CREATE TABLE network_actions (
    id               INTEGER PRIMARY KEY,
    item_id          INTEGER NOT NULL REFERENCES items(id) ON DELETE CASCADE,
    action           TEXT NOT NULL CHECK (action IN ('hide', 'unhide')),
    status           TEXT NOT NULL DEFAULT 'pending'
                     CHECK (status IN ('pending', 'running', 'done', 'failed', 'unsupported',
                                       'cancelled')),
    requested_by     TEXT NOT NULL,
    hit_id           INTEGER REFERENCES moderation_hits(id) ON DELETE SET NULL,
    reason           TEXT,
    attempts         INTEGER NOT NULL DEFAULT 0,
    next_attempt_at  TEXT NOT NULL,
    last_error       TEXT,
    requested_at     TEXT NOT NULL,
    done_at          TEXT
);
-- One request of each kind waiting per message: queuing twice is harmless.
CREATE UNIQUE INDEX network_actions_waiting ON network_actions(item_id, action)
    WHERE status IN ('pending', 'running');
CREATE INDEX network_actions_due ON network_actions(next_attempt_at) WHERE status = 'pending';
CREATE INDEX network_actions_item ON network_actions(item_id, id);

INSERT INTO moderation_rules (name, conditions, actions, enabled, builtin, created_by,
                              created_at, updated_by, updated_at)
VALUES (
    'Masquer un numéro de téléphone ou une adresse e-mail publiés dans un commentaire public',
    '{"contact": true, "public_only": true}',
    '{"hide": true, "label": "coordonnées publiées"}',
    0, 'hide_contact_details', 'Beffroi', datetime('now'), 'Beffroi', datetime('now')
);
