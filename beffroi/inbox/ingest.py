"""Ingestion: a collected page enters the database, and its new messages the queue.

``ingest_page`` is the only way collected data enters the database. It owns the page's
transaction (as Datasette's ``execute_write_fn``: the caller owns the transaction, the store
only persists): the store saves the items, authors, reactions, rejects and cursor; the inbox
triages each new inbound message, writes its queue row and links or closes conversations;
one ``now`` for all of it. One page is one transaction, cursor included, so a run that dies
re-fetches at most one page. An item the store cannot write becomes a ``rejected_payloads``
row and the rest of the page, cursor included, is saved.

What happens to each new item:

- A citizen's message triaged as needing no reply starts ``closed`` (reason
  ``no_reply_needed``, or ``spam``) by ``triage``: the open list only holds work, so a
  manager can reach inbox zero, and a wrong guess is one click away from being reopened.
- Messages from a member marked spam or blocked start closed (``spam`` / ``hidden``).
- A citizen's follow-up in a thread the city already answered gets its own queue row,
  linked to the previous one (``previous_queue_id``), so the conversation reads in order.
- An ``out`` item collected from the network (the city's account answered in the app)
  closes the item it answers as ``replied`` by "réseau", with its real response time. The
  city's reply may be collected before the message it answers (another stream ran first):
  the message then finds its reply when it arrives.
- That reply also answers the same citizen's earlier messages of the conversation still
  open (the ``previous_queue_id`` chain): a citizen who wrote three DMs before the city
  answered is answered, not left with two messages open forever at the top of the list.
- The moderation rules switched on act last, on what triage and conversations decided
  (label, assign, priority, close, alert); a hide on the network is queued here and
  performed after the transaction (``moderation_actions.after_ingestion``).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from beffroi.business_hours import SlaClock
from beffroi.collectors import QUEUED_KINDS, Item, Page
from beffroi.config import Settings
from beffroi.inbox.moderation import Moderation
from beffroi.inbox.triage import QueueFields, Triage
from beffroi.store import (
    from_db,
    now_utc,
    save_cursor,
    save_interactions_seen,
    save_items,
    save_rejected,
    to_db,
    transaction,
)
from beffroi.store.queue import (
    NETWORK_ACTOR,
    ingest_close,
    ingest_link_previous,
    ingest_open,
    mark_replied,
)

# Decides the queue fields of a new inbound message (``Triage``, or a test's own).
Triaging = Callable[[Item], QueueFields]


class Conversations:
    """Queue bookkeeping as items arrive: links, closes and answers queue rows."""

    def __init__(self, clock: SlaClock) -> None:
        self.clock = clock

    def apply(self, conn: sqlite3.Connection, new: Sequence[tuple[int, Item]], now: datetime):
        """Do the bookkeeping for a page's new items, in page order. What the writes cannot
        change is read once per page: the queue rows of the page's inbound messages, the
        city's replies to them, each message's previous one in its thread and the message
        each reply answers; the writes then run item by item, in page order."""
        inbound = [(i, item) for i, item in new if item.direction == "in"]
        rows, early = self._inbound_facts(conn, inbound)
        previous = _previous_in_threads(
            conn, [(i, item, rows[i]["member_id"]) for i, item in inbound if i in rows]
        )
        answered = _answered_messages(conn, [item for _, item in new if item.direction != "in"])
        for item_id, item in new:
            if item.direction == "in":
                row = rows.get(item_id)
                if row is not None:
                    self._inbound(
                        conn, item, row, previous.get(item_id), early.get(item.external_id), now
                    )
            else:
                target = answered.get((item.network, item.parent_external_id))
                self._outbound(conn, item_id, item, target, now)

    @staticmethod
    def _inbound_facts(conn, inbound: list[tuple[int, Item]]) -> tuple[dict, dict]:
        """Queue row and member flags of each inbound item, and the city's earliest stored
        reply to each (a reply may be collected before the message it answers)."""
        if not inbound:
            return {}, {}
        ids = json.dumps([item_id for item_id, _ in inbound])
        rows = {
            r["item_id"]: r
            for r in conn.execute(
                "SELECT q.item_id, q.id, q.needs_reply, q.triage_rule, i.member_id, m.is_spam,"
                " m.is_blocked FROM queue q JOIN items i ON i.id = q.item_id"
                " LEFT JOIN members m ON m.id = i.member_id"
                " WHERE q.item_id IN (SELECT value FROM json_each(?))",
                (ids,),
            )
        }
        early: dict[str, sqlite3.Row] = {}
        sql = (
            "SELECT parent_external_id, id, created_at FROM items WHERE network = ?"
            " AND parent_external_id IN (SELECT value FROM json_each(?))"
            " AND direction = 'out' ORDER BY created_at DESC"
        )
        messages = (item for _, item in inbound)
        for _, r in _per_network(conn, messages, lambda item: item.external_id, sql):
            early[r["parent_external_id"]] = r  # the earliest, written last
        return rows, early

    def _inbound(self, conn, item: Item, row, previous: int | None, early, now: datetime):
        queue_id = row["id"]
        if previous is not None:
            ingest_link_previous(conn, queue_id, previous)
        if row["is_spam"] or row["is_blocked"]:
            # A person the team marked as spam or blocked never reaches the open list.
            ingest_close(conn, queue_id, "spam" if row["is_spam"] else "hidden", now)
            return
        if row["needs_reply"] == 0:
            reason = "spam" if (row["triage_rule"] or "").startswith("spam") else "no_reply_needed"
            ingest_close(conn, queue_id, reason, now)
            return
        if early is not None:
            self._replied(
                conn, queue_id, item.created_at, early["id"], from_db(early["created_at"]), now
            )

    # The queued message a city's reply answers: its queue row and when it was received.
    _QUEUED_SQL = "SELECT q.id, i.created_at FROM items i JOIN queue q ON q.item_id = i.id "

    def _outbound(self, conn, item_id: int, item: Item, target, now: datetime) -> None:
        """``target``: the queued message the reply's parent is (``_answered_messages``)."""
        if target is None and item.kind == "dm" and item.thread_external_id:
            # Private conversations have no parent: the reply answers the latest open message.
            target = conn.execute(
                self._QUEUED_SQL
                + "WHERE i.network = ? AND i.thread_external_id = ? AND i.direction = 'in' "
                "AND i.created_at <= ? AND q.status IN ('new', 'assigned') "
                "ORDER BY i.created_at DESC LIMIT 1",
                (item.network, item.thread_external_id, to_db(item.created_at)),
            ).fetchone()
        if target is None:
            return
        self._replied(
            conn, target["id"], from_db(target["created_at"]), item_id, item.created_at, now
        )

    def _replied(self, conn, queue_id, received: datetime, reply_id, replied: datetime, now):
        answer_conversation(
            conn, self.clock, queue_id, received, reply_id, replied, NETWORK_ACTOR, now
        )


