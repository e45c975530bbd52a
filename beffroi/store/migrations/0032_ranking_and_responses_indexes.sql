-- The ranking's member ranges (migration 0025) also carry each row's Julian day number,
-- `julianday(created_at)`, computed once when the row is written. The ranking decays
-- every row of its window and buckets it into a week from that number; read from the index
-- (SQLite uses an indexed expression's stored value), the window's 140,000 rows of a
-- 1M-item history are no longer parsed from text at every ranking. Same names, same
-- member-then-time order, still covering; `kind` stays before it for the plan's filters.
DROP INDEX IF EXISTS items_member_inbound;
CREATE INDEX items_member_inbound
    ON items(member_id, created_at, kind, julianday(created_at), account, direction)
    WHERE direction = 'in';
DROP INDEX IF EXISTS interactions_member;
CREATE INDEX interactions_member
    ON interactions(member_id, created_at, kind, julianday(created_at), account);
-- The Rapports page's response times (`analytics.indicators.responses`) join each inbound
-- message of the period to its queue row: covering, that is one index seek a message
-- instead of the unique key's seek then the (wide) queue row's. Only messages that needed
-- a reply are read, so only they are indexed; `needs_reply` is listed for SQLite to see
-- the index as covering.
CREATE INDEX queue_needs_reply
    ON queue(item_id, priority, business_response_seconds, replied_at, theme, replied_by,
             assignee, needs_reply)
    WHERE needs_reply = 1;
-- The Rapports page's "Community manager" choices (`analytics.indicators.managers`): the
-- distinct staff who answered, read by one seek each from this index instead of a scan of
-- the whole queue (0.2 s of CPU at 1M messages).
CREATE INDEX queue_replied_by ON queue(replied_by) WHERE replied_by IS NOT NULL;
