"""Dashboard sessions that outlive a browser tab: the SQL of ``dashboard_sessions``.

After a login the page receives a one-time code (``open_session``) and trades it, through
the dashboard's own ``/beffroi/session`` route, for the session's cookie (``claim_session``):
the cookie's token never passes through the page's script, and only hashes of the code and
the token are stored, so a copy of the database opens no session. A reload or a new tab
sends the cookie, and ``find_session`` gives the session back while it is neither revoked
(logout) nor past the idle or absolute limits, which the dashboard checks.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
from datetime import datetime, timedelta

from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import from_db, to_db

CLAIM_SECONDS = 120  # the page trades its code at once; a code left unused dies soon
TOUCH_EVERY = timedelta(seconds=60)  # last_seen_at is rewritten at most this often


def _hash(secret: str) -> str:
    """SHA-256 suffices: the secrets are 256 random bits, not passwords to guess."""
    return hashlib.sha256(secret.encode()).hexdigest()


def open_session(conn: sqlite3.Connection, username: str, *, now: datetime) -> tuple[int, str]:
    """A new session for ``username`` who just logged in: (its id, the one-time code)."""
    code = secrets.token_urlsafe(32)
    with transaction(conn):
        session_id = conn.execute(
            "INSERT INTO dashboard_sessions (username, claim_hash, claim_expires_at,"
            " logged_in_at, last_seen_at) VALUES (?, ?, ?, ?, ?)",
            (
                username,
                _hash(code),
                to_db(now + timedelta(seconds=CLAIM_SECONDS)),
                to_db(now),
                to_db(now),
            ),
        ).lastrowid
    return session_id, code


def claim_session(conn: sqlite3.Connection, code: str, *, now: datetime) -> str | None:
    """Trade a one-time code for the session's token (the cookie's value); None if the
    code is unknown, used already, too old, or its session was revoked."""
    token = secrets.token_urlsafe(32)
    with transaction(conn):
        claimed = conn.execute(
            "UPDATE dashboard_sessions SET token_hash = ?, claim_hash = NULL,"
            " claim_expires_at = NULL"
            " WHERE claim_hash = ? AND claim_expires_at > ? AND revoked_at IS NULL",
            (_hash(token), _hash(code), to_db(now)),
        ).rowcount
    return token if claimed else None


def find_session(conn: sqlite3.Connection, token: str) -> dict | None:
    """The live session of this cookie token (id, username, logged_in_at, last_seen_at)."""
    if not token:
        return None
    row = conn.execute(
        "SELECT id, username, logged_in_at, last_seen_at FROM dashboard_sessions"
        " WHERE token_hash = ? AND revoked_at IS NULL",
        (_hash(token),),
    ).fetchone()
    if row is None:
        return None
    return {
        "id": row["id"],
        "username": row["username"],
        "logged_in_at": from_db(row["logged_in_at"]),
        "last_seen_at": from_db(row["last_seen_at"]),
    }


def session_state(conn: sqlite3.Connection, session_id: int) -> dict | None:
    """A session's last_seen_at, whether it was revoked (a logout in another tab) and
    whether its code was traded for the cookie (``claimed``)."""
    row = conn.execute(
        "SELECT last_seen_at, revoked_at, token_hash FROM dashboard_sessions WHERE id = ?",
        (session_id,),
    ).fetchone()
    if row is None:
        return None
    return {
        "last_seen_at": from_db(row["last_seen_at"]),
        "revoked": row["revoked_at"] is not None,
        "claimed": row["token_hash"] is not None,
    }


def touch_session(conn: sqlite3.Connection, session_id: int, *, now: datetime) -> bool:
    """The session was used now; written at most every ``TOUCH_EVERY`` (each write makes
    every dashboard cache read again). True when it wrote."""
    with transaction(conn):
        return bool(
            conn.execute(
                "UPDATE dashboard_sessions SET last_seen_at = ?"
                " WHERE id = ? AND revoked_at IS NULL AND last_seen_at < ?",
                (to_db(now), session_id, to_db(now - TOUCH_EVERY)),
            ).rowcount
        )


def revoke_session(
    conn: sqlite3.Connection, session_id: int, *, actor: str, reason: str, now: datetime
) -> bool:
    """End the session for good (logout, expiry): its cookie opens nothing any more."""
    with transaction(conn):
        done = conn.execute(
            "UPDATE dashboard_sessions SET revoked_at = ?, claim_hash = NULL"
            " WHERE id = ? AND revoked_at IS NULL",
            (to_db(now), session_id),
        ).rowcount
        if done:
            write_audit(
                conn, actor, "session_end", "session", session_id, {"reason": reason}, now=now
            )
    return bool(done)


def prune_sessions(conn: sqlite3.Connection, *, before: datetime) -> int:
    """Forget sessions that logged in before ``before`` (past any absolute limit)."""
    with transaction(conn):
        return conn.execute(
            "DELETE FROM dashboard_sessions WHERE logged_in_at < ?", (to_db(before),)
        ).rowcount
