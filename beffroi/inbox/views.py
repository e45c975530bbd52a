"""What the Inbox page reads: the open list, one item with its thread, counters, history.

Reads only (SELECTs); every query is served by an index and bounded by a LIMIT, so the page
stays fast with a million items: the open list walks ``queue_open`` (status, due_at),
counters use the partial indexes on open and replied rows, full-text search goes through
``items_fts``.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from beffroi.config import Settings
from beffroi.store import from_db, to_db
from beffroi.store.queue import OPEN

_ENTRY_SQL = """
SELECT q.id AS queue_id, q.item_id, q.status, q.needs_reply, q.triage_rule, q.theme,
       q.priority, q.due_at, q.assignee, q.service, q.closed_reason, q.closed_by,
       q.replied_at, q.replied_by, q.response_seconds, q.business_response_seconds,
       q.previous_queue_id, q.overdue_at, q.reply_draft, q.last_error, q.last_error_at,
       q.sending_since, q.sending_by, q.reply_item_id,
       q.secondary_themes, q.theme_rule, q.tone, q.tone_rule, q.urgent_alerted_at,
       q.urgent_alert_to,
       i.network, i.account, i.kind, i.text, i.created_at, i.permalink, i.member_id,
       i.external_id, i.parent_external_id, i.thread_external_id,
       m.handle AS author_handle, m.display_name AS author_name,
       m.erased_at IS NOT NULL AS author_erased