@dataclass(frozen=True)
class IngestHooks:
    """The inbox's part of ingestion: triage of new messages, conversation bookkeeping,
    then the moderation rules switched on (``moderation.py``; hides are only queued).

    Without ``triage`` a new message gets an untriaged queue row (``needs_reply`` NULL);
    without ``conversations`` no row is linked, closed or answered (tests, benchmarks);
    without ``moderation`` no rule runs."""

    triage: Triaging | None = None
    conversations: Conversations | None = None
    moderation: Moderation | None = None


NO_HOOKS = IngestHooks()


def ingest_hooks(settings: Settings) -> IngestHooks:
    """The inbox's hooks from the configuration: triage each new message, then queue
    bookkeeping, both on the city's business clock."""
    clock = SlaClock.from_settings(settings)
    return IngestHooks(
        triage=Triage(settings, clock), conversations=Conversations(clock), moderation=Moderation()
    )


@dataclass(frozen=True)
class SaveResult:
    fetched: int
    new: int
    rejected: int
    new_item_ids: tuple[int, ...] = ()


def ingest_page(
    conn: sqlite3.Connection,
    account: str,
    stream: str,
    page: Page,
    *,
    hooks: IngestHooks = NO_HOOKS,
    now: datetime | None = None,
) -> SaveResult:
    """Save one page of a stream (items, authors, queue rows, reactions and shares,
    rejects, cursor) atomically, and do the inbox's work on its new items.

    A ``None`` cursor keeps the stored one: a page that did not move the stream (an empty
    idle pass) never rewinds it. A triage that raises rolls the whole page back (the next
    pass fetches it again): a bug is not allowed to half-save a page.
    """
    now = now or now_utc()
    with transaction(conn):
        saved = save_items(conn, account, page.items, now=now)
        seen, new_interactions = save_interactions_seen(conn, account, page.interactions)
        _queue_new(conn, saved.new, hooks.triage, now)
        if hooks.conversations is not None:
            hooks.conversations.apply(conn, saved.new, now)
        if hooks.moderation is not None:
            hooks.moderation.apply(conn, saved.new, now)
        n_rejected = save_rejected(conn, account, stream, [*page.rejected, *saved.rejected], now)
        save_cursor(conn, account, stream, page.cursor, now)
    return SaveResult(
        saved.fetched + seen, len(saved.new) + new_interactions, n_rejected, saved.new_ids
    )


