"""Who answers what: by hand, or round-robin per theme among active community managers."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.store import list_staff
from beffroi.store.queue import QueueError, assign_round_robin
from beffroi.store.queue import assign as store_assign
from beffroi.store.queue import assign_many as store_assign_many


def community_managers(conn: sqlite3.Connection) -> list[str]:
    return [m.username for m in list_staff(conn, "community_manager")]


def assign(conn, queue_id: int, assignee: str, *, actor: str, now: datetime | None = None):
    _check_staff(conn, assignee)
    store_assign(conn, queue_id, assignee, actor=actor, now=now)


def assign_many(
    conn, queue_ids: list[int], assignee: str, *, actor: str, now: datetime | None = None
) -> int:
    """The bulk action: all the selected open items to one person, in one transaction."""
    _check_staff(conn, assignee)
    return store_assign_many(conn, queue_ids, assignee, actor=actor, now=now)


def _check_staff(conn, assignee: str) -> None:
    if assignee not in {m.username for m in list_staff(conn)}:
        raise QueueError(f"{assignee} n'est pas un membre actif de l'équipe.")


def distribute(
    conn: sqlite3.Connection,
    *,
    actor: str,
    queue_ids: list[int] | None = None,
    now: datetime | None = None,
) -> dict[int, str]:
    """Round-robin the given items (default: every unassigned open item) per theme."""
    if queue_ids is None:
        queue_ids = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM queue WHERE status = 'new' ORDER BY due_at IS NULL, due_at, id"
            )
        ]
    return assign_round_robin(conn, queue_ids, community_managers(conn), actor=actor, now=now)