FROM queue q JOIN items i ON i.id = q.item_id
LEFT JOIN members m ON m.id = i.member_id
"""
_TIMES = (
    "due_at",
    "created_at",
    "replied_at",
    "overdue_at",
    "last_error_at",
    "sending_since",
    "urgent_alerted_at",
)


def _shown_networks(settings: Settings) -> dict[str, str]:
    return {a.key: a.shown_network for a in settings.accounts}


def _entry(row: sqlite3.Row, shown: dict[str, str]) -> dict:
    entry = dict(row)
    for key in _TIMES:
        entry[key] = from_db(entry[key])
    entry["shown_network"] = shown.get(entry["account"], entry["network"])
    entry["author_label"] = author_label(
        entry["author_handle"], entry["author_name"], bool(entry["author_erased"])
    )
    return entry


def author_label(handle: str | None, name: str | None, erased: bool = False) -> str:
    """Who wrote a message, as staff recognise them: "Jeanne (@jeanne_m)"; never empty."""
    if erased:
        return "(personne effacée)"
    handle = handle.lstrip("@") if handle else None
    if handle and name and name.lstrip("@") != handle:
        return f"{name} (@{handle})"
    if handle:
        return f"@{handle}"
    return name or "(auteur inconnu)"


def fts_query(text: str) -> str:
    """Citizen-proof FTS5 query: every word quoted, prefix-matched, all required."""
    words = [w.replace('"', '""') for w in text.split() if w.strip('"')]
    return " ".join(f'"{w}"*' for w in words)


@dataclass(frozen=True)
class Filters:
    networks: tuple[str, ...] = ()  # shown networks (a sandbox account counts as what it simulates)
    themes: tuple[str, ...] = ()  # theme names; "" stands for "no theme"
    statuses: Sequence[str] = OPEN
    assignee: str | None = None  # a username, or "" for "nobody"
    service: str | None = None
    overdue_only: bool = False
    search: str | None = None


def list_entries(
    conn: sqlite3.Connection,
    settings: Settings,
    filters: Filters = Filters(),  # noqa: B008 (frozen)
    *,
    now: datetime,
    limit: int = 200,
    offset: int = 0,
) -> list[dict]:
    """Items matching the filters: urgent first, then earliest deadline, then priority.

    ``offset`` pages through a long list; the order is total (ties end on the item id), so
    consecutive pages never repeat or skip a row while nothing changes.
    """
    where, params = [], []
    statuses = list(filters.statuses) or list(OPEN)
    only_open = set(statuses) <= set(OPEN)
    if only_open:
        # Spelled as constants so SQLite can use the partial index on open rows.
        where.append("q.status IN ('new', 'assigned')")
    where.append(f"q.status IN ({', '.join('?' for _ in statuses)})")
    params += statuses
    shown = _shown_networks(settings)
    if filters.networks:
        accounts = [k for k, net in shown.items() if net in filters.networks]
        unknown = list(filters.networks)  # items of accounts no longer configured
        where.append(
            f"(i.account IN ({', '.join('?' for _ in accounts) or 'NULL'}) "
            f"OR (i.account NOT IN ({', '.join('?' for _ in shown) or 'NULL'}) "
            f"AND i.network IN ({', '.join('?' for _ in unknown)})))"
        )
        params += [*accounts, *shown, *unknown]
    if filters.themes:
        where.append(f"coalesce(q.theme, '') IN ({', '.join('?' for _ in filters.themes)})")
        params += list(filters.themes)
    if filters.assignee is not None:
        where.append("coalesce(q.assignee, '') = ?")
        params.append(filters.assignee)
    if filters.service is not None:
        where.append("q.service = ?")
        params.append(filters.service)
    if filters.overdue_only:
        where.append("q.due_at IS NOT NULL AND q.due_at <= ?")
        params.append(to_db(now))
    if filters.search and (match := fts_query(filters.search)):
        where.append("q.item_id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        params.append(match)
    if only_open:
        # The work list: urgent items on top whatever their deadline (at night an urgent
        # item's business deadline is tomorrow morning, but it is a danger now), then the
        # earliest deadline (which already weighs the priority).
        order = (
            " ORDER BY q.priority != 'urgent', q.due_at IS NULL, q.due_at, "
            "CASE q.priority WHEN 'urgent' THEN 0 "
            "WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, i.created_at DESC, q.id "
            "LIMIT ? OFFSET ?"
        )
    else:
        # Browsing answered or closed messages: newest first, walking items_created.
        order = " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?"
    sql = _ENTRY_SQL + " WHERE " + " AND ".join(where) + order
    rows = conn.execute(sql, (*params, limit, offset)).fetchall()
    return [_entry(r, shown) for r in rows]


def get_entry(conn: sqlite3.Connection, settings: Settings, queue_id: int) -> dict | None:
    row = conn.execute(_ENTRY_SQL + " WHERE q.id = ?", (queue_id,)).fetchone()
    return _entry(row, _shown_networks(settings)) if row else None


def entries_by_ids(conn, settings: Settings, queue_ids: Sequence[int]) -> list[dict]:
    shown = _shown_networks(settings)
    found = []
    for start in range(0, len(queue_ids), 500):
        chunk = list(queue_ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        rows = conn.execute(_ENTRY_SQL + f" WHERE q.id IN ({marks})", chunk).fetchall()
        found += [_entry(r, shown) for r in rows]
    found.sort(key=lambda e: (e["due_at"] is None, e["due_at"] or e["created_at"]))
    return found


def thread(conn: sqlite3.Connection, entry: dict, limit: int = 60) -> list[dict]:
    """The conversation around an item, oldest first: the city's post, the item's parent,
    this citizen's messages in the thread and the city's answers to them.

    Other people's comments under the same post are left out: on a busy post they would
    drown the exchange the manager is answering. Three indexed lookups (the roots, the
    thread, the replies), the latest ``limit`` kept: a post with thousands of comments
    stays one quick query.
    """
    keys = sorted({k for k in (entry["thread_external_id"], entry["parent_external_id"]) if k})
    keys = [entry["external_id"], *[k for k in keys if k != entry["external_id"]]]
    marks = ", ".join("?" for _ in keys)
    select = (
        "SELECT i.id, i.kind, i.direction, i.text, i.created_at, i.permalink, i.external_id, "
        "i.parent_external_id, i.member_id, "
        "m.handle AS author_handle, m.display_name AS author_name "
        "FROM items i LEFT JOIN members m ON m.id = i.member_id "
    )
    network, member = entry["network"], entry["member_id"]
    roots = conn.execute(
        select + f"WHERE i.network = ? AND i.external_id IN ({marks})",  # noqa: S608
        (network, *keys),
    ).fetchall()
    around_sql = f"""{select} WHERE i.id IN (
            SELECT id FROM items WHERE network = ? AND thread_external_id IN ({marks})
            UNION SELECT id FROM items WHERE network = ? AND parent_external_id IN ({marks}))
          AND (i.direction = 'out' OR i.member_id IS ?)
        ORDER BY i.created_at DESC, i.id DESC LIMIT ?"""  # noqa: S608 (placeholders only)
    around = conn.execute(around_sql, (network, *keys, network, *keys, member, limit)).fetchall()
    theirs = {r["external_id"] for r in around if r["direction"] == "in"} | set(keys)
    found = {r["id"]: r for r in roots}
    for r in around:
        private = entry["kind"] == "dm"
        if r["direction"] == "in" or private or r["parent_external_id"] in theirs:
            found[r["id"]] = r
    ordered = sorted(found.values(), key=lambda r: (r["created_at"], r["id"]))
    return [{**dict(r), "created_at": from_db(r["created_at"])} for r in ordered]


def citizen_history(
    conn: sqlite3.Connection, member_id: int | None, *, exclude_item: int, limit: int = 20
) -> list[dict]:
    """The citizen's latest messages to the city and what became of them."""
    if member_id is None:
        return []
    rows = conn.execute(
        """
        SELECT i.id, i.kind, i.text, i.created_at, q.status, q.theme, q.replied_by
        FROM items i LEFT JOIN queue q ON q.item_id = i.id
        WHERE i.member_id = ? AND i.id <> ? ORDER BY i.created_at DESC LIMIT ?
        """,
        (member_id, exclude_item, limit),
    ).fetchall()
    return [{**dict(r), "created_at": from_db(r["created_at"])} for r in rows]


