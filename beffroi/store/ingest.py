"""Persisting collected data: items, their authors, reactions and shares, rejects, cursors.

Only persistence: what an item means for the response queue (triage, queue rows,
conversations) is the inbox's business (``beffroi.inbox.ingest_page``), which owns the
page's transaction and calls these functions inside it. None of them opens a transaction
or calls back into another room.

Every write is an upsert keyed on the platform's ids, so saving a page twice changes
nothing but the counters that really changed (likes, replies). And the store accepts
whatever a parser accepted: a lone surrogate in a text, an id or a name, a count past
SQLite's 64-bit integers, a permalink that is not a string. Texts and names get U+FFFD in
place of a lone surrogate, ids and cursors a visible ``\\udXXX`` escape (two different ids
stay different), raw payloads are kept as escaped JSON, impossible counts and permalinks
become NULL. An item that still cannot be stored comes back in ``SavedItems.rejected``
with its reason, to become a ``rejected_payloads`` row: the rest of its page is saved.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Any

from beffroi.store.times import now_utc, to_db

if TYPE_CHECKING:
    from beffroi.collectors import Interaction, Item, Rejected

_INT64 = (-(2**63), 2**63 - 1)


@dataclass(frozen=True)
class Unstorable:
    """An item the store could not write, kept as a reject (same fields as ``Rejected``)."""

    payload: Any
    reason: str


@dataclass(frozen=True)
class SavedItems:
    """What ``save_items`` did with a list of items."""

    fetched: int
    new: tuple[tuple[int, Item], ...]  # (items.id, item) stored for the first time, in order
    rejected: tuple[Unstorable, ...] = ()  # items that could not be stored, and why

    @property
    def new_ids(self) -> tuple[int, ...]:
        return tuple(item_id for item_id, _ in self.new)


# ---------------------------------------------------------------- sanitising


def _storable(text: str) -> bool:
    """Whether SQLite can take the text as UTF-8 (it holds no lone surrogate)."""
    if text.isascii():
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_text(value: Any) -> str | None:
    """A text SQLite can store: lone surrogates replaced by U+FFFD (pairs recombined)."""
    if value is None:
        return None
    if type(value) is not str:
        raise TypeError(f"expected a text, got {type(value).__name__}")
    if _storable(value):
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def clean_id(value: Any) -> str | None:
    """An id or cursor SQLite can store: an int as text, lone surrogates escaped."""
    if value is None:
        return None
    if type(value) is int:
        return str(value)
    if type(value) is not str:
        raise TypeError(f"expected an id, got {type(value).__name__}")
    if _storable(value):
        return value
    return value.encode("utf-8", "backslashreplace").decode("utf-8")


def _count(value: Any) -> int | None:
    """A like or reply count, or NULL when it is not a number SQLite can hold."""
    if type(value) is int and _INT64[0] <= value <= _INT64[1]:
        return value
    return None


def _link(value: Any) -> str | None:
    """A permalink; anything but a string (a list, an object) is not a link: NULL."""
    if type(value) is not str:
        return None
    return clean_text(value)


def _plain(value: Any, depth: int = 0) -> Any:
    """A copy of ``value`` that ``json.dumps`` accepts: bounded depth, text keys, huge
    integers as hexadecimal text (Python refuses to write more than 4,300 digits)."""
    if depth > 100:
        return "<nested too deep>"
    if isinstance(value, dict):
        return {str(k): _plain(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v, depth + 1) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > 10**4000:
        return hex(value)
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def to_json(value: Any) -> str | None:
    """Any payload as JSON text SQLite can store (never raises).

    Non-ASCII stays readable; a payload holding a lone surrogate is written with ASCII
    escapes (``\\ud83d``), which is still exactly the payload. A payload ``json`` cannot
    write (too deep, a 5,000-digit number, keys of mixed types) is written from a bounded
    copy (``_plain``)."""
    if value is None:
        return None
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    except (TypeError, ValueError, RecursionError):
        try:
            text = json.dumps(_plain(value), ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError, RecursionError) as exc:  # pragma: no cover
            return json.dumps({"unreadable payload": type(exc).__name__})
    if _storable(text):
        return text
    return json.dumps(json.loads(text), ensure_ascii=True, sort_keys=True)


def _payload_of(item: Any) -> Any:
    """What is kept of an item that could not be stored: its raw payload, or its fields."""
    raw = getattr(item, "raw", None)
    if raw is not None:
        return raw
    fields = getattr(item, "__dataclass_fields__", None)
    if fields:
        return {name: getattr(item, name, None) for name in fields}
    return item


# ---------------------------------------------------------------- members


def _upsert_author(conn: sqlite3.Connection, author: Any, seen: str) -> tuple[int, bool]:
    """The member's id, and whether their data was erased (their names stay blank)."""
    row = conn.execute(
        _MEMBER_UPSERT + " RETURNING id, erased_at IS NOT NULL",
        (
            clean_id(author.network),
            clean_id(author.external_id),
            clean_text(author.handle),
            clean_text(author.display_name),
            clean_text(getattr(author, "profile", None)),
            seen,
            seen,
        ),
    ).fetchone()
    return row[0], bool(row[1])


