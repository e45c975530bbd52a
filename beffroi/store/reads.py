"""Read helpers the dashboard shares with other rooms: the inbox list, the health panel.

Each returns plain picklable values (dataclasses, dicts), so the dashboard can cache them,
and pages through results with LIMIT/OFFSET instead of loading a table: a page of the inbox
costs the same with a thousand items or a million.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from beffroi.store.runs import latest_runs

# Shown for a queue row whose triage found no theme.
NO_THEME = ""


@dataclass(frozen=True)
class InboxFilters:
    """What the inbox list is narrowed to; an empty tuple means "all".

    ``accounts`` rather than networks: a network is shown per account (a simulated
    account shows the network it stands for), so the page turns a network into the keys of
    its accounts. ``themes`` may contain ``NO_THEME`` for untriaged or unthemed rows.
    """

    accounts: tuple[str, ...] = ()
    statuses: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()


@dataclass(frozen=True)
class InboxRow:
    queue_id: int
    item_id: int
    network: str
    account: str
    kind: str
    text: str
    created_at: str  # UTC, database text
    permalink: str | None
    handle: str | None
    display_name: str | None
    author_erased: bool
    status: str
    theme: str | None
    priority: str
    needs_reply: bool | None
    assignee: str | None
    due_at: str | None


_INBOX_SELECT = """
SELECT q.id AS queue_id, i.id AS item_id, i.network, i.account, i.kind, i.text, i.created_at,
       i.permalink, m.handle, m.display_name, m.erased_at IS NOT NULL AS author_erased,
       q.status, q.theme, q.priority, q.needs_reply, q.assignee, q.due_at
FROM items i JOIN queue q ON q.item_id = i.id
LEFT JOIN members m ON m.id = i.member_id
"""
_INBOX_ORDER = " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?"


def _in(column: str, values: tuple[str, ...], params: list) -> str:
    params.extend(values)
    return f"{column} IN ({', '.join('?' * len(values))})"


def _inbox_where(filters: InboxFilters) -> tuple[str, list]:
    clauses, params = [], []
    if filters.accounts:
        clauses.append(_in("i.account", filters.accounts, params))
    if filters.statuses:
        clauses.append(_in("q.status", filters.statuses, params))
    if filters.themes:
        named = tuple(t for t in filters.themes if t != NO_THEME)
        parts = [_in("q.theme", named, params)] if named else []
        if NO_THEME in filters.themes:
            parts.append("q.theme IS NULL")
        clauses.append("(" + " OR ".join(parts) + ")")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", params


def inbox_rows(
    conn: sqlite3.Connection,
    filters: InboxFilters = InboxFilters(),  # noqa: B008 (frozen, so sharing it is safe)
    limit: int = 50,
    offset: int = 0,
) -> list[InboxRow]:
    """One page of queued messages, newest first, with their author and queue state.

    The order (message time, then id) walks ``items_created`` (or
    ``items_account_created`` when filtered by account) backwards and stops after
    ``limit + offset`` matching rows. The WHERE clause is built from fixed fragments and
    ``?`` placeholders only; no value is ever spliced into the SQL.
    """
    where, params = _inbox_where(filters)
    sql = _INBOX_SELECT + where + _INBOX_ORDER  # noqa: S608 (fixed fragments, ? only)
    rows = conn.execute(sql, [*params, int(limit), int(offset)]).fetchall()
    return [
        InboxRow(
            queue_id=r["queue_id"],
            item_id=r["item_id"],
            network=r["network"],
            account=r["account"],
            kind=r["kind"],
            text=r["text"],
            created_at=r["created_at"],
            permalink=r["permalink"],
            handle=r["handle"],
            display_name=r["display_name"],
            author_erased=bool(r["author_erased"]),
            status=r["status"],
            theme=r["theme"],
            priority=r["priority"],
            needs_reply=None if r["needs_reply"] is None else bool(r["needs_reply"]),
            assignee=r["assignee"],
            due_at=r["due_at"],
        )
        for r in rows
    ]


def stream_health(conn: sqlite3.Connection) -> list[dict]:
    """The last finished run of every stream, as plain dicts (see ``latest_runs``)."""
    return [dict(row) for row in latest_runs(conn)]


def data_version(conn: sqlite3.Connection) -> int:
    """A number that changes whenever another connection commits to the database.

    Cheap (no table is read), so a dashboard can ask it on every rerun and refresh its
    caches only when something changed. Only comparable on the same connection.
    """
    return conn.execute("PRAGMA data_version").fetchone()[0]


def account_networks(conn: sqlite3.Connection) -> dict[str, str]:
    """Every account key seen in the database and its network (a handful of rows)."""
    return {r[0]: r[1] for r in conn.execute("SELECT key, network FROM accounts")}
