-- Open311 GeoReport v2 (issue 13): the requests made to a city service's request system for
-- a queue item, beside the e-mail escalation. One active request per item (a failed attempt
-- stays as history and lets the manager try again).
--
-- state: 'sending'   the POST is under way (a second transmission is refused);
--        'uncertain' the POST's answer was lost (timeout, 5xx): the request may exist, so it
--                    is looked for by ``reference`` before anything is sent again;
--        'token'     the server answered with a token: the request id comes later;
--        'open'      the service has it (request_id), 'closed' the service resolved it;
--        'failed'    the server refused it, or it was established that it never arrived.
CREATE TABLE open311_requests (
    id              INTEGER PRIMARY KEY,
    queue_id        INTEGER NOT NULL REFERENCES queue(id) ON DELETE CASCADE,
    service         TEXT NOT NULL,
    -- Written into the request's description: how a request whose answer was lost is found.
    reference       TEXT NOT NULL UNIQUE,
    state           TEXT NOT NULL
                    CHECK (state IN ('sending', 'uncertain', 'token', 'open', 'closed', 'failed')),
    request_id      TEXT,
    token           TEXT,
    status_notes    TEXT,
    service_notice  TEXT,
    address         TEXT,
    lat             REAL,
    long            REAL,
    last_error      TEXT,
    actor           TEXT NOT NULL,
    sent_at         TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    checked_at      TEXT,
    closed_at       TEXT,
    citizen_told_at TEXT,
    citizen_told_by TEXT
);
CREATE UNIQUE INDEX open311_one_active ON open311_requests (queue_id) WHERE state != 'failed';
CREATE INDEX open311_to_poll ON open311_requests (state)
    WHERE state IN ('sending', 'uncertain', 'token', 'open');
