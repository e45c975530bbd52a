-- Colleagues see each other in the inbox (issue 14): who is reading a message, who is writing
-- a reply to it. One row per person and message, refreshed by the dashboard's heartbeats;
-- a row older than the inbox's expiry (about 2 minutes) means the person has gone.
CREATE TABLE presence (
    queue_id  INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    username  TEXT NOT NULL,
    activity  TEXT NOT NULL CHECK (activity IN ('reading', 'writing')),
    seen_at   TEXT NOT NULL,
    PRIMARY KEY (queue_id, username)
);
CREATE INDEX presence_by_user ON presence (username);
CREATE INDEX presence_by_time ON presence (seen_at);
