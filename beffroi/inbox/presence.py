"""Colleagues see each other: who reads a message, who writes a reply to it.

The Inbox page beats (``heartbeat``) on every rerun and every refresh of the open message;
a person not seen for ``PRESENCE_TTL`` has gone. What the page shows is French with the
staff's names: "Claire Martin lit ce message", "Bruno Petit écrit une réponse".
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta

from beffroi.inbox.audit_words import person_label
from beffroi.store.presence import forget_presence, present_on, record_presence

PRESENCE_TTL = timedelta(minutes=2)  # no heartbeat for this long: the person has gone
# A row is rewritten at most this often while nothing else changes (each write makes every
# dashboard's caches read again); well under the TTL, so a person is never seen gone.
REWRITE_EVERY = timedelta(seconds=45)
HEARTBEAT_SECONDS = 20  # how often the open message beats and re-reads who is there

VERBS = {"reading": "lit ce message", "writing": "écrit une réponse"}
SHORT = {"reading": "lit", "writing": "écrit"}


def heartbeat(
    conn: sqlite3.Connection, username: str, queue_id: int | None, *, writing: bool, now: datetime
) -> bool:
    """``username`` has ``queue_id`` open (None: no message open); True when stored."""
    if queue_id is None:
        forget_presence(conn, username)
        return True
    return record_presence(
        conn,
        username,
        queue_id,
        "writing" if writing else "reading",
        now=now,
        stale_before=now - REWRITE_EVERY,
        expired_before=now - PRESENCE_TTL,
    )


def colleagues_on(
    conn: sqlite3.Connection, queue_ids: Sequence[int], username: str, now: datetime
) -> dict[int, list[tuple[str, str]]]:
    """``{queue_id: [(username, activity), ...]}`` of the others on these messages now,
    writers first."""
    found: dict[int, list[tuple[str, str]]] = {}
    for row in present_on(conn, list(queue_ids), now - PRESENCE_TTL):
        if row["username"] != username:
            found.setdefault(row["queue_id"], []).append((row["username"], row["activity"]))
    for people in found.values():
        people.sort(key=lambda p: p[1] != "writing")
    return found


def presence_sentences(people: Sequence[tuple[str, str]], names: Mapping[str, str]) -> list[str]:
    """One sentence per colleague on the open message: "Claire Martin lit ce message"."""
    return [f"{person_label(user, names)} {VERBS[activity]}" for user, activity in people]


def presence_cell(people: Sequence[tuple[str, str]], names: Mapping[str, str]) -> str:
    """The list's "En cours" cell: "Claire Martin écrit · Bruno Petit lit"."""
    return " · ".join(f"{person_label(user, names)} {SHORT[activity]}" for user, activity in people)
