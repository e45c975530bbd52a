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


# Newest-first searches look at the matches of the last few days first, then widen: the
# rows newest first above a date bound are the first rows of the whole list, as soon as
# there are enough of them. The last step has no bound (a rare word: few matches anyway).
SEARCH_WINDOWS_DAYS = (3, 30, 180, None)  # the sizes the tests force; see _useful_windows
FEW_MATCHES = 2000  # so few matches that reading them all is quicker than widening windows


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

    A full-text search never collects every match of a common word: on the open list it
    reads only the matches from the oldest open item on (the open rows are few and
    recent); newest first, it reads the matches of a widening window of days and stops at
    the first window holding a full page (see ``_useful_windows``).
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
    match = fts_query(filters.search) if filters.search else ""
    most, one_arm = float("inf"), False
    if match:
        match, most = _expanded_match(conn, filters.search)
        if not match:
            return []
        # A word left as a prefix costs a whole doclist merge per arm: read one range.
        one_arm = '"*' in match
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
    if not match:
        sql = _ENTRY_SQL + " WHERE " + " AND ".join(where) + order
        rows = conn.execute(sql, (*params, limit, offset)).fetchall()
        return [_entry(r, shown) for r in rows]
    if only_open:
        ranges = _id_ranges(
            conn, "SELECT item_id AS id FROM queue WHERE status IN ('new', 'assigned')"
        )
        ranges = _one_range(ranges) if one_arm else ranges
        sql = _ENTRY_SQL + " WHERE " + " AND ".join([*where, _fts_in(ranges)]) + order
        rows = conn.execute(sql, (*params, *_fts_params(match, ranges), limit, offset)).fetchall()
        return [_entry(r, shown) for r in rows]
    if most > FEW_MATCHES and not one_arm:
        rows = _newest_by_id(conn, where, params, match, limit, offset)
        if rows is not None:
            return [_entry(r, shown) for r in rows]
    windows = _useful_windows(conn, now, most, limit + offset)
    if one_arm:  # each window would merge the prefix's whole doclists again: one try
        windows = (*windows[:1], None) if windows[0] is not None else (None,)
    rows = _newest_matches(conn, where, params, match, now, limit, offset, windows, one_arm)
    return [_entry(r, shown) for r in rows]


# Ids closer than this are read as one range of the FTS index; at most this many ranges.
RANGE_GAP, MAX_RANGES = 512, 12


def _id_ranges(conn: sqlite3.Connection, ids_sql: str, params=()) -> list[tuple[int, int]]:
    """The ids ``ids_sql`` selects, as a few (first, last) ranges that hold them all.

    Item ids follow collection order: time order pass after pass (one dense range, found
    in SQL), but stream after stream in a first backfill. Then the biggest gaps between
    consecutive ids split the ranges, so the FTS index is read only where the items are.
    """
    low, high, count = conn.execute(
        f"SELECT min(id), max(id), count(*) FROM ({ids_sql})",  # noqa: S608
        params,
    ).fetchone()
    if low is None:
        return []
    if high - low < 2 * count + RANGE_GAP:
        return [(low, high)]
    ids = sorted(r[0] for r in conn.execute(ids_sql, params))
    gaps = sorted(
        ((ids[k + 1] - ids[k], k) for k in range(len(ids) - 1) if ids[k + 1] - ids[k] > RANGE_GAP),
        reverse=True,
    )[: MAX_RANGES - 1]
    ranges, start = [], 0
    for _, k in sorted(gaps, key=lambda g: g[1]):
        ranges.append((ids[start], ids[k]))
        start = k + 1
    ranges.append((ids[start], ids[-1]))
    return ranges


# A prefix word ("poubelle"*) is matched by FTS5 by merging the whole doclists of every
# term that starts with it, whatever the rowid bounds: the cost of a common word grows with
# history. Spelled as its few exact terms (poubelle OR poubelles), each term's doclist is
# read only within the bounds. Short prefixes (many terms) keep FTS5's own prefix search.
MIN_EXPANDED_PREFIX, MAX_EXPANDED_TERMS = 3, 40


_TERMS_CACHE: dict[tuple, list[tuple[str, int]]] = {}


def _index_version(conn: sqlite3.Connection) -> tuple:
    """Which state of the FTS index this is: its file and its structure record, which FTS5
    rewrites (with a write counter) on every change, so a new term is never missed."""
    path = conn.execute("PRAGMA database_list").fetchone()[2]
    row = conn.execute("SELECT block FROM items_fts_data WHERE id = 10").fetchone()
    return (path, bytes(row[0]) if row else b"")