_MEMBER_UPSERT = """
INSERT INTO members (network, external_id, handle, display_name, profile, first_seen_at,
                     last_seen_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (network, external_id) DO UPDATE SET
    handle = CASE WHEN members.erased_at IS NULL
                  THEN coalesce(excluded.handle, members.handle) END,
    display_name = CASE WHEN members.erased_at IS NULL
                        THEN coalesce(excluded.display_name, members.display_name) END,
    profile = CASE WHEN members.erased_at IS NULL
                   THEN coalesce(excluded.profile, members.profile) END,
    first_seen_at = min(members.first_seen_at, excluded.first_seen_at),
    last_seen_at = max(members.last_seen_at, excluded.last_seen_at)
"""


def _ensure_account(conn: sqlite3.Connection, account: str, network: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO accounts (key, network, handle) VALUES (?, ?, ?)",
        (account, network, account),
    )


# ---------------------------------------------------------------- items

_ITEM_INSERT = """
INSERT INTO items (network, account, external_id, kind, direction, member_id, text,
                   created_at, permalink, parent_external_id, thread_external_id,
                   like_count, reply_count, raw, collected_at)
VALUES (?1, ?2, ?3, ?4, ?5,
        CASE WHEN ?15 IS NOT NULL
             THEN (SELECT id FROM members WHERE network = ?1 AND external_id = ?15) END,
        ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT (network, external_id) DO NOTHING
"""
_COUNTERS_UPDATE = """
UPDATE items SET like_count = coalesce(?1, like_count), reply_count = coalesce(?2, reply_count)
WHERE network = ?3 AND external_id = ?4
  AND (like_count IS NOT coalesce(?1, like_count) OR reply_count IS NOT coalesce(?2, reply_count))
"""
_IDS_OF = "SELECT external_id, id FROM items WHERE network = ? AND external_id IN (SELECT value FROM json_each(?))"


def _item_row(item: Item, account: str, stamp: str) -> tuple:
    """The item's ``items`` row (parameters of ``_ITEM_INSERT``), sanitised; raises
    TypeError/ValueError/... for an item that cannot be stored."""
    author = item.author
    author_id = None
    if author is not None and item.direction == "in" and author.external_id:
        author_id = clean_id(author.external_id)
    return (
        clean_id(item.network),
        account,
        clean_id(item.external_id),
        item.kind,
        item.direction,
        clean_text(item.text) or "",
        to_db(item.created_at),
        _link(item.permalink),
        clean_id(item.parent_external_id),
        clean_id(item.thread_external_id),
        _count(item.like_count),
        _count(item.reply_count),
        to_json(item.raw),
        stamp,
        author_id,
    )


def _as_stored(item: Item, row: tuple) -> Item:
    """The item as its row holds it (ids escaped, texts cleaned): what the inbox's work on
    new items (threads, queue rows, members) looks up and writes must be what was stored,
    or a lone surrogate in a parent's id fails that work after the item was saved."""
    author = item.author
    if author is not None:
        known = author.external_id
        author = replace(
            author,
            external_id=clean_id(known) if type(known) in (str, int) else known,
            handle=clean_text(author.handle),
            display_name=clean_text(author.display_name),
        )
    return replace(
        item,
        external_id=row[2],
        text=row[5],
        parent_external_id=row[8],
        thread_external_id=row[9],
        author=author,
    )


