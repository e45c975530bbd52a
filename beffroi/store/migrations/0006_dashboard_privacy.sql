-- Indexes for the dashboard's inbox list and for the retention purge.

-- The inbox lists queued messages newest first, often for one account (network filter):
-- walking this index backwards yields them in order and stops after one page.
CREATE INDEX items_account_created ON items(account, created_at);

-- Theme filter: queue rows of one theme, joined back to their items.
CREATE INDEX queue_theme ON queue(theme, status);

-- The purge nulls raw payloads past their retention: only rows that still have one are
-- indexed, so a daily purge touches the few rows that aged since yesterday.
CREATE INDEX items_raw_created ON items(created_at) WHERE raw IS NOT NULL;

-- Erasure by handle: `beffroi privacy erase --handle x:someone`.
CREATE INDEX members_handle ON members(network, handle COLLATE NOCASE) WHERE handle IS NOT NULL;

-- Foreign keys that point at rows the purge deletes: without an index on the child column,
-- SQLite scans the whole child table once per deleted row (hours for a million items).
-- (invitations.member_id is covered by 0004's invitations_member.)
CREATE INDEX queue_reply_item ON queue(reply_item_id) WHERE reply_item_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS queue_previous ON queue(previous_queue_id) WHERE previous_queue_id IS NOT NULL;
