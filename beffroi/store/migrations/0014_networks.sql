-- Issue 15: Bluesky and Mastodon publishing exactly once, and X on a metered budget.

-- The key a publication row chose before its first call to the network: a Bluesky record
-- key (TID) the post is created at, so a retry finds it or creates it, never a second post.
ALTER TABLE publications ADD COLUMN publish_key TEXT;

-- Every X request and the resources it returned, per account, stream and UTC day; what
-- the health page turns into the month's estimated cost at the configured prices.
-- ``resource`` is what X bills: post_read, user_read, dm_event_read, post_create.
CREATE TABLE x_usage (
    day       TEXT NOT NULL,            -- YYYY-MM-DD (UTC)
    account   TEXT NOT NULL,
    stream    TEXT NOT NULL,
    resource  TEXT NOT NULL,
    requests  INTEGER NOT NULL DEFAULT 0,
    resources INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (day, account, stream, resource)
);

-- When an account's X collection was paused by its budget, for which month, and whether the
-- admins were told (one e-mail per account and month).
CREATE TABLE x_budget_pauses (
    account    TEXT NOT NULL,
    month      TEXT NOT NULL,            -- YYYY-MM
    paused_at  TEXT NOT NULL,
    estimate   REAL NOT NULL,
    budget     REAL NOT NULL,
    mailed_at  TEXT,
    PRIMARY KEY (account, month)
);
