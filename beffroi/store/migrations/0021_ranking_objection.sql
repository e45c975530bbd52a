-- A member's objection to the engagement ranking (GDPR art. 21, issue 13): while set, the
-- member is left out of rankings and invitations; their messages are still answered.
ALTER TABLE members ADD COLUMN objected_at TEXT;
ALTER TABLE members ADD COLUMN objected_by TEXT;
