-- Issue 11: no citizen answered twice, logins that hold.

-- A stuck reply send that the network could not settle waits for a person: what Beffroi
-- checked (JSON: claimed_at, claimed_by, checked_at, what the network said).
ALTER TABLE queue ADD COLUMN send_check TEXT;

-- Invitations get the same send claim as replies: a double click is refused before the
-- network is called; a person decides on a claim the network cannot settle.
ALTER TABLE invitations ADD COLUMN sending_since TEXT;
ALTER TABLE invitations ADD COLUMN sending_by TEXT;
ALTER TABLE invitations ADD COLUMN send_check TEXT;

-- Every login attempt, shared by every dashboard process and kept across restarts: the
-- throttle counts recent failures per client address and per account from here, the
-- audit shows the failures, a staff member sees their last login. No password is stored.
CREATE TABLE login_attempts (
    id          INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    username    TEXT NOT NULL,          -- as typed, trimmed and case-folded
    client      TEXT NOT NULL,          -- the client address as the dashboard sees it
    succeeded   INTEGER NOT NULL CHECK (succeeded IN (0, 1))
);
CREATE INDEX login_attempts_user ON login_attempts(username, at);
CREATE INDEX login_attempts_client ON login_attempts(client, at);