def _terms_starting(conn: sqlite3.Connection, prefix: str, version: tuple):
    """(term, documents) of the index's terms starting with ``prefix``, at most one more
    than MAX_EXPANDED_TERMS; reading the vocabulary decodes each term's doclist, so it is
    kept until the index changes (the next page of the same search reads nothing)."""
    key = (version, prefix, MAX_EXPANDED_TERMS)
    if key not in _TERMS_CACHE:
        if len(_TERMS_CACHE) > 256:
            _TERMS_CACHE.clear()
        _TERMS_CACHE[key] = [
            (r[0], r[1])
            for r in conn.execute(
                "SELECT term, doc FROM temp.search_vocabulary WHERE term >= ? AND term < ? LIMIT ?",
                (prefix, prefix + "\U0010ffff", MAX_EXPANDED_TERMS + 1),
            )
            if r[0].startswith(prefix)
        ]
    return _TERMS_CACHE[key]


def _expanded_match(conn: sqlite3.Connection, text: str) -> tuple[str, float]:
    """``fts_query(text)`` with each one-token word spelled as its exact indexed terms,
    and at most how many items match (``inf`` when no word could be spelled out).

    Same matches: a prefix query matches exactly the documents holding one of the indexed
    terms that start with the prefix, and those terms are read from the index's own
    vocabulary; the word is split and folded by a scratch FTS5 table with the same
    tokenizer, so "École" is looked up as "ecole" as the index stores it.
    """
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_words USING fts5(word, "
        "tokenize='unicode61 remove_diacritics 2')"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_tokens "
        "USING fts5vocab(temp, search_words, instance)"
    )
    conn.execute(
        "CREATE VIRTUAL TABLE IF NOT EXISTS temp.search_vocabulary "
        "USING fts5vocab(main, items_fts, row)"
    )
    parts, most = [], float("inf")
    version = _index_version(conn)
    for word in text.split():
        if not word.strip('"'):
            continue
        quoted = word.replace('"', '""')
        conn.execute("DELETE FROM temp.search_words")
        conn.execute("INSERT INTO temp.search_words (rowid, word) VALUES (1, ?)", (word,))
        tokens = [r[0] for r in conn.execute("SELECT term FROM temp.search_tokens")]
        if len(tokens) != 1 or len(tokens[0]) < MIN_EXPANDED_PREFIX:
            parts.append(f'"{quoted}"*')
            continue
        found = _terms_starting(conn, tokens[0], version)
        if len(found) > MAX_EXPANDED_TERMS:
            parts.append(f'"{quoted}"*')
        elif not found:
            conn.execute("DELETE FROM temp.search_words")
            return "", 0  # a word found nowhere: nothing matches
        else:
            terms = " OR ".join('"' + t.replace('"', '""') + '"' for t, _ in found)
            parts.append(f"({terms})")
            most = min(most, sum(doc for _, doc in found))
    conn.execute("DELETE FROM temp.search_words")
    return " AND ".join(parts), most


def _one_range(ranges: list[tuple[int, int]]) -> list[tuple[int, int]]:
    return [(ranges[0][0], ranges[-1][1])] if ranges else []


def _fts_in(ranges: list[tuple[int, int]]) -> str:
    arms = " UNION ALL ".join(
        "SELECT rowid FROM items_fts WHERE items_fts MATCH ? AND rowid BETWEEN ? AND ?"
        for _ in ranges
    )
    return f"q.item_id IN ({arms or 'SELECT NULL WHERE 0'})"


def _fts_params(match: str, ranges: list[tuple[int, int]]) -> list:
    return [v for first, last in ranges for v in (match, first, last)]


def _useful_windows(conn, now, most: float, wanted: int) -> tuple[float | None, ...]:
    """The windows (in days) worth trying: none when the matches are few (read them all);
    else from the window where, spread evenly over the history, the matches would fill the
    page twice, widening eightfold while a window still spares most of the matches."""
    if most <= FEW_MATCHES:
        return (None,)
    first = conn.execute("SELECT min(created_at) FROM items").fetchone()[0]
    span = max(1.0, (now - from_db(first)).total_seconds() / 86400) if first else 1.0
    if most == float("inf"):  # no word spelled out: no estimate
        return SEARCH_WINDOWS_DAYS
    days, windows = max(1 / 24, 2 * max(wanted, 1) * span / most), []
    while days <= span / 4:
        windows.append(days)
        days *= 8
    return (*windows, None)


# How many of the newest matches (by id) a common word's page reads, as multiples of the
# rows wanted: a first try, then one wider one before the windows take over.
NEWEST_ID_FACTORS = (4, 32)


