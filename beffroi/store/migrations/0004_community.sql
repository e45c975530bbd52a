-- Community: invitation life cycle, interactions known beyond items (reactions, shares),
-- and a covering index for the engagement ranking.

ALTER TABLE invitations ADD COLUMN invited_at TEXT;
ALTER TABLE invitations ADD COLUMN responded_at TEXT;
ALTER TABLE invitations ADD COLUMN attended_marked_at TEXT;
ALTER TABLE invitations ADD COLUMN dm_item_id INTEGER REFERENCES items(id) ON DELETE SET NULL;
ALTER TABLE invitations ADD COLUMN send_error TEXT;
ALTER TABLE invitations ADD COLUMN updated_by TEXT;
CREATE INDEX invitations_member ON invitations(member_id, status);
CREATE INDEX invitations_event ON invitations(event_id, status);
CREATE INDEX events_starts ON events(starts_at);

-- Reactions and shares/quotes, where a network tells who reacted or shared: they are not
-- items (no text to answer) but they count in the ranking.
CREATE TABLE interactions (
    id                  INTEGER PRIMARY KEY,
    member_id           INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    account             TEXT NOT NULL,
    kind                TEXT NOT NULL CHECK (kind IN ('reaction','share')),
    target_external_id  TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    permalink           TEXT,
    UNIQUE (member_id, kind, target_external_id)
);
CREATE INDEX interactions_created ON interactions(created_at, member_id, kind, account);

-- The ranking and the activity indicators read only these columns of inbound items: a
-- covering partial index lets them aggregate a period without touching the table's rows.
CREATE INDEX items_inbound ON items(created_at, kind, member_id, account)
    WHERE direction = 'in';
