"""Who is on which message of the inbox right now: the SQL of the ``presence`` table.

Heartbeats are frequent and every commit makes the dashboard's caches read again (they are
keyed on ``PRAGMA data_version``), so ``record_presence`` writes only when something a
colleague would see changed: another message, reading became writing, or the row is about
to be too old. Rows are never trusted past ``since``: a closed tab simply stops beating.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime

from beffroi.store.connection import transaction
from beffroi.store.times import from_db, to_db

ACTIVITIES = ("reading", "writing")


def record_presence(
    conn: sqlite3.Connection,
    username: str,
    queue_id: int,
    activity: str,
    *,
    now: datetime,
    stale_before: datetime,
    expired_before: datetime,
) -> bool:
    """``username`` is on ``queue_id`` (``reading`` or ``writing``); True when it wrote.

    Their rows on other messages go (one message at a time is what a person works on), and
    so do everyone's rows older than ``expired_before``. The row is rewritten only when its
    activity changed or it was seen before ``stale_before``.
    """
    if activity not in ACTIVITIES:
        raise ValueError(f"unknown activity: {activity}")
    stamp = to_db(now)
    with transaction(conn):
        current = conn.execute(
            "SELECT queue_id, activity, seen_at FROM presence WHERE username = ?", (username,)
        ).fetchall()
        same = [r for r in current if r["queue_id"] == queue_id]
        others = len(current) - len(same)
        fresh = (
            same and same[0]["activity"] == activity and from_db(same[0]["seen_at"]) >= stale_before
        )
        if fresh and not others:
            return False
        conn.execute(
            "DELETE FROM presence WHERE (username = ? AND queue_id <> ?) OR seen_at < ?",
            (username, queue_id, to_db(expired_before)),
        )
        conn.execute(
            "INSERT INTO presence (queue_id, username, activity, seen_at) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (queue_id, username) DO UPDATE SET activity = excluded.activity, "
            "seen_at = excluded.seen_at",
            (queue_id, username, activity, stamp),
        )
    return True


def forget_presence(conn: sqlite3.Connection, username: str) -> None:
    """The person left the inbox (logged out, or no message is open)."""
    with transaction(conn):
        conn.execute("DELETE FROM presence WHERE username = ?", (username,))


def present_on(
    conn: sqlite3.Connection, queue_ids: Sequence[int], since: datetime
) -> list[sqlite3.Row]:
    """The live rows (seen since ``since``) on these messages: queue_id, username, activity."""
    if not queue_ids:
        return []
    marks = ", ".join("?" for _ in queue_ids)
    return conn.execute(
        f"SELECT queue_id, username, activity, seen_at FROM presence "  # noqa: S608
        f"WHERE queue_id IN ({marks}) AND seen_at >= ? ORDER BY seen_at",
        (*queue_ids, to_db(since)),
    ).fetchall()
