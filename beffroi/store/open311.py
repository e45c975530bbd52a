"""The Open311 requests made for queue items: every state change with its audit line.

The HTTP side is the inbox's (``beffroi.inbox.open311``); this module keeps what each
request became. A request is claimed (``sending``) before the city service's server is
called, in its own transaction, so two managers clicking "Transmettre" at once, or a retry
while the first answer is still awaited, can never create two requests: the partial unique
index ``open311_one_active`` admits one active request per item.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.store.connection import one_row, transaction
from beffroi.store.meta import write_audit
from beffroi.store.queue import QUEUE_ROW_GONE, QueueError, escalate_within, reopen_within
from beffroi.store.times import to_db

ACTIVE = ("sending", "uncertain", "token", "open", "closed")
TO_POLL = ("sending", "uncertain", "token", "open")
OPEN311_ACTOR = "open311"
ALREADY = "Ce message a déjà été transmis à un service par Open311."


def _audit(conn, actor, action, queue_id, detail, now) -> None:
    write_audit(conn, actor, action, "queue", queue_id, detail, now=now)


def claim_request(
    conn: sqlite3.Connection,
    queue_id: int,
    service: str,
    *,
    address: str | None,
    lat: float | None,
    long: float | None,
    actor: str,
    now: datetime,
) -> sqlite3.Row:
    """Take the item's one active request slot before anything is sent; its row.

    The reference (``beffroi-<queue>-<row>``) is the request's name in the description the
    server keeps: how a request whose answer was lost is found again instead of resent.
    """
    stamp = to_db(now)
    with transaction(conn):
        sql = "SELECT status, sending_since FROM queue WHERE id = ?"
        row = one_row(conn, sql, (queue_id,), QueueError(QUEUE_ROW_GONE))
        if row["status"] not in ("new", "assigned"):
            raise QueueError("Seul un message ouvert peut être transmis à un service.")
        try:
            new_id = conn.execute(
                "INSERT INTO open311_requests (queue_id, service, reference, state, address, "
                "lat, long, actor, sent_at, updated_at) "
                "VALUES (?, ?, '', 'sending', ?, ?, ?, ?, ?, ?) RETURNING id",
                (queue_id, service, address, lat, long, actor, stamp, stamp),
            ).fetchone()[0]
        except sqlite3.IntegrityError:
            raise QueueError(ALREADY) from None
        conn.execute(
            "UPDATE open311_requests SET reference = ? WHERE id = ?",
            (f"beffroi-{queue_id}-{new_id}", new_id),
        )
        _audit(conn, actor, "open311_send", queue_id, {"service": service, "id": new_id}, now)
        return _row(conn, new_id)


def _row(conn: sqlite3.Connection, row_id: int) -> sqlite3.Row:
    return conn.execute("SELECT * FROM open311_requests WHERE id = ?", (row_id,)).fetchone()


def _set(conn, row_id: int, now: datetime, expect: tuple[str, ...], **values) -> bool:
    values["updated_at"] = to_db(now)
    columns = ", ".join(f"{name} = ?" for name in values)
    marks = ", ".join("?" for _ in expect)
    cur = conn.execute(
        f"UPDATE open311_requests SET {columns} WHERE id = ? AND state IN ({marks})",  # noqa: S608 (column names are ours)
        (*values.values(), row_id, *expect),
    )
    return cur.rowcount == 1


def record_accepted(
    conn: sqlite3.Connection,
    row_id: int,
    *,
    request_id: str | None,
    token: str | None,
    notice: str | None,
    actor: str,
    now: datetime,
) -> None:
    """The server took the request (its id, or a token to ask for it later); the queue
    item waits on the service, like an e-mail escalation, in the same transaction."""
    state = "open" if request_id else "token"
    with transaction(conn):
        row = _row(conn, row_id)
        changed = _set(
            conn,
            row_id,
            now,
            ("sending", "uncertain", "token"),
            state=state,
            request_id=request_id,
            token=token,
            service_notice=notice,
            last_error=None,
            checked_at=to_db(now),
        )
        if not changed:
            return
        detail = {"open311": request_id or f"jeton {token}"}
        escalate_within(conn, row["queue_id"], row["service"], detail, actor=actor, now=now)


def record_token_resolved(conn: sqlite3.Connection, row_id: int, request_id: str, now) -> None:
    with transaction(conn):
        if _set(conn, row_id, now, ("token",), state="open", request_id=request_id):
            queue_id = _row(conn, row_id)["queue_id"]
            _audit(conn, OPEN311_ACTOR, "open311_id", queue_id, {"request_id": request_id}, now)


def record_failed(
    conn: sqlite3.Connection, row_id: int, error: str, *, actor: str, now: datetime
) -> None:
    """Nothing was created (the server said so, or it was checked): the slot is freed and
    the manager may transmit again; the error stays on the row for them to read."""
    with transaction(conn):
        if _set(conn, row_id, now, ("sending", "uncertain"), state="failed", last_error=error):
            queue_id = _row(conn, row_id)["queue_id"]
            _audit(conn, actor, "open311_failed", queue_id, {"error": error}, now)


def record_uncertain(conn: sqlite3.Connection, row_id: int, error: str, now: datetime) -> None:
    """The answer was lost: the request may exist. Nothing is sent again until it is
    looked for (``inbox.poll_open311``)."""
    with transaction(conn):
        if _set(conn, row_id, now, ("sending", "uncertain"), state="uncertain", last_error=error):
            queue_id = _row(conn, row_id)["queue_id"]
            _audit(conn, OPEN311_ACTOR, "open311_uncertain", queue_id, {"error": error}, now)


def record_check_error(conn: sqlite3.Connection, row_id: int, error: str, now: datetime) -> None:
    """A poll could not reach the server: the state stays, the error is shown."""
    with transaction(conn):
        _set(conn, row_id, now, TO_POLL, last_error=error, checked_at=to_db(now))


def record_status(
    conn: sqlite3.Connection, row_id: int, status: str, notes: str | None, now: datetime
) -> bool:
    """What the service says of its request; True when it was just resolved.

    A resolved request brings the item back before the manager: reopened if it had been
    replied to or closed meanwhile, and flagged "prévenir le citoyen" either way.
    """
    with transaction(conn):
        row = _row(conn, row_id)
        if status != "closed":
            _set(conn, row_id, now, ("open",), status_notes=notes, checked_at=to_db(now))
            if notes != row["status_notes"] and notes:
                _audit(
                    conn, OPEN311_ACTOR, "open311_status", row["queue_id"], {"notes": notes}, now
                )
            return False
        resolved = _set(
            conn,
            row_id,
            now,
            ("open",),
            state="closed",
            status_notes=notes,
            closed_at=to_db(now),
            checked_at=to_db(now),
            last_error=None,
        )
        if resolved:
            detail = {"request_id": row["request_id"], "notes": notes}
            _audit(conn, OPEN311_ACTOR, "open311_resolved", row["queue_id"], detail, now)
            reopen_within(
                conn, row["queue_id"], actor=OPEN311_ACTOR, now=now, detail={"open311": "résolu"}
            )
        return resolved


def mark_citizen_told(conn: sqlite3.Connection, queue_id: int, *, actor: str, now: datetime):
    """The manager told the citizen that the service resolved it: the prompt goes away."""
    with transaction(conn):
        cur = conn.execute(
            "UPDATE open311_requests SET citizen_told_at = ?, citizen_told_by = ?, updated_at = ? "
            "WHERE queue_id = ? AND state = 'closed' AND citizen_told_at IS NULL",
            (to_db(now), actor, to_db(now), queue_id),
        )
        if cur.rowcount != 1:
            raise QueueError("Aucune demande résolue n'attend que le citoyen soit prévenu.")
        _audit(conn, actor, "open311_citizen_told", queue_id, None, now)


def requests_to_poll(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    marks = ", ".join("?" for _ in TO_POLL)
    return conn.execute(
        f"SELECT * FROM open311_requests WHERE state IN ({marks}) ORDER BY id",  # noqa: S608
        TO_POLL,
    ).fetchall()


def latest_request(conn: sqlite3.Connection, queue_id: int) -> sqlite3.Row | None:
    """The item's active request, else its last failed attempt, else None."""
    return conn.execute(
        "SELECT * FROM open311_requests WHERE queue_id = ? "
        "ORDER BY state = 'failed', id DESC LIMIT 1",
        (queue_id,),
    ).fetchone()


