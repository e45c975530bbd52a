"""The demo's past as a city's team would have left it.

The simulated city answers nearly every question in its history, but not all (a hostile
remark, a reply that came too late): collected as they are, those messages would greet a
newcomer with a three-month-old backlog, every item overdue, and an overdue e-mail listing
them all. A team working the inbox daily does not leave that: what is older than two days
was dealt with. Here the demo's community manager closes each such item the way staff do,
through the inbox (audited, at the moment they would have done it: the next morning at the
latest), so the inbox opens on the last two days' work, as on any Monday.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

from beffroi.inbox import close
from beffroi.store import from_db, to_db

# Older than this, an item of the history was dealt with; newer ones wait in the inbox.
SETTLED_AFTER = timedelta(days=2)
HANDLED_WITHIN = timedelta(hours=20)  # when the team closed it, after it came in
DEMO_MANAGER = "cm"


def settle_history(conn: sqlite3.Connection, now: datetime, actor: str = DEMO_MANAGER) -> int:
    """Close the history's open items older than ``SETTLED_AFTER`` as "Traité ailleurs"
    (answered by phone, at the desk, in the network's app); return how many."""
    rows = conn.execute(
        "SELECT q.id, i.created_at FROM queue q JOIN items i ON i.id = q.item_id "
        "WHERE q.status IN ('new', 'assigned') AND q.sending_since IS NULL "
        "AND i.created_at < ? ORDER BY i.created_at",
        (to_db(now - SETTLED_AFTER),),
    ).fetchall()
    for queue_id, created in rows:
        at = min(from_db(created) + HANDLED_WITHIN, now)
        close(conn, queue_id, "handled_elsewhere", actor=actor, now=at)
    return len(rows)
