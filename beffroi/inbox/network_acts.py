"""A manager's acts on the network from the inbox: delete the city's reply, like the
citizen's message, block or mute its author (``beffroi.collectors.acts`` says which network
allows what). The page asks the person to confirm first; here each act is performed at
once through the account's collector and audited on the message's history, done or
refused, under the person's name. A block also flags the member as blocked (out of the
ranking, their next messages closed by triage), as on the Community page.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from typing import Any

from beffroi.collectors import CollectorError, build_collector, mask_secrets
from beffroi.collectors.acts import ACTS, DONE_WORDS, cannot_act, perform
from beffroi.config import Settings
from beffroi.inbox.replying import stored_item
from beffroi.store import now_utc, transaction, write_audit
from beffroi.store.community import set_member_flags
from beffroi.store.queue import QUEUE_ROW_GONE, QueueError

__all__ = ["ACTS", "act_on_network", "acts_possible"]


def _target(conn: sqlite3.Connection, queue_id: int, act: str) -> tuple[int, int | None]:
    """(the stored item acted on, the message's member) for ``act`` on queue ``queue_id``."""
    row = conn.execute(
        "SELECT q.item_id, q.reply_item_id, i.member_id FROM queue q"
        " JOIN items i ON i.id = q.item_id WHERE q.id = ?",
        (queue_id,),
    ).fetchone()
    if row is None:
        raise QueueError(QUEUE_ROW_GONE)
    if act == "delete_reply":
        if row["reply_item_id"] is None:
            raise QueueError("La ville n'a pas encore répondu à ce message : rien à supprimer.")
        return row["reply_item_id"], row["member_id"]
    return row["item_id"], row["member_id"]


def acts_possible(entry: dict) -> dict[str, str | None]:
    """For the page: each act and why it is impossible on this message (None: possible)."""
    network = entry["network"]
    return {
        "delete_reply": (
            cannot_act(network, "delete_reply", direction="out")
            or (None if entry.get("reply_item_id") else "La ville n'a pas encore répondu.")
        ),
        "like": cannot_act(network, "like", kind=entry["kind"]),
        "block": cannot_act(network, "block"),
        "mute": cannot_act(network, "mute"),
    }


def act_on_network(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    act: str,
    *,
    actor: str,
    collector: Any = None,
    now: datetime | None = None,
) -> str:
    """Do ``act`` for the message ``queue_id`` now; the French outcome. Refused or
    impossible: ``QueueError`` with the French reason (audited as refused too)."""
    if act not in ACTS:
        raise QueueError(f"Action inconnue : {act}.")
    now = now or now_utc()
    item_id, member_id = _target(conn, queue_id, act)
    item = stored_item(conn, item_id)
    impossible = cannot_act(item.network, act, kind=item.kind, direction=item.direction)
    if impossible:
        raise QueueError(impossible)
    try:
        if collector is None:
            collector = build_collector(settings, settings.account(item.account))
        perform(collector, act, item)
    except KeyError:
        error = f"Le compte {item.account} n'est plus dans la configuration."
    except CollectorError as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a bug in a collector: said and audited
        error = mask_secrets(f"{type(exc).__name__}: {exc}")
    else:
        error = None
    detail = {"act": act, "network": item.network, "target": item.external_id}
    if error:
        with transaction(conn):
            write_audit(
                conn, actor, "act_failed", "queue", queue_id, detail | {"error": error}, now
            )
        raise QueueError(error)
    with transaction(conn):
        write_audit(conn, actor, f"act_{act}", "queue", queue_id, detail, now)
    if act == "block" and member_id is not None:
        set_member_flags(conn, member_id, is_blocked=True, actor=actor, now=now)
    return DONE_WORDS[act]
