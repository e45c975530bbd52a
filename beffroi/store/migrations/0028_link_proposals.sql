-- Link proposals: the profile text a network shows beside a person's name (a Bluesky
-- description, a Mastodon note and fields), plain text, where people write "aussi sur X :
-- @…". Beffroi proposes to link such accounts; staff confirm (members.person_id, as a link
-- made by hand) or refuse. A refused pair is remembered so that it is not proposed again.
ALTER TABLE members ADD COLUMN profile TEXT;

CREATE TABLE link_refusals (
    member_id       INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    other_member_id INTEGER NOT NULL REFERENCES members(id) ON DELETE CASCADE,
    refused_by      TEXT NOT NULL,
    refused_at      TEXT NOT NULL,
    PRIMARY KEY (member_id, other_member_id),
    CHECK (member_id < other_member_id)
);
