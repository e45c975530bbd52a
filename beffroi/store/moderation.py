"""All writes of moderation: rules, what they did to messages, labels, network requests.

Functions whose name starts with ``ingest_`` run inside the collection page's transaction
(``inbox.ingest_page``); the others open their own. Every change has its audit line in the
same transaction, so the audit says who (a person, or ``modération`` for a rule), what and
why. The network call itself is never made here: a hide is *queued* (``network_actions``)
and performed after the transaction by the inbox, which records the outcome here.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime, timedelta
from typing import Any

from beffroi.errors import BeffroiError
from beffroi.store.connection import one_row, transaction
from beffroi.store.meta import write_audit
from beffroi.store.queue import QUEUE_ROW_GONE
from beffroi.store.times import to_db

MODERATION_ACTOR = "modération"


class ModerationError(BeffroiError):
    """A moderation change that cannot be made; the message is French, for people."""


def _json(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


# ---------------------------------------------------------------- rules (admins)


def save_rule(
    conn: sqlite3.Connection,
    rule_id: int | None,
    name: str,
    conditions: dict[str, Any],
    actions: dict[str, Any],
    *,
    actor: str,
    now: datetime,
) -> int:
    """Create a rule (switched off) or change one; returns its id."""
    stamp = to_db(now)
    with transaction(conn):
        if rule_id is None:
            cur = conn.execute(
                "INSERT INTO moderation_rules (name, conditions, actions, enabled, created_by, "
                "created_at, updated_by, updated_at) VALUES (?, ?, ?, 0, ?, ?, ?, ?)",
                (name, _json(conditions), _json(actions), actor, stamp, actor, stamp),
            )
            rule_id = int(cur.lastrowid)
            what = "moderation_rule_created"
        else:
            edited = {"name": name, "conditions": _json(conditions), "actions": _json(actions)}
            _change_rule(conn, rule_id, edited, actor, stamp)
            what = "moderation_rule_changed"
        write_audit(
            conn,
            actor,
            what,
            "moderation_rule",
            rule_id,
            {"nom": name, "conditions": conditions, "actions": actions},
            now=now,
        )
    return rule_id


def set_rule_enabled(
    conn: sqlite3.Connection, rule_id: int, enabled: bool, *, actor: str, now: datetime
) -> None:
    what = "moderation_rule_enabled" if enabled else "moderation_rule_disabled"
    with transaction(conn):
        _change_rule(conn, rule_id, {"enabled": int(enabled)}, actor, to_db(now))
        write_audit(conn, actor, what, "moderation_rule", rule_id, None, now=now)


def _change_rule(conn, rule_id: int, columns: dict, actor: str, stamp: str) -> None:
    """Set a rule's ``columns`` (ours, never a caller's), stamped with who changed it and
    when; refused if the rule was deleted meanwhile. Inside the caller's transaction."""
    values = {**columns, "updated_by": actor, "updated_at": stamp}
    sets = ", ".join(f"{name} = ?" for name in values)
    cur = conn.execute(
        f"UPDATE moderation_rules SET {sets} WHERE id = ?",  # noqa: S608 (column names are ours)
        (*values.values(), rule_id),
    )
    if cur.rowcount != 1:
        raise ModerationError("Cette règle n'existe plus.")


# ---------------------------------------------------------------- during ingestion


def ingest_apply(
    conn: sqlite3.Connection, queue_id: int, values: dict[str, Any], now: datetime
) -> bool:
    """Set queue fields a rule decided (priority, assignee, closing), only while the item
    is still open; True when the row changed."""
    if not values:
        return False
    columns = ", ".join(f"{name} = ?" for name in values)
    cur = conn.execute(
        f"UPDATE queue SET {columns}, updated_at = ? WHERE id = ? "  # noqa: S608 (names are ours)
        "AND status IN ('new', 'assigned') AND sending_since IS NULL",
        (*values.values(), to_db(now), queue_id),
    )
    return cur.rowcount == 1


def ingest_reopen_triaged(conn: sqlite3.Connection, queue_id: int, now: datetime) -> bool:
    """A rule wants a person on a message triage closed as needing no reply: open again."""
    cur = conn.execute(
        "UPDATE queue SET status = 'new', closed_reason = NULL, closed_by = NULL, "
        "closed_at = NULL, updated_at = ? WHERE id = ? AND status = 'closed' "
        "AND closed_by = 'triage' AND closed_reason = 'no_reply_needed'",
        (to_db(now), queue_id),
    )
    return cur.rowcount == 1


def ingest_label(conn: sqlite3.Connection, queue_id: int, label: str, by: str, now: datetime):
    conn.execute(
        "INSERT OR IGNORE INTO queue_labels (queue_id, label, added_by, added_at) "
        "VALUES (?, ?, ?, ?)",
        (queue_id, label, by, to_db(now)),
    )


