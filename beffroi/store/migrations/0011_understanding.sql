-- Issue 13, understanding citizens: what triage read in each message (secondary themes,
-- tone, and the words that decided them), the immediate alert for urgent items, and every
-- correction a manager makes to triage (who, when, from what to what).

ALTER TABLE queue ADD COLUMN secondary_themes TEXT;      -- "jeunesse,travaux", best first
ALTER TABLE queue ADD COLUMN theme_rule TEXT;            -- "sécurité:urgence+gaz"
ALTER TABLE queue ADD COLUMN tone TEXT;                  -- positive | neutral | negative
ALTER TABLE queue ADD COLUMN tone_rule TEXT;             -- "negative:scandale"
-- Urgent items are mailed to the on-call address once: claimed here before the mail goes.
ALTER TABLE queue ADD COLUMN urgent_alerted_at TEXT;
ALTER TABLE queue ADD COLUMN urgent_alert_to TEXT;

-- Urgent items stored before this migration were handled by the overdue digest: not re-sent.
UPDATE queue SET urgent_alerted_at = updated_at, urgent_alert_to = '(avant la migration 0011)'
WHERE priority = 'urgent';

CREATE INDEX queue_urgent_pending ON queue(priority) WHERE urgent_alerted_at IS NULL;

-- A manager's correction of triage. field: theme | priority | needs_reply | tone.
-- Rows are never updated: the latest row per (queue_id, field) is the manager's answer,
-- and the city's model learns from them (beffroi.inbox.model).
CREATE TABLE triage_corrections (
    id          INTEGER PRIMARY KEY,
    queue_id    INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    field       TEXT NOT NULL CHECK (field IN ('theme', 'priority', 'needs_reply', 'tone')),
    old_value   TEXT,
    new_value   TEXT,
    actor       TEXT NOT NULL,
    at          TEXT NOT NULL
);
CREATE INDEX triage_corrections_queue ON triage_corrections(queue_id, field, id);
