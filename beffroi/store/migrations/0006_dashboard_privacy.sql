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