def ingest_record_hit(
    conn: sqlite3.Connection,
    *,
    rule_id: int,
    rule_name: str,
    queue_id: int,
    item_id: int,
    done: dict[str, Any],
    why: str,
    alert_to: str | None,
    now: datetime,
) -> int | None:
    """What a rule did to a message, and its audit line (actor ``modération``); None when
    this rule had already acted on this message."""
    cur = conn.execute(
        "INSERT OR IGNORE INTO moderation_hits (rule_id, rule_name, queue_id, item_id, actions, "
        "why, alert_to, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (rule_id, rule_name, queue_id, item_id, _json(done), why, alert_to, to_db(now)),
    )
    if cur.rowcount != 1:
        return None
    hit_id = int(cur.lastrowid)
    write_audit(
        conn,
        MODERATION_ACTOR,
        "moderation_rule_applied",
        "queue",
        queue_id,
        {"règle": rule_name, "pourquoi": why, "actions": done, "hit": hit_id},
        now=now,
    )
    return hit_id


def ingest_queue_network_action(
    conn: sqlite3.Connection,
    item_id: int,
    action: str,
    *,
    requested_by: str,
    reason: str,
    hit_id: int | None,
    now: datetime,
) -> int | None:
    """Ask for a hide/unhide, performed after the transaction; the same request already
    waiting makes this a no-op (None)."""
    stamp = to_db(now)
    cur = conn.execute(
        "INSERT OR IGNORE INTO network_actions (item_id, action, requested_by, hit_id, reason, "
        "next_attempt_at, requested_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (item_id, action, requested_by, hit_id, reason, stamp, stamp),
    )
    return int(cur.lastrowid) if cur.rowcount == 1 else None


def queue_network_action(
    conn: sqlite3.Connection,
    queue_id: int,
    action: str,
    *,
    actor: str,
    reason: str,
    hit_id: int | None = None,
    now: datetime,
) -> int | None:
    """A person asks to hide or show a message again: queued and audited at once."""
    with transaction(conn):
        gone = ModerationError(QUEUE_ROW_GONE)
        row = one_row(conn, "SELECT item_id FROM queue WHERE id = ?", (queue_id,), gone)
        action_id = ingest_queue_network_action(
            conn, row[0], action, requested_by=actor, reason=reason, hit_id=hit_id, now=now
        )
        write_audit(
            conn,
            actor,
            f"network_{action}_requested",
            "queue",
            queue_id,
            {"motif": reason},
            now=now,
        )
    return action_id


# ---------------------------------------------------------------- performing network actions


def claim_network_actions(
    conn: sqlite3.Connection,
    now: datetime,
    *,
    stale: timedelta,
    limit: int = 50,
    item_id: int | None = None,
) -> list[sqlite3.Row]:
    """The due requests, marked ``running`` so another process leaves them alone. A request
    left ``running`` longer than ``stale`` (a crash mid-call) is due again: hiding twice is
    harmless on every network."""
    with transaction(conn):
        conn.execute(
            "UPDATE network_actions SET status = 'pending' WHERE status = 'running' "
            "AND next_attempt_at <= ?",
            (to_db(now - stale),),
        )
        return conn.execute(
            """
            UPDATE network_actions SET status = 'running', next_attempt_at = ?
            WHERE id IN (SELECT id FROM network_actions WHERE status = 'pending'
                         AND next_attempt_at <= ? AND (? IS NULL OR item_id = ?)
                         ORDER BY id LIMIT ?)
            RETURNING *
            """,
            (to_db(now), to_db(now), item_id, item_id, limit),
        ).fetchall()


def finish_network_action(
    conn: sqlite3.Connection,
    action_id: int,
    status: str,
    *,
    error: str | None,
    retry_at: datetime | None,
    now: datetime,
) -> None:
    """Record one attempt: ``done``, ``unsupported``, ``failed``, or back to ``pending``
    until ``retry_at``. The audit line goes on the message's history."""
    with transaction(conn):
        row = conn.execute(
            "SELECT n.*, q.id AS queue_id FROM network_actions n "
            "LEFT JOIN queue q ON q.item_id = n.item_id WHERE n.id = ?",
            (action_id,),
        ).fetchone()
        if row is None:
            return
        conn.execute(
            "UPDATE network_actions SET status = ?, attempts = attempts + 1, last_error = ?, "
            "next_attempt_at = coalesce(?, next_attempt_at), done_at = ? WHERE id = ?",
            (
                status,
                error,
                to_db(retry_at),
                to_db(now) if status == "done" else None,
                action_id,
            ),
        )
        detail: dict[str, Any] = {"demandé par": row["requested_by"], "motif": row["reason"]}
        if error:
            detail["erreur"] = error
        if retry_at is not None:
            detail["nouvel essai"] = to_db(retry_at)
        write_audit(
            conn,
            row["requested_by"],
            f"network_{row['action']}_{status}",
            "queue",
            row["queue_id"],
            detail,
            now=now,
        )


