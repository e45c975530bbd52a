"""Read helpers the dashboard shares with other rooms: the health panel, the data version.

Each returns plain picklable values (dicts), so the dashboard can cache them. The inbox's
reads live in ``beffroi.inbox.views``.
"""

from __future__ import annotations

import sqlite3

from beffroi.store.runs import latest_runs


def stream_health(conn: sqlite3.Connection) -> list[dict]:
    """The last finished run of every stream, as plain dicts (see ``latest_runs``)."""
    return [dict(row) for row in latest_runs(conn)]


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes whenever another connection commits to the database.

    Cheap (no table is read), so a dashboard can ask it on every rerun and refresh its
    caches only when something changed. Only comparable on the same connection.
    """
    return conn.execute("PRAGMA data_version").fetchone()[0]
