"""The key a publication row chooses before calling the network (Bluesky's record key).

Stored and committed before the call, so that after a crash the outbox asks the network for
the post at exactly that key: found, it is published; absent, nothing was created and the
same key is used again, so the network itself refuses a second post.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from beffroi.store.connection import transaction


def stored_key(conn: sqlite3.Connection, pub_id: int) -> str | None:
    row = conn.execute("SELECT publish_key FROM publications WHERE id = ?", (pub_id,)).fetchone()
    return row[0] if row else None


def key_for(conn: sqlite3.Connection, pub_id: int, choose: Callable[[], str]) -> str:
    """The row's key: the stored one, or a new one chosen and committed now."""
    with transaction(conn):
        row = conn.execute(
            "SELECT publish_key FROM publications WHERE id = ?", (pub_id,)
        ).fetchone()
        if row is None:
            raise KeyError(pub_id)
        if row[0]:
            return row[0]
        key = choose()
        conn.execute("UPDATE publications SET publish_key = ? WHERE id = ?", (key, pub_id))
        return key
