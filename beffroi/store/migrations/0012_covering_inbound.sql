-- The ranking and the activity indicators read inbound items through items_inbound; the
-- index did not hold `direction`, which their WHERE names, so SQLite 3.40 read every row of
-- the window from the table to check it. Same index, same name, covering this time.
DROP INDEX IF EXISTS items_inbound;
CREATE INDEX items_inbound ON items(created_at, kind, member_id, account, direction)
    WHERE direction = 'in';