def _queue_new(
    conn: sqlite3.Connection,
    new: Iterable[tuple[int, Item]],
    triage: Triaging | None,
    now: datetime,
) -> None:
    """A queue row for each new inbound message of a kind that may expect an answer."""
    untriaged = QueueFields()
    ingest_open(
        conn,
        [
            (item_id, triage(item) if triage is not None else untriaged)
            for item_id, item in new
            if item.direction == "in" and item.kind in QUEUED_KINDS
        ],
        now,
    )


def answer_conversation(
    conn: sqlite3.Connection,
    clock: SlaClock,
    queue_id: int,
    received: datetime,
    reply_id: int,
    replied: datetime,
    by: str,
    now: datetime,
    *,
    force_author: bool = False,
) -> None:
    """Mark ``queue_id`` answered by the city's reply, and with it the same citizen's earlier
    open messages of the conversation (the ``previous_queue_id`` chain), each with its own
    response time. Inside the caller's transaction; a native reply and a reply sent from the
    dashboard both come here, so neither leaves the earlier messages open."""
    earlier = conn.execute(_EARLIER_OPEN_SQL, (queue_id, MAX_CHAIN, to_db(replied))).fetchall()
    targets = [(queue_id, received)] + [(r["id"], from_db(r["created_at"])) for r in earlier]
    for target, at in targets:
        mark_replied(
            conn,
            target,
            reply_item_id=reply_id,
            replied_at=replied,
            by=by,
            response_seconds=max(0, int((replied - at).total_seconds())),
            business_seconds=clock.business_seconds_between(at, replied),
            now=now,
            force_author=force_author and target == queue_id,
        )


MAX_CHAIN = 200  # a conversation longer than this is cut, never looped on
# The citizen's earlier messages of the same conversation (previous_queue_id chain), open.
_EARLIER_OPEN_SQL = """
WITH RECURSIVE chain(id, depth) AS (
    SELECT previous_queue_id, 1 FROM queue WHERE id = ? AND previous_queue_id IS NOT NULL
    UNION
    SELECT q.previous_queue_id, c.depth + 1 FROM queue q JOIN chain c ON q.id = c.id
    WHERE q.previous_queue_id IS NOT NULL AND c.depth < ?
)
SELECT q.id, i.created_at FROM chain c JOIN queue q ON q.id = c.id
JOIN items i ON i.id = q.item_id
WHERE q.status IN ('new', 'assigned') AND i.created_at <= ?
"""