def history(conn: sqlite3.Connection, queue_id: int) -> list[dict]:
    """Every action on the item, oldest first (audit is the history; nothing is erased)."""
    rows = conn.execute(
        "SELECT at, actor, action, detail FROM audit WHERE target_kind = 'queue' "
        "AND target_id = ? ORDER BY id",
        (str(queue_id),),
    ).fetchall()
    return [
        {
            "at": from_db(r["at"]),
            "actor": r["actor"],
            "action": r["action"],
            "detail": json.loads(r["detail"]) if r["detail"] else {},
        }
        for r in rows
    ]


@dataclass(frozen=True)
class Counters:
    open: int
    overdue: int
    answered_today: int
    median_response_seconds_week: float | None


def local_midnight(settings: Settings, now: datetime, *, week: bool = False) -> datetime:
    local = now.astimezone(settings.tz)
    day = local.date() - timedelta(days=local.weekday() if week else 0)
    return datetime.combine(day, datetime.min.time(), tzinfo=settings.tz)


def counters(conn: sqlite3.Connection, settings: Settings, now: datetime) -> Counters:
    stamp = to_db(now)
    open_count, overdue = conn.execute(
        "SELECT count(*), coalesce(sum(due_at <= ?), 0) FROM queue "
        "WHERE status IN ('new', 'assigned')",
        (stamp,),
    ).fetchone()
    today = to_db(local_midnight(settings, now))
    answered = conn.execute(
        "SELECT count(*) FROM queue WHERE replied_at >= ? AND replied_at <= ?", (today, stamp)
    ).fetchone()[0]
    week = to_db(local_midnight(settings, now, week=True))
    times = [
        r[0]
        for r in conn.execute(
            "SELECT response_seconds FROM queue WHERE replied_at >= ? AND replied_at <= ? "
            "AND response_seconds IS NOT NULL",
            (week, stamp),
        )
    ]
    median = statistics.median(times) if times else None
    return Counters(open_count, overdue, answered, median)
