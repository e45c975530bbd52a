-- Foreign keys that point at rows the purge deletes: without an index on the child column,
-- SQLite scans the whole child table once per deleted row (hours for a million items).
-- (invitations.member_id is covered by 0004's invitations_member, queue.previous_queue_id
-- by 0002's queue_previous.) Its own file: a database that had already run 0006 gets it too.
CREATE INDEX IF NOT EXISTS queue_reply_item ON queue(reply_item_id) WHERE reply_item_id IS NOT NULL;
