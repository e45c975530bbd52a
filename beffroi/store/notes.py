"""Internal notes and the @mentions in them: the SQL of ``notes`` and ``note_mentions``.

A note is the team talking to itself about a message or a member; nothing here is ever
sent to a network or read by the reports. Writes are audited without the note's text (the
audit is kept longer than the person's data: it names the note, not what it says).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import from_db, to_db

NOTE_KINDS = ("note", "service")


def add_note(
    conn: sqlite3.Connection,
    *,
    author: str,
    body: str,
    now: datetime,
    queue_id: int | None = None,
    member_id: int | None = None,
    mentions: Iterable[str] = (),
    kind: str = "note",
    service: str | None = None,
) -> int:
    """Store a note on a message (``queue_id``: its member is named too, so the note goes
    with the person's data) or on a member; the colleagues in ``mentions`` get it in their
    list. Returns the note's id."""
    if kind not in NOTE_KINDS:
        raise ValueError(f"unknown note kind: {kind}")
    if queue_id is None and member_id is None:
        raise ValueError("a note is on a message or on a member")
    with transaction(conn):
        if queue_id is not None and member_id is None:
            row = conn.execute(
                "SELECT i.member_id FROM queue q JOIN items i ON i.id = q.item_id WHERE q.id = ?",
                (queue_id,),
            ).fetchone()
            if row is None:
                raise LookupError(f"no queue item {queue_id}")
            member_id = row[0]
        note_id = conn.execute(
            "INSERT INTO notes (queue_id, member_id, kind, service, author, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            (queue_id, member_id, kind, service, author, body, to_db(now)),
        ).lastrowid
        named = [u for u in dict.fromkeys(mentions) if u != author]
        conn.executemany(
            "INSERT INTO note_mentions (note_id, username) VALUES (?, ?)",
            [(note_id, username) for username in named],
        )
        target = ("queue", queue_id) if queue_id is not None else ("member", member_id)
        write_audit(
            conn,
            author,
            "note_add",
            *target,
            {"note": note_id, "kind": kind, "service": service, "mentioned": named},
            now=now,
        )
    return note_id


def _rows(conn: sqlite3.Connection, where: str, args: tuple) -> list[dict]:
    columns = "id, queue_id, member_id, kind, service, author, body, created_at"
    sql = f"SELECT {columns} FROM notes WHERE {where} ORDER BY created_at, id"  # noqa: S608
    rows = conn.execute(sql, args).fetchall()  # ``where``: this module's clauses only
    return [dict(r) | {"created_at": from_db(r["created_at"])} for r in rows]


def notes_on_message(conn: sqlite3.Connection, queue_id: int) -> list[dict]:
    """The notes written on this message, oldest first."""
    return _rows(conn, "queue_id = ?", (queue_id,))


def notes_on_member(conn: sqlite3.Connection, member_id: int) -> list[dict]:
    """The notes written on this member themselves (not on one of their messages)."""
    return _rows(conn, "member_id = ? AND queue_id IS NULL", (member_id,))


def mentions_of(
    conn: sqlite3.Connection, username: str, *, unseen_only: bool = False
) -> list[dict]:
    """The notes naming ``username``, newest first, with whether they have been opened."""
    rows = conn.execute(
        """
        SELECT n.id, n.queue_id, n.member_id, n.kind, n.author, n.body, n.created_at,
               m.seen_at
        FROM note_mentions m JOIN notes n ON n.id = m.note_id
        WHERE m.username = ? AND (? = 0 OR m.seen_at IS NULL)
        ORDER BY n.created_at DESC, n.id DESC
        """,
        (username, int(unseen_only)),
    ).fetchall()
    return [
        dict(r) | {"created_at": from_db(r["created_at"]), "seen_at": from_db(r["seen_at"])}
        for r in rows
    ]


def unseen_mentions(conn: sqlite3.Connection, username: str) -> int:
    """How many notes name ``username`` that they have not opened: the inbox's counter."""
    return conn.execute(
        "SELECT count(*) FROM note_mentions WHERE username = ? AND seen_at IS NULL", (username,)
    ).fetchone()[0]


def mark_mentions_seen(
    conn: sqlite3.Connection, username: str, note_ids: Iterable[int], *, now: datetime
) -> int:
    """``username`` opened these notes: they leave the counter. How many changed."""
    ids = list(note_ids)
    if not ids:
        return 0
    marks = ",".join("?" * len(ids))
    with transaction(conn):
        return conn.execute(
            f"UPDATE note_mentions SET seen_at = ? WHERE username = ? AND seen_at IS NULL"  # noqa: S608
            f" AND note_id IN ({marks})",
            (to_db(now), username, *ids),
        ).rowcount


def record_mention_mail(
    conn: sqlite3.Connection,
    note_id: int,
    username: str,
    *,
    now: datetime,
    error: str | None = None,
) -> None:
    """The mention's e-mail went (``error`` None) or why it did not."""
    with transaction(conn):
        conn.execute(
            "UPDATE note_mentions SET mailed_at = ?, mail_error = ? WHERE note_id = ? AND username = ?",
            (None if error else to_db(now), error, note_id, username),
        )