def save_items(
    conn: sqlite3.Connection,
    account: str,
    items: Iterable[Item],
    *,
    now: datetime | None = None,
) -> SavedItems:
    """Upsert items and their authors inside the caller's transaction.

    Items already stored only move their counters. An item that cannot be stored is
    returned in ``rejected`` (nothing of it is written) and the others are saved. Work is
    done by page, not by item (one ``executemany`` per table), which keeps ingestion close to
    bare inserts into the same schema (``benchmarks/bench_ingest.py``)."""
    stamp = to_db(now or now_utc())
    fetched = 0
    rows: list[tuple] = []
    kept: list[Item] = []
    rejected: list[Unstorable] = []
    for item in items:
        fetched += 1
        try:
            row = _item_row(item, account, stamp)
            if not row[2]:
                raise ValueError("no platform id")
            author = item.author if row[14] is not None else None
            member = None
            if author is not None:
                member = (
                    row[0],
                    row[14],
                    clean_text(author.handle),
                    clean_text(author.display_name),
                    clean_text(getattr(author, "profile", None)),
                    row[6],
                    row[6],
                )
            stored = _as_stored(item, row)
        except (AttributeError, TypeError, ValueError, OverflowError) as exc:
            name = getattr(item, "external_id", None)
            reason = f"item {clean_id(name) if isinstance(name, (str, int)) else '?'} cannot be stored: {exc}"
            rejected.append(Unstorable(_payload_of(item), reason))
            continue
        rows.append(row if member is None else (*row, member))
        kept.append(stored)
    if not rows:
        return SavedItems(fetched, (), tuple(rejected))

    for network in {row[0] for row in rows}:
        _ensure_account(conn, account, network)
    members = [row[15] for row in rows if len(row) == 16]
    if members:
        conn.executemany(_MEMBER_UPSERT, members)

    by_network: dict[str, list[int]] = {}
    for index, row in enumerate(rows):
        by_network.setdefault(row[0], []).append(index)
    existing: set[tuple[str, str]] = set()
    for network, indexes in by_network.items():
        ids = json.dumps([rows[i][2] for i in indexes])
        existing.update((network, r[0]) for r in conn.execute(_IDS_OF, (network, ids)))

    inserts, updates, fresh = [], [], []
    seen_now: set[tuple[str, str]] = set()
    for index, row in enumerate(rows):
        key = (row[0], row[2])
        if key in existing or key in seen_now:
            updates.append((row[10], row[11], row[0], row[2]))
        else:
            seen_now.add(key)
            inserts.append(row[:15])
            fresh.append(index)
    if inserts:
        conn.executemany(_ITEM_INSERT, inserts)
    if updates:
        conn.executemany(_COUNTERS_UPDATE, updates)
    if not fresh:
        return SavedItems(fetched, (), tuple(rejected))

    new_ids: dict[tuple[str, str], int] = {}
    for network in {rows[i][0] for i in fresh}:
        ids = json.dumps([rows[i][2] for i in fresh if rows[i][0] == network])
        new_ids.update(((network, r[0]), r[1]) for r in conn.execute(_IDS_OF, (network, ids)))
    new = tuple((new_ids[(rows[i][0], rows[i][2])], kept[i]) for i in fresh)
    return SavedItems(fetched, new, tuple(rejected))


# ---------------------------------------------------------------- the rest of a page


def save_rejected(
    conn: sqlite3.Connection,
    account: str,
    stream: str,
    rejected: Iterable[Rejected | Unstorable],
    now: datetime | None = None,
) -> int:
    """Keep payloads that could not become items (any payload: it is written as escaped
    JSON); the same payload rejected twice is one row. Inside the caller's transaction."""
    stamp = to_db(now or now_utc())
    count = 0
    for entry in rejected:
        payload = to_json(entry.payload) or "null"
        digest = hashlib.sha256(payload.encode()).hexdigest()
        reason = entry.reason if isinstance(entry.reason, str) else repr(entry.reason)
        conn.execute(
            """
            INSERT INTO rejected_payloads (account, stream, reason, payload, digest, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (account, stream, digest) DO UPDATE SET reason = excluded.reason
            """,
            (account, stream, clean_text(reason), payload, digest, stamp),
        )
        count += 1
    return count


def save_cursor(
    conn: sqlite3.Connection,
    account: str,
    stream: str,
    cursor: str | None,
    now: datetime | None = None,
) -> None:
    """Store the stream's position; a ``None`` cursor keeps the stored one (an idle pass
    never rewinds the stream). Inside the caller's transaction."""
    conn.execute(
        """
        INSERT INTO cursors (account, stream, cursor, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (account, stream) DO UPDATE SET
            cursor = coalesce(excluded.cursor, cursors.cursor), updated_at = excluded.updated_at
        """,
        (account, stream, clean_id(cursor), to_db(now or now_utc())),
    )


def save_interactions_seen(
    conn: sqlite3.Connection, account: str, interactions: Iterable[Interaction]
) -> tuple[int, int]:
    """Upsert reactions and shares inside the caller's transaction; return (seen, new).

    The person is upserted as a member, like the author of a comment. Someone whose data
    was erased is not recorded again: the network may still list their like, the city
    no longer keeps it.
    """
    seen = new = 0
    for interaction in interactions:
        seen += 1
        _ensure_account(conn, account, interaction.network)
        created = to_db(interaction.created_at)
        member_id, erased = _upsert_author(conn, interaction.author, created)
        if erased:
            continue
        new += conn.execute(
            """
            INSERT INTO interactions (member_id, account, kind, target_external_id,
                                      created_at, permalink)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (member_id, kind, target_external_id) DO NOTHING
            """,
            (
                member_id,
                account,
                interaction.kind,
                clean_id(interaction.target_external_id),
                created,
                _link(interaction.permalink),
            ),
        ).rowcount
    return seen, new


def get_cursor(conn: sqlite3.Connection, account: str, stream: str) -> str | None:
    row = conn.execute(
        "SELECT cursor FROM cursors WHERE account = ? AND stream = ?", (account, stream)
    ).fetchone()
    return row[0] if row else None
