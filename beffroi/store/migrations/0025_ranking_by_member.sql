-- The ranking reads the window member by member (members CROSS JOIN their own rows): each
-- member's rows of the window are one range of these indexes, already in member order, so
-- SQLite sums them per member without sorting the window. Both cover what the ranking reads
-- (`direction` included, which its WHERE names), so no table row is touched; a person's
-- explanation reads only their own range.
CREATE INDEX IF NOT EXISTS items_member_inbound
    ON items(member_id, created_at, kind, account, direction) WHERE direction = 'in';
CREATE INDEX IF NOT EXISTS interactions_member
    ON interactions(member_id, created_at, kind, account);