def _newest_by_id(conn, where, params, match, limit, offset) -> list[sqlite3.Row] | None:
    """A common word's newest-first page from its matches with the highest ids, or None
    when that cannot be proved to be the page (then the windows decide).

    FTS5 reads a word's matches by descending id at once and stops at a bound, whatever
    the word's frequency. Ids follow collection order, which is time order pass after
    pass but not in a first backfill, so the page read among the matches from id ``low``
    up is kept only if no item below ``low`` is newer than the page's last row: then no
    unread match can rank before it (an equal time ranks after it, its id being lower).
    That check reads ``items_created`` from the last row's time on, a few rows.
    """
    wanted = max(1, limit + offset)
    for factor in NEWEST_ID_FACTORS:
        ids = conn.execute(
            "SELECT rowid FROM items_fts WHERE items_fts MATCH ? ORDER BY rowid DESC LIMIT ?",
            (match, factor * wanted),
        ).fetchall()
        if not ids:
            return []
        low, every_match = ids[-1][0], len(ids) < factor * wanted
        ranges = [(low, 2**63 - 1)]
        sql = (
            _ENTRY_SQL
            + " WHERE "
            + " AND ".join([*where, _fts_in(ranges)])
            + " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?"
        )
        rows = conn.execute(sql, (*params, *_fts_params(match, ranges), limit, offset)).fetchall()
        if every_match:
            return rows
        if len(rows) < limit:
            continue  # the filters kept too few of these matches: read more of them
        newer_below = conn.execute(
            "SELECT 1 FROM items INDEXED BY items_created WHERE created_at > ? AND id < ? LIMIT 1",
            (rows[-1]["created_at"], low),
        ).fetchone()
        return None if newer_below else rows
    return None


def _newest_matches(
    conn, where, params, match, now, limit, offset, windows=SEARCH_WINDOWS_DAYS, one_arm=False
) -> list[sqlite3.Row]:
    """The page of a newest-first search, from the smallest window of days that fills it."""
    for days in windows:
        if days is None:
            ranges = [(-(2**63), 2**63 - 1)]
            clauses, extra = [*where, _fts_in(ranges)], ()
        else:
            bound = to_db(now - timedelta(days=days))
            ranges = _id_ranges(conn, "SELECT id FROM items WHERE created_at >= ?", (bound,))
            ranges = _one_range(ranges) if one_arm else ranges
            if not ranges:
                continue  # nothing that recent: widen
            clauses, extra = [*where, _fts_in(ranges), "i.created_at >= ?"], (bound,)
        sql = (
            _ENTRY_SQL
            + " WHERE "
            + " AND ".join(clauses)
            + " ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?"
        )
        values = (*params, *_fts_params(match, ranges), *extra, limit, offset)
        rows = conn.execute(sql, values).fetchall()
        # A full page inside the window: the window's newest rows head the whole list.
        if days is None or len(rows) == limit:
            return rows
    return []


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


def collision(conn: sqlite3.Connection, queue_id: int, username: str) -> dict | None:
    """The reply ``username`` wrote and could not send because a colleague answered first,
    while it is still theirs to use: ``text`` (what they wrote), ``at`` (when it was
    refused), ``first_by``, ``first_at`` and ``first_text`` (the colleague's reply, or None
    when it was closed or is still being sent). None once they sent a reply or gave it up.
    """
    row = conn.execute(
        "SELECT id, at, detail FROM audit WHERE target_kind = 'queue' AND target_id = ? "
        "AND actor = ? AND action = 'reply_collision' ORDER BY id DESC LIMIT 1",
        (str(queue_id), username),
    ).fetchone()
    if row is None:
        return None
    spent = conn.execute(
        "SELECT 1 FROM audit WHERE target_kind = 'queue' AND target_id = ? AND actor = ? "
        "AND action IN ('reply', 'reply_kept_dropped') AND id > ? LIMIT 1",
        (str(queue_id), username, row["id"]),
    ).fetchone()
    if spent:
        return None
    detail = json.loads(row["detail"]) if row["detail"] else {}
    first = conn.execute(
        "SELECT q.status, q.replied_by, q.replied_at, q.closed_by, q.closed_at, i.text "
        "FROM queue q LEFT JOIN items i ON i.id = q.reply_item_id WHERE q.id = ?",
        (queue_id,),
    ).fetchone()
    replied = first["status"] == "replied"
    return {
        "text": detail.get("text") or "",
        "at": from_db(row["at"]),
        "status": first["status"],
        "first_by": (first["replied_by"] if replied else first["closed_by"])
        or detail.get("first_by"),
        "first_at": from_db(first["replied_at"] if replied else first["closed_at"]),
        "first_text": first["text"] if replied else None,
    }


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
    # Replies are counted up to the end of ``now``'s minute: the dashboard asks as of the
    # current minute (its cache key), and a reply sent 30 s into it must count already.
    until = to_db(now.replace(second=0, microsecond=0) + timedelta(minutes=1))
    today = to_db(local_midnight(settings, now))
    answered = conn.execute(
        "SELECT count(*) FROM queue WHERE replied_at >= ? AND replied_at < ?", (today, until)
    ).fetchone()[0]
    week = to_db(local_midnight(settings, now, week=True))
    # In business hours, as the Rapports page: a Friday-evening message answered on Monday
    # morning was answered within minutes of the city's working time, not 63 hours.
    times = [
        r[0]
        for r in conn.execute(
            "SELECT business_response_seconds FROM queue WHERE replied_at >= ? AND replied_at < ? "
            "AND business_response_seconds IS NOT NULL",
            (week, until),
        )
    ]
    median = statistics.median(times) if times else None
    return Counters(open_count, overdue, answered, median)
