"""All writes to the response queue, each with its audit line in the same transaction.

Every state change is a conditional ``UPDATE ... WHERE status IN (...)``: two community
managers acting on the same item at once cannot both win, and the loser gets a clear
sentence instead of silently overwriting. The audit trail (``audit``, target ``queue``) is
the item's history: reopening never erases what happened before.

Functions whose name starts with ``ingest_`` run inside the caller's transaction (the
collection page's); the others open their own.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from beffroi.errors import BeffroiError
from beffroi.store.connection import one_row, transaction
from beffroi.store.ingest import save_items
from beffroi.store.meta import write_audit
from beffroi.store.send_claims import SendClaims
from beffroi.store.times import now_utc, to_db

if TYPE_CHECKING:
    from beffroi.collectors import Item

STATUSES = ("new", "assigned", "replied", "closed")
OPEN = ("new", "assigned")
CLOSE_REASONS = ("no_reply_needed", "spam", "hidden", "handled_elsewhere", "duplicate")
NETWORK_ACTOR = "réseau"
TRIAGE_ACTOR = "triage"


class QueueError(BeffroiError):
    """An action that cannot be done on this item now; the message is French, for people."""


# What a person is told when the message they act on left the queue meanwhile (erased).
QUEUE_ROW_GONE = "Ce message n'existe plus dans la file."


class ReplyCollision(QueueError):
    """A colleague answered (or closed, or is answering) first: this reply was not sent, and
    its text is kept (``reply_collision`` audit line; the item's draft when the row is free).

    ``first_by`` is the colleague's username; the inbox says the rest (``inbox.collision``).
    """

    def __init__(self, message: str, first_by: str):
        super().__init__(message)
        self.first_by = first_by


CLAIM_CHANGED = "L'envoi de ce message a changé entre-temps ; rechargez la page."
COLLISION_KEPT = " Votre texte n'est pas perdu : il est conservé en brouillon."


# What closing, reopening, assigning or escalating an item whose reply is on its way says:
# clearing the send marker then would let a second reply go out.
SENDING = (
    "Une réponse à ce message est en cours d'envoi : attendez la fin de l'envoi avant de "
    "le clore, le rouvrir ou l'attribuer."
)


def _audit(conn, actor, action, queue_id, detail, now) -> None:
    write_audit(conn, actor, action, "queue", queue_id, detail, now=now)


# What an action on an item reads first: its state, its send claim, who answered or closed it.
_STATUS_SQL = (
    "SELECT id, status, assignee, service, theme, sending_since, sending_by, reply_draft, "
    "send_check, replied_by, closed_by FROM queue WHERE id = ?"
)


def _status(conn: sqlite3.Connection, queue_id: int) -> sqlite3.Row:
    return one_row(conn, _STATUS_SQL, (queue_id,), QueueError(QUEUE_ROW_GONE))


def _update(
    conn: sqlite3.Connection, queue_id: int, values: dict[str, Any], allowed: Sequence[str]
):
    """Change an item in one of the ``allowed`` states whose reply is not being sent.

    The ``sending_since IS NULL`` condition is in the same statement as the change, so a
    send claimed by another process a moment before can never be cleared or overtaken.
    """
    columns = ", ".join(f"{name} = ?" for name in values)
    marks = ", ".join("?" for _ in allowed)
    cur = conn.execute(
        f"UPDATE queue SET {columns} WHERE id = ? AND status IN ({marks}) "  # noqa: S608 (column names are ours)
        "AND sending_since IS NULL",
        (*values.values(), queue_id, *allowed),
    )
    return cur.rowcount == 1


_REFUSED = {
    "replied": "Ce message a déjà reçu une réponse.",
    "closed": "Ce message est clos ; rouvrez-le d'abord.",
    "new": "Ce message est encore ouvert.",
    "assigned": "Ce message est encore ouvert.",
}


def _change(
    conn: sqlite3.Connection,
    queue_id: int,
    action: str,
    values: dict[str, Any],
    detail: dict[str, Any] | None,
    *,
    actor: str,
    now: datetime,
    allowed: Sequence[str] = OPEN,
) -> None:
    """Apply a state change in its own transaction, or raise a French QueueError.

    The audit line gets ``detail`` plus the status the item was in.
    """
    stamp = to_db(now)
    with transaction(conn):
        before = _status(conn, queue_id)
        if before["status"] not in allowed:
            raise QueueError(_REFUSED[before["status"]])
        if before["sending_since"] is not None:
            raise QueueError(SENDING)
        _update(conn, queue_id, {**values, "updated_at": stamp}, allowed)
        full = {"from": before["status"], **(detail or {})}
        _audit(conn, actor, action, queue_id, full, now)


def _change_many(conn, queue_ids: Sequence[int], action: str, values, detail, actor, now) -> int:
    """One change on several items in one transaction: items no longer open, or whose reply
    is being sent, are skipped; each one changed gets its audit line (``bulk``)."""
    values = {**values, "updated_at": to_db(now)}
    done = 0
    with transaction(conn):
        for queue_id in queue_ids:
            if _update(conn, queue_id, values, OPEN):
                _audit(conn, actor, action, queue_id, {**detail, "bulk": True}, now)
                done += 1
    return done


def _assigning(assignee: str, stamp: str) -> dict[str, Any]:
    return {"status": "assigned", "assignee": assignee, "assigned_at": stamp}


def _closing(reason: str, actor: str, stamp: str) -> dict[str, Any]:
    """The columns a person's close sets; an unknown reason is refused before any write."""
    if reason not in CLOSE_REASONS:
        raise QueueError(f"Motif de clôture inconnu : {reason}.")
    return {
        "status": "closed",
        "closed_reason": reason,
        "closed_by": actor,
        "closed_at": stamp,
    }


# ---------------------------------------------------------------- during ingestion


def ingest_open(
    conn: sqlite3.Connection, entries: Iterable[tuple[int, Any]], now: datetime
) -> None:
    """New inbound items enter the queue as ``new`` with what triage decided for each:
    ``(item_id, fields)`` pairs, ``fields`` being the inbox's ``QueueFields`` (needs a reply,
    rule, main and secondary themes, tone, priority, due time). One statement per page."""
    stamp = to_db(now)
    conn.executemany(
        """
        INSERT INTO queue (item_id, status, needs_reply, triage_rule, theme, priority,
                           due_at, secondary_themes, theme_rule, tone, tone_rule,
                           created_at, updated_at)
        VALUES (?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            (
                item_id,
                None if f.needs_reply is None else int(f.needs_reply),
                f.triage_rule,
                f.theme,
                f.priority,
                to_db(f.due_at),
                ",".join(f.secondary_themes) or None,
                f.theme_rule,
                f.tone,
                f.tone_rule,
                stamp,
                stamp,
            )
            for item_id, f in entries
        ],
    )


def ingest_close(conn: sqlite3.Connection, queue_id: int, reason: str, now: datetime) -> None:
    """Triage decided no reply is needed: the item starts closed, reopenable."""
    stamp = to_db(now)
    conn.execute(
        "UPDATE queue SET status = 'closed', closed_reason = ?, closed_by = ?, closed_at = ?, "
        "updated_at = ? WHERE id = ? AND status = 'new'",
        (reason, TRIAGE_ACTOR, stamp, stamp, queue_id),
    )


def ingest_link_previous(conn: sqlite3.Connection, queue_id: int, previous_id: int) -> None:
    conn.execute(
        "UPDATE queue SET previous_queue_id = ? WHERE id = ? AND previous_queue_id IS NULL",
        (previous_id, queue_id),
    )


def mark_replied(
    conn: sqlite3.Connection,
    queue_id: int,
    *,
    reply_item_id: int | None,
    replied_at: datetime,
    by: str,
    response_seconds: int,
    business_seconds: int,
    now: datetime,
    force_author: bool = False,
) -> bool:
    """Record a reply inside the caller's transaction; the first reply's times are kept.

    An item already replied keeps its first reply unless ``force_author`` (the dashboard
    recording its own send, which the collector may have seen first as a native reply).
    """
    stamp = to_db(now)
    cur = conn.execute(
        """
        UPDATE queue SET status = 'replied',
            reply_item_id = CASE WHEN ? OR reply_item_id IS NULL THEN ? ELSE reply_item_id END,
            replied_by = CASE WHEN ? OR replied_by IS NULL THEN ? ELSE replied_by END,
            replied_at = coalesce(replied_at, ?),
            response_seconds = coalesce(response_seconds, ?),
            business_response_seconds = coalesce(business_response_seconds, ?),
            closed_reason = NULL, closed_by = NULL, closed_at = NULL,
            sending_since = NULL, sending_by = NULL, send_check = NULL,
            reply_draft = NULL, last_error = NULL, last_error_at = NULL, updated_at = ?
        WHERE id = ? AND (status <> 'replied' OR ?)
        """,
        (
            force_author,
            reply_item_id,
            force_author,
            by,
            to_db(replied_at),
            response_seconds,
            business_seconds,
            stamp,
            queue_id,
            force_author,
        ),
    )
    if cur.rowcount:
        _audit(
            conn,
            by,
            "reply" if by != NETWORK_ACTOR else "reply_native",
            queue_id,
            {"reply_item_id": reply_item_id, "response_seconds": response_seconds},
            now,
        )
    return bool(cur.rowcount)


# ---------------------------------------------------------------- people's actions


def assign(
    conn: sqlite3.Connection,
    queue_id: int,
    assignee: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    now = now or now_utc()
    values = _assigning(assignee, to_db(now))
    _change(conn, queue_id, "assign", values, {"assignee": assignee}, actor=actor, now=now)


def assign_many(
    conn: sqlite3.Connection,
    queue_ids: Sequence[int],
    assignee: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> int:
    """Give several open items to one person at once (``_change_many``); the count given."""
    now = now or now_utc()
    values = _assigning(assignee, to_db(now))
    return _change_many(conn, queue_ids, "assign", values, {"assignee": assignee}, actor, now)


def assign_round_robin(
    conn: sqlite3.Connection,
    queue_ids: Sequence[int],
    candidates: Sequence[str],
    *,
    actor: str,
    now: datetime | None = None,
) -> dict[int, str]:
    """Give each open item to the next candidate after the last one given its theme.

    The position is kept per theme in ``queue_rotation``, so "propreté" and "culture" each
    rotate fairly across the team whatever the mix of arrivals. One transaction for all.
    """
    if not candidates:
        raise QueueError("Aucun community manager actif à qui attribuer les messages.")
    now = now or now_utc()
    stamp = to_db(now)
    ordered = sorted(set(candidates))
    given: dict[int, str] = {}
    with transaction(conn):
        for queue_id in queue_ids:
            row = _status(conn, queue_id)
            if row["status"] not in OPEN or row["sending_since"] is not None:
                continue
            theme = row["theme"] or ""
            last = conn.execute(
                "SELECT last_assignee FROM queue_rotation WHERE theme = ?", (theme,)
            ).fetchone()
            after = [name for name in ordered if last and name > last[0]]
            chosen = (after or ordered)[0]
            _update(conn, queue_id, {**_assigning(chosen, stamp), "updated_at": stamp}, OPEN)
            conn.execute(
                "INSERT INTO queue_rotation (theme, last_assignee, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (theme) DO UPDATE SET last_assignee = excluded.last_assignee, "
                "updated_at = excluded.updated_at",
                (theme, chosen, stamp),
            )
            _audit(
                conn,
                actor,
                "assign",
                queue_id,
                {"from": row["status"], "assignee": chosen, "round_robin": True},
                now,
            )
            given[queue_id] = chosen
    return given


def close(
    conn: sqlite3.Connection,
    queue_id: int,
    reason: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    now = now or now_utc()
    values = _closing(reason, actor, to_db(now))
    _change(conn, queue_id, "close", values, {"reason": reason}, actor=actor, now=now)


def close_many(
    conn: sqlite3.Connection,
    queue_ids: Sequence[int],
    reason: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> int:
    """Close several open items at once (``_change_many``); the count closed."""
    now = now or now_utc()
    values = _closing(reason, actor, to_db(now))
    return _change_many(conn, queue_ids, "close", values, {"reason": reason}, actor, now)


def reopen(conn: sqlite3.Connection, queue_id: int, *, actor: str, now: datetime | None = None):
    """Back to ``assigned`` (if someone had it) or ``new``; the first reply's times stay."""
    now = now or now_utc()
    with transaction(conn):
        before = _status(conn, queue_id)
        if before["status"] in OPEN:
            raise QueueError("Ce message est déjà ouvert.")
        if before["sending_since"] is not None:
            raise QueueError(SENDING)
        reopen_within(conn, queue_id, actor=actor, now=now)


def reopen_within(
    conn: sqlite3.Connection, queue_id: int, *, actor: str, now: datetime, detail=None
) -> bool:
    """Reopen a replied or closed item inside the caller's transaction (False: it was open,
    or its reply is being sent). ``detail`` is added to the audit line."""
    before = _status(conn, queue_id)
    status = "assigned" if before["assignee"] or before["service"] else "new"
    values = {
        "status": status,
        "closed_reason": None,
        "closed_by": None,
        "closed_at": None,
        "overdue_at": None,
        "overdue_alerted_at": None,
        "updated_at": to_db(now),
    }
    if not _update(conn, queue_id, values, ("replied", "closed")):
        return False
    full = {"from": before["status"], "to": status, **(detail or {})}
    _audit(conn, actor, "reopen", queue_id, full, now)
    return True


def escalate(
    conn: sqlite3.Connection,
    queue_id: int,
    service: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """The item waits in ``assigned`` to a city service (the e-mail is sent by the inbox)."""
    now = now or now_utc()
    values = _escalating(service, actor, now)
    _change(conn, queue_id, "escalate", values, {"service": service}, actor=actor, now=now)


def _escalating(service: str, actor: str, now: datetime) -> dict[str, Any]:
    return {
        "status": "assigned",
        "service": service,
        "escalated_at": to_db(now),
        "escalated_by": actor,
    }


def escalate_within(
    conn: sqlite3.Connection, queue_id: int, service: str, detail, *, actor: str, now: datetime
) -> bool:
    """Escalate inside the caller's transaction (the Open311 request's answer is recorded in
    the same one); False when the item is no longer open or its reply is being sent."""
    before = _status(conn, queue_id)
    values = {**_escalating(service, actor, now), "updated_at": to_db(now)}
    if not _update(conn, queue_id, values, OPEN):
        return False
    full = {"from": before["status"], "service": service, **(detail or {})}
    _audit(conn, actor, "escalate", queue_id, full, now)
    return True


def save_draft(
    conn: sqlite3.Connection, queue_id: int, text: str, *, actor: str, now: datetime | None = None
) -> None:
    """Keep a draft; refused while a reply is being sent (its text is what the network is
    asked about if the send is interrupted)."""
    now = now or now_utc()
    with transaction(conn):
        if _status(conn, queue_id)["sending_since"] is not None:
            raise QueueError(SENDING)
        conn.execute(
            "UPDATE queue SET reply_draft = ?, updated_at = ? WHERE id = ?",
            (text, to_db(now), queue_id),
        )


def claim_send(
    conn: sqlite3.Connection, queue_id: int, text: str, *, actor: str, now: datetime | None = None
) -> None:
    """Take the send-in-progress marker, keeping the text as a draft; refuse a second send.

    This is what makes a double click harmless: only one caller changes the row, the other
    gets a QueueError and never reaches the network. When the other one is a colleague (who
    answered, closed, or is sending), the refused text is kept (``_keep_refused``) and the
    error is a ``ReplyCollision``: nothing a person typed is thrown away.
    """
    now = now or now_utc()
    stamp = to_db(now)
    with transaction(conn):
        before = _status(conn, queue_id)
        if before["status"] in OPEN:
            cur = conn.execute(
                "UPDATE queue SET sending_since = ?, sending_by = ?, reply_draft = ?, "
                "updated_at = ? WHERE id = ? AND status IN ('new', 'assigned') "
                "AND sending_since IS NULL",
                (stamp, actor, text, stamp, queue_id),
            )
            if cur.rowcount == 1:
                return
            refusal = "Une réponse à ce message est déjà en cours d'envoi."
            first_by = before["sending_by"]
        else:
            refusal = _REFUSED[before["status"]]
            first_by = before["replied_by"] or before["closed_by"]
        collision = bool(first_by) and first_by != actor
        if collision:
            _keep_refused(conn, before, text, actor, first_by, now)
    if collision:
        raise ReplyCollision(refusal + COLLISION_KEPT, first_by)
    raise QueueError(refusal)


def _keep_refused(conn, before: sqlite3.Row, text: str, actor: str, first_by: str, now) -> None:
    """The refused reply's text, kept inside the caller's transaction: always in its audit
    line; also as the item's draft when no send holds the row (a replied or closed item has
    none), so reopening the item puts it back in the reply box."""
    if before["status"] not in OPEN and before["sending_since"] is None:
        conn.execute(
            "UPDATE queue SET reply_draft = ?, updated_at = ? WHERE id = ?",
            (text, to_db(now), before["id"]),
        )
    detail = {"from": before["status"], "first_by": first_by, "text": text}
    _audit(conn, actor, "reply_collision", before["id"], detail, now)


def drop_kept_reply(
    conn: sqlite3.Connection, queue_id: int, *, actor: str, now: datetime | None = None
) -> None:
    """The person gives up the text a collision kept for them ("Abandonner mon texte"); the
    item's draft goes too when it is that text and the item is no longer open."""
    now = now or now_utc()
    with transaction(conn):
        before = _status(conn, queue_id)
        row = conn.execute(
            "SELECT detail FROM audit WHERE target_kind = 'queue' AND target_id = ? "
            "AND actor = ? AND action = 'reply_collision' ORDER BY id DESC LIMIT 1",
            (str(queue_id), actor),
        ).fetchone()
        kept = json.loads(row["detail"]).get("text") if row and row["detail"] else None
        if kept is not None and before["status"] not in OPEN and before["reply_draft"] == kept:
            conn.execute(
                "UPDATE queue SET reply_draft = NULL, updated_at = ? WHERE id = ?",
                (to_db(now), queue_id),
            )
        _audit(conn, actor, "reply_kept_dropped", queue_id, None, now)


def record_send_failure(
    conn: sqlite3.Connection,
    queue_id: int,
    error: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> None:
    """The network refused: free the marker, keep the draft, store the network's error."""
    now = now or now_utc()
    stamp = to_db(now)
    with transaction(conn):
        conn.execute(
            "UPDATE queue SET sending_since = NULL, sending_by = NULL, last_error = ?, "
            "last_error_at = ?, updated_at = ? WHERE id = ?",
            (error, stamp, stamp, queue_id),
        )
        _audit(conn, actor, "reply_failed", queue_id, {"error": error}, now)


def sending_claim(conn: sqlite3.Connection, queue_id: int) -> sqlite3.Row:
    """The item's send marker as it is now: ``sending_since``, ``sending_by``, the text
    being sent (``reply_draft``), ``send_check`` (what was checked, JSON) and its status."""
    return _status(conn, queue_id)


# Settling a reply's stuck send marker. Only ``inbox.release_stuck_send`` (after asking the
# network) and ``inbox.resolve_stuck_send`` (a person's decision) call these.
REPLY_SENDS = SendClaims(table="queue", error=QueueError, changed=CLAIM_CHANGED)
release_send = REPLY_SENDS.release
record_send_check = REPLY_SENDS.record_check


def note_send_check(
    conn: sqlite3.Connection, queue_id: int, action: str, facts, *, actor: str, now=None
) -> None:
    """The audit line of a stuck send settled, inside the caller's transaction."""
    _audit(conn, actor, action, queue_id, facts, now or now_utc())


def save_sent_reply(
    conn: sqlite3.Connection, account: str, reply: Item, *, now: datetime | None = None
) -> int:
    """Save the city's reply, sent from the dashboard, as an ``out`` item; its id. Inside the
    caller's transaction, with the queue rows it answers (``inbox.answer_conversation``)."""
    save_items(conn, account, [reply], now=now or now_utc())
    return conn.execute(
        "SELECT id FROM items WHERE network = ? AND external_id = ?",
        (reply.network, reply.external_id),
    ).fetchone()[0]


# ---------------------------------------------------------------- overdue sweep


def mark_overdue(conn: sqlite3.Connection, now: datetime) -> int:
    """Mark open items past their deadline; the count of newly overdue items."""
    stamp = to_db(now)
    with transaction(conn):
        cur = conn.execute(
            "UPDATE queue SET overdue_at = ?, updated_at = ? WHERE status IN ('new', 'assigned') "
            "AND due_at IS NOT NULL AND due_at <= ? AND overdue_at IS NULL",
            (stamp, stamp, stamp),
        )
        return cur.rowcount


def _claim_alerts(conn: sqlite3.Connection, alerted: str, which: str, now: datetime) -> list[int]:
    """Take the open items ``which`` selects that were not alerted yet, marking them in the
    ``alerted`` column in the same statement, so no two passes alert one item twice."""
    sql = (
        f"UPDATE queue SET {alerted} = ? WHERE {which} AND {alerted} IS NULL "  # noqa: S608 (the callers' names)
        "AND status IN ('new', 'assigned') RETURNING id"
    )
    with transaction(conn):
        rows = conn.execute(sql, (to_db(now),)).fetchall()
    return sorted(r[0] for r in rows)


def claim_overdue_alerts(conn: sqlite3.Connection, now: datetime) -> list[int]:
    """Take the open overdue items not alerted yet (marking them), so no two sweeps share one."""
    return _claim_alerts(conn, "overdue_alerted_at", "overdue_at IS NOT NULL", now)


def release_overdue_alerts(conn: sqlite3.Connection, queue_ids: Sequence[int]) -> None:
    """The digest could not be sent: let the next sweep try these items again."""
    with transaction(conn):
        conn.executemany(
            "UPDATE queue SET overdue_alerted_at = NULL WHERE id = ?", [(i,) for i in queue_ids]
        )


def record_overdue_alerts(conn, queue_ids: Sequence[int], recipient: str, now: datetime) -> None:
    with transaction(conn):
        write_audit(
            conn,
            "beffroi",
            "overdue_digest",
            "queue",
            None,
            {"to": recipient, "items": list(queue_ids)},
            now=now,
        )


# ---------------------------------------------------------------- urgent alerts (issue 13)


def claim_urgent_alerts(conn: sqlite3.Connection, now: datetime) -> list[int]:
    """Take the open urgent items not alerted yet (marking them), so no two passes share one."""
    return _claim_alerts(conn, "urgent_alerted_at", "priority = 'urgent'", now)


def release_urgent_alert(conn: sqlite3.Connection, queue_id: int) -> None:
    """The alert could not be sent: the next pass tries this item again."""
    with transaction(conn):
        conn.execute(
            "UPDATE queue SET urgent_alerted_at = NULL, urgent_alert_to = NULL WHERE id = ?",
            (queue_id,),
        )


def record_urgent_alert(conn, queue_id: int, recipient: str, now: datetime) -> None:
    with transaction(conn):
        conn.execute("UPDATE queue SET urgent_alert_to = ? WHERE id = ?", (recipient, queue_id))
        write_audit(conn, "beffroi", "urgent_alert", "queue", queue_id, {"to": recipient}, now=now)


# ---------------------------------------------------------------- triage corrections (issue 13)

CORRECTABLE = ("theme", "priority", "needs_reply", "tone")
_TONES = ("positive", "neutral", "negative")


def correct_triage(
    conn: sqlite3.Connection, queue_id: int, field: str, value: Any, *, actor: str, now: datetime
) -> bool:
    """A manager corrects what triage decided; recorded with who and when. False if unchanged.

    ``needs_reply`` takes a bool; the others a string (``theme`` may be None: no theme).
    The queue row carries the corrected value; ``triage_corrections`` keeps every change.
    """
    if field not in CORRECTABLE:
        raise QueueError(f"Ce champ ne se corrige pas : {field}.")
    allowed = {"priority": ("urgent", "high", "normal", "low"), "tone": _TONES}.get(field)
    if allowed and value not in allowed:
        raise QueueError(f"Valeur impossible pour {field} : {value}.")
    with transaction(conn):
        sql = f"SELECT {field} FROM queue WHERE id = ?"  # noqa: S608 (field is one of CORRECTABLE)
        row = one_row(conn, sql, (queue_id,), QueueError(QUEUE_ROW_GONE))
        old = row[0]
        new = int(bool(value)) if field == "needs_reply" else value
        if old == new:
            return False
        conn.execute(
            f"UPDATE queue SET {field} = ?, updated_at = ? WHERE id = ?",  # noqa: S608
            (new, to_db(now), queue_id),
        )
        conn.execute(
            "INSERT INTO triage_corrections (queue_id, field, old_value, new_value, actor, at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            (
                queue_id,
                field,
                None if old is None else str(old),
                None if new is None else str(new),
                actor,
                to_db(now),
            ),
        )
        write_audit(
            conn,
            actor,
            "correct_triage",
            "queue",
            queue_id,
            {"field": field, "from": old, "to": new},
            now=now,
        )
    return True


# ---------------------------------------------------------------- saved replies


def _check_saved_reply(title: str, body: str) -> None:
    if not title.strip() or not body.strip():
        raise QueueError("Une réponse enregistrée a besoin d'un titre et d'un texte.")


def add_saved_reply(
    conn: sqlite3.Connection,
    theme: str | None,
    title: str,
    body: str,
    *,
    actor: str,
    now: datetime | None = None,
) -> int:
    now = now or now_utc()
    stamp = to_db(now)
    _check_saved_reply(title, body)
    with transaction(conn):
        new_id = conn.execute(
            "INSERT INTO saved_replies (theme, title, body, updated_by, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (theme or None, title.strip(), body, actor, stamp, stamp),
        ).fetchone()[0]
        write_audit(conn, actor, "saved_reply_add", "saved_reply", new_id, {"title": title}, now)
    return new_id


def update_saved_reply(
    conn: sqlite3.Connection,
    reply_id: int,
    *,
    theme: str | None,
    title: str,
    body: str,
    actor: str,
    now: datetime | None = None,
) -> None:
    now = now or now_utc()
    _check_saved_reply(title, body)
    with transaction(conn):
        conn.execute(
            "UPDATE saved_replies SET theme = ?, title = ?, body = ?, updated_by = ?, "
            "updated_at = ? WHERE id = ?",
            (theme or None, title.strip(), body, actor, to_db(now), reply_id),
        )
        write_audit(conn, actor, "saved_reply_edit", "saved_reply", reply_id, {"title": title}, now)


def retire_saved_reply(
    conn: sqlite3.Connection, reply_id: int, *, actor: str, now: datetime | None = None
) -> None:
    now = now or now_utc()
    with transaction(conn):
        conn.execute(
            "UPDATE saved_replies SET active = 0, updated_by = ?, updated_at = ? WHERE id = ?",
            (actor, to_db(now), reply_id),
        )
        write_audit(conn, actor, "saved_reply_retire", "saved_reply", reply_id, None, now)
