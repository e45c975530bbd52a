"""Main's (59cd8f0) full-text search, the oracle and the baseline of today's."""

from __future__ import annotations

from beffroi.inbox import views
from beffroi.store.queue import OPEN


def old_list_entries(conn, settings, filters, *, now, limit=200, offset=0):
    """``list_entries`` as it was on main (59cd8f0): the oracle."""
    where, params = [], []
    statuses = list(filters.statuses) or list(OPEN)
    only_open = set(statuses) <= set(OPEN)
    if only_open:
        where.append("q.status IN ('new', 'assigned')")
    where.append(f"q.status IN ({', '.join('?' for _ in statuses)})")
    params += statuses
    shown = views._shown_networks(settings)
    if filters.networks:
        accounts = [k for k, net in shown.items() if net in filters.networks]
        unknown = list(filters.networks)
        where.append(
            f"(i.account IN ({', '.join('?' for _ in accounts) or 'NULL'}) "
            f"OR (i.account NOT IN ({', '.join('?' for _ in shown) or 'NULL'}) "
            f"AND i.network IN ({', '.join('?' for _ in unknown)})))"
        )
        params += [*accounts, *shown, *unknown]
    if filters.themes:
        where.append(f"coalesce(q.theme, '') IN ({', '.join('?' for _ in filters.themes)})")
        params += list(filters.themes)
    if filters.search and (match := views.fts_query(filters.search)):
        where.append("q.item_id IN (SELECT rowid FROM items_fts WHERE items_fts MATCH ?)")
        params.append(match)
    if only_open:
        order = (
            " ORDER BY q.due_at IS NULL, q.due_at, CASE q.priority WHEN 'urgent' THEN 0 "
            "WHEN 'high' THEN 1 WHEN 'normal' THEN 2 ELSE 3 END, i.created_at DESC, q.id "
            "LIMIT ? OFFSET ?"
        )
    else:
        order = " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?"
    sql = views._ENTRY_SQL + " WHERE " + " AND ".join(where) + order
    rows = conn.execute(sql, (*params, limit, offset)).fetchall()
    return [views._entry(r, shown) for r in rows]