_TOLD = (
    "r.citizen_told_at IS NOT NULL OR (r.closed_at IS NOT NULL AND EXISTS ("
    "SELECT 1 FROM audit a WHERE a.target_kind = 'queue' AND a.target_id = CAST(r.queue_id AS TEXT) "
    "AND a.action IN ('reply', 'reply_native') AND a.at >= r.closed_at))"
)


def request_states(conn: sqlite3.Connection, queue_ids) -> dict[int, tuple[str, bool]]:
    """Queue id → (state of its latest request, citizen told?) for the items that have one;
    for the Inbox list, a few hundred ids at a time."""
    found: dict[int, tuple[str, bool]] = {}
    ids = list(queue_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(
            f"SELECT r.queue_id, r.state, {_TOLD} AS told FROM open311_requests r "  # noqa: S608 (fixed SQL)
            f"WHERE r.queue_id IN ({marks}) ORDER BY r.state = 'failed' DESC, r.id",
            chunk,
        ).fetchall()
        for row in rows:  # the active request, read last, wins over failed attempts
            found[row["queue_id"]] = (row["state"], bool(row["told"]))
    return found


def replied_since(conn: sqlite3.Connection, queue_id: int, since: str) -> bool:
    """Whether the city replied to the item at or after ``since`` (a stored time): a reply
    after the service resolved the request tells the citizen."""
    return (
        conn.execute(
            "SELECT 1 FROM audit WHERE target_kind = 'queue' AND target_id = ? "
            "AND action IN ('reply', 'reply_native') AND at >= ? LIMIT 1",
            (str(queue_id), since),
        ).fetchone()
        is not None
    )


def request_by_id(conn: sqlite3.Connection, row_id: int) -> sqlite3.Row | None:
    return _row(conn, row_id)