def _previous_in_threads(
    conn: sqlite3.Connection, inbound: Sequence[tuple[int, Item, int | None]]
) -> dict[int, int]:
    """For each ``(item_id, item, member_id)`` of a page's inbound messages, the queue id of
    the same citizen's latest earlier queued message in the same thread, if any: two
    queries per page, not two per message. Conversation writes change no item nor which
    items are queued (the page's queue rows are written before), so reading it all first
    finds what reading it message by message found."""
    asks = [
        (item_id, item, member)
        for item_id, item, member in inbound
        if member is not None and (item.thread_external_id or item.parent_external_id)
    ]
    if not asks:
        return {}
    # The parent may be the city's reply: its own parent and thread lead to earlier messages.
    city_parents = _city_replies(conn, [item for _, item, _ in asks if item.parent_external_id])
    requests = []
    for item_id, item, member in asks:
        roots = [r for r in (item.thread_external_id, item.parent_external_id) if r]
        if item.parent_external_id:
            roots += [r for r in city_parents.get((item.network, item.parent_external_id), ()) if r]
        requests.append([item_id, item.network, member, to_db(item.created_at), roots])
    return {
        item_id: queue_id
        for item_id, queue_id in conn.execute(_PREVIOUS_SQL, (json.dumps(requests),))
        if queue_id is not None
    }


# One row per request [item_id, network, member_id, created_at, [thread roots]].
_PREVIOUS_SQL = """
SELECT json_extract(r.value, '$[0]'), (
    SELECT q.id FROM items i JOIN queue q ON q.item_id = i.id
    WHERE i.network = json_extract(r.value, '$[1]') AND i.member_id = json_extract(r.value, '$[2]')
      AND i.id <> json_extract(r.value, '$[0]') AND i.created_at <= json_extract(r.value, '$[3]')
      AND (i.thread_external_id IN (SELECT value FROM json_each(r.value, '$[4]'))
           OR i.external_id IN (SELECT value FROM json_each(r.value, '$[4]')))
    ORDER BY i.created_at DESC, i.id DESC LIMIT 1
) FROM json_each(?) r
"""


def _per_network(conn, items: Iterable[Item], external_id: Callable[[Item], str | None], sql):
    """``(network, row)`` for the rows of ``sql`` (parameters: a network and a JSON list of
    its items' external ids, ``external_id`` of each item): one query per network."""
    wanted: dict[str, list[str]] = {}
    for item in items:
        if key := external_id(item):
            wanted.setdefault(item.network, []).append(key)
    for network, keys in wanted.items():
        for row in conn.execute(sql, (network, json.dumps(keys))):
            yield network, row


def _parent_of(item: Item) -> str | None:
    return item.parent_external_id


def _city_replies(conn, items: Sequence[Item]) -> dict[tuple[str, str], tuple[str, str]]:
    """``(network, parent_external_id) -> (its parent, its thread)`` for the items whose
    parent is one of the city's own (``out``) items."""
    sql = (
        "SELECT external_id, parent_external_id, thread_external_id FROM items"
        " WHERE network = ? AND external_id IN (SELECT value FROM json_each(?))"
        " AND direction = 'out'"
    )
    return {(net, r[0]): (r[1], r[2]) for net, r in _per_network(conn, items, _parent_of, sql)}


def _answered_messages(conn, replies: Sequence[Item]) -> dict[tuple[str, str], sqlite3.Row]:
    """``(network, external_id) -> (queue id, created_at)`` of the queued messages that the
    page's replies have as parent, in one query per network (a message's queue row, once
    written, stays: what the page's writes change cannot change this)."""
    sql = (
        "SELECT i.external_id, q.id, i.created_at FROM items i JOIN queue q"
        " ON q.item_id = i.id WHERE i.network = ?"
        " AND i.external_id IN (SELECT value FROM json_each(?))"
    )
    return {(net, r["external_id"]): r for net, r in _per_network(conn, replies, _parent_of, sql)}