# ---------------------------------------------------------------- undo


def undo_hit(conn: sqlite3.Connection, hit_id: int, *, actor: str, now: datetime) -> dict:
    """Reverse what a rule did to a message: reopen it if the rule closed it, put back its
    priority and assignee, remove its label, and queue an unhide if it hid the message
    (performed after, like any network action). Returns what was reversed."""
    stamp = to_db(now)
    with transaction(conn):
        gone = ModerationError("Cette action automatique n'existe plus.")
        hit = one_row(conn, "SELECT * FROM moderation_hits WHERE id = ?", (hit_id,), gone)
        if hit["undone_at"] is not None:
            raise ModerationError(
                f"Cette action a déjà été annulée par {hit['undone_by']} ({hit['undone_at']})."
            )
        done = json.loads(hit["actions"])
        reversed_: dict[str, Any] = {}
        queue_id = hit["queue_id"]
        if "close_reason" in done:
            cur = conn.execute(
                "UPDATE queue SET status = CASE WHEN assignee IS NULL THEN 'new' ELSE 'assigned' "
                "END, closed_reason = NULL, closed_by = NULL, closed_at = NULL, updated_at = ? "
                "WHERE id = ? AND status = 'closed' AND closed_by = ?",
                (stamp, queue_id, MODERATION_ACTOR),
            )
            reversed_["rouvert"] = cur.rowcount == 1
        if done.get("reopened"):
            conn.execute(
                "UPDATE queue SET status = 'closed', closed_reason = 'no_reply_needed', "
                "closed_by = 'triage', closed_at = ?, updated_at = ? WHERE id = ? "
                "AND status = 'new' AND assignee IS NULL",
                (stamp, stamp, queue_id),
            )
            reversed_["reclos"] = True
        if "priority" in done:
            before, after = done["priority"]
            conn.execute(
                "UPDATE queue SET priority = ?, updated_at = ? WHERE id = ? AND priority = ?",
                (before, stamp, queue_id, after),
            )
            reversed_["priorité"] = before
        if "assign_to" in done:
            conn.execute(
                "UPDATE queue SET assignee = NULL, assigned_at = NULL, status = 'new', "
                "updated_at = ? WHERE id = ? AND status = 'assigned' AND assignee = ?",
                (stamp, queue_id, done["assign_to"]),
            )
            reversed_["attribution retirée"] = done["assign_to"]
        if "label" in done:
            conn.execute(
                "DELETE FROM queue_labels WHERE queue_id = ? AND label = ? AND added_by = ?",
                (queue_id, done["label"], MODERATION_ACTOR),
            )
            reversed_["étiquette retirée"] = done["label"]
        cancelled = 0
        if done.get("hide"):
            # Not performed yet: cancelled, nothing to show again on the network.
            cancelled = conn.execute(
                "UPDATE network_actions SET status = 'cancelled', done_at = ? "
                "WHERE item_id = ? AND action = 'hide' AND status = 'pending'",
                (stamp, hit["item_id"]),
            ).rowcount
            if cancelled:
                reversed_["masquage annulé avant d'être fait"] = True
        if done.get("hide") and not cancelled:
            ingest_queue_network_action(
                conn,
                hit["item_id"],
                "unhide",
                requested_by=actor,
                reason=f"annulation de la règle « {hit['rule_name']} »",
                hit_id=hit_id,
                now=now,
            )
            reversed_["réaffichage demandé"] = True
        conn.execute(
            "UPDATE moderation_hits SET undone_at = ?, undone_by = ? WHERE id = ?",
            (stamp, actor, hit_id),
        )
        write_audit(
            conn,
            actor,
            "moderation_undone",
            "queue",
            queue_id,
            {"règle": hit["rule_name"], "annulé": reversed_},
            now=now,
        )
    return reversed_


# ---------------------------------------------------------------- alerts


def claim_moderation_alerts(conn: sqlite3.Connection, now: datetime) -> list[sqlite3.Row]:
    """Hits whose rule asked for an e-mail, claimed before the mail goes (sent once)."""
    with transaction(conn):
        return conn.execute(
            "UPDATE moderation_hits SET alerted_at = ? WHERE alert_to IS NOT NULL "
            "AND alerted_at IS NULL RETURNING *",
            (to_db(now),),
        ).fetchall()


def release_moderation_alert(conn: sqlite3.Connection, hit_id: int) -> None:
    with transaction(conn):
        conn.execute("UPDATE moderation_hits SET alerted_at = NULL WHERE id = ?", (hit_id,))
