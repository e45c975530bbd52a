"""Sending a reply through the item's own collector, so the citizen is answered where they wrote.

The order of operations is what keeps the promise "nothing is lost, nothing is sent twice":

1. ``claim_send`` stores the text as a draft and takes the send-in-progress marker in one
   transaction; a second click (or a second manager) is refused before the network is called;
2. the collector posts the reply;
3. success: the reply is saved as an ``out`` item linked to its parent and the queue row
   becomes ``replied`` with the response time, in one transaction;
   failure: the marker is freed, the draft kept and the network's error stored and shown.

If the process dies between 2 and 3 the marker stays: the next collection sees the reply on
the network and closes the item as replied; otherwise a person checks and frees it
(``release_send``) instead of Beffroi posting blind a second time.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from beffroi.business_hours import SlaClock
from beffroi.collectors import (
    Author,
    Collector,
    CollectorError,
    Item,
    build_collector,
    mask_secrets,
)
from beffroi.config import Settings
from beffroi.inbox.ingest import answer_conversation
from beffroi.store import from_db, now_utc, transaction
from beffroi.store.queue import QueueError, claim_send, record_send_failure, save_sent_reply


class ReplyFailed(QueueError):
    """The network refused the reply; the draft is kept and the error stored."""


@dataclass(frozen=True)
class SentReply:
    queue_id: int
    reply_item_id: int
    response_seconds: int
    business_seconds: int


_STORED_ITEM_SQL = """
SELECT i.*, m.external_id AS m_external_id, m.handle AS m_handle,
       m.display_name AS m_display_name
FROM items i LEFT JOIN members m ON m.id = i.member_id
"""


def item_for_queue(conn: sqlite3.Connection, queue_id: int) -> Item:
    """Rebuild the citizen's message as the collector's ``Item`` (raw payload included)."""
    row = conn.execute(
        _STORED_ITEM_SQL + "WHERE i.id = (SELECT item_id FROM queue WHERE id = ?)",  # noqa: S608
        (queue_id,),
    ).fetchone()
    if row is None:
        raise QueueError("Ce message n'existe plus dans la file.")
    return _item(row)


def stored_item(conn: sqlite3.Connection, item_id: int) -> Item:
    """A stored message as the collector's ``Item``, to answer it through the collector."""
    row = conn.execute(_STORED_ITEM_SQL + "WHERE i.id = ?", (item_id,)).fetchone()
    if row is None:
        raise QueueError("Ce message n'existe plus.")
    return _item(row)


def _item(row: sqlite3.Row) -> Item:
    author = None
    if row["m_external_id"]:
        author = Author(
            row["network"], row["m_external_id"], row["m_handle"], row["m_display_name"]
        )
    return Item(
        network=row["network"],
        account=row["account"],
        external_id=row["external_id"],
        kind=row["kind"],
        direction=row["direction"],
        text=row["text"],
        created_at=from_db(row["created_at"]),
        author=author,
        permalink=row["permalink"],
        parent_external_id=row["parent_external_id"],
        thread_external_id=row["thread_external_id"],
        like_count=row["like_count"],
        reply_count=row["reply_count"],
        raw=json.loads(row["raw"]) if row["raw"] else None,
    )


def send_reply(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    text: str,
    *,
    actor: str,
    collector: Collector | None = None,
    now: datetime | None = None,
) -> SentReply:
    """Post ``text`` as the city's reply to queue item ``queue_id``; raise a French error."""
    text = (text or "").strip()
    if not text:
        raise QueueError("La réponse est vide.")
    item = item_for_queue(conn, queue_id)
    claim_send(conn, queue_id, text, actor=actor, now=now)
    try:
        if collector is None:
            try:
                account = settings.account(item.account)
            except KeyError:
                raise PermissionError(
                    f"le compte {item.account} n'est plus dans la configuration"
                ) from None
            collector = build_collector(settings, account)
        reply = collector.reply(item, text)
    except Exception as exc:  # every failure keeps the draft; none is a traceback
        error = str(exc) if isinstance(exc, CollectorError) else mask_secrets(str(exc))
        record_send_failure(conn, queue_id, error or type(exc).__name__, actor=actor, now=now)
        raise ReplyFailed(f"L'envoi a échoué, le brouillon est conservé : {error}") from exc
    clock = SlaClock.from_settings(settings)
    replied_at = reply.created_at or (now or now_utc())
    response = max(0, int((replied_at - item.created_at).total_seconds()))
    business = clock.business_seconds_between(item.created_at, replied_at)
    with transaction(conn):
        reply_id = save_sent_reply(conn, item.account, reply, now=now)
        # force_author: the collector may have seen this reply first, as a native one.
        answer_conversation(
            conn, clock, queue_id, item.created_at, reply_id, replied_at, actor,
            now or now_utc(), force_author=True,
        )  # fmt: skip
    return SentReply(queue_id, reply_id, response, business)
