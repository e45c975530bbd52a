"""Writing collected pages: items, their authors, queue rows and the stream's cursor.

``save_page`` is the only way collected data enters the database. One page is one
transaction, cursor included, so a run that dies re-fetches at most one page; and every
write is an upsert keyed on the platform's ids, so saving a page twice changes nothing but
the counters that really changed (likes, replies).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from beffroi.store.connection import transaction
from beffroi.store.times import now_utc, to_db

if TYPE_CHECKING:
    from beffroi.collectors import Author, Interaction, Item, Rejected

QUEUED_KINDS = frozenset({"comment", "reply", "mention", "dm"})


@dataclass(frozen=True)
class QueueFields:
    """What triage decides for a new inbound item (see ``beffroi.inbox.triage``)."""

    needs_reply: bool | None = None
    triage_rule: str | None = None
    theme: str | None = None
    priority: str = "normal"
    due_at: datetime | None = None
    secondary_themes: tuple[str, ...] = ()
    theme_rule: str | None = None
    tone: str | None = None
    tone_rule: str | None = None


# Called inside the page's transaction for each new inbound queued item.
Triage = Callable[["Item"], QueueFields]
# Called inside the transaction after each new item is stored (queue closing, reopening...).
AfterInsert = Callable[[sqlite3.Connection, int, "Item"], None]


@dataclass(frozen=True)
class IngestHooks:
    """What the inbox does to each new item inside its page's transaction."""

    triage: Triage | None = None
    after_insert: AfterInsert | None = None


@dataclass(frozen=True)
class SaveResult:
    fetched: int
    new: int
    rejected: int
    new_item_ids: tuple[int, ...] = ()


def _json(value: Any) -> str | None:
    if value is None:
        return None
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def _upsert_member(conn: sqlite3.Connection, item: Item, seen: str) -> int | None:
    author = item.author
    if author is None or item.direction != "in" or not author.external_id:
        return None
    return _upsert_author(conn, author, seen)[0]


def _upsert_author(conn: sqlite3.Connection, author: Author, seen: str) -> tuple[int, bool]:
    """The member's id, and whether their data was erased (their names stay blank)."""
    row = conn.execute(
        """
        INSERT INTO members (network, external_id, handle, display_name, first_seen_at, last_seen_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (network, external_id) DO UPDATE SET
            handle = CASE WHEN members.erased_at IS NULL
                          THEN coalesce(excluded.handle, members.handle) END,
            display_name = CASE WHEN members.erased_at IS NULL
                                THEN coalesce(excluded.display_name, members.display_name) END,
            first_seen_at = min(members.first_seen_at, excluded.first_seen_at),
            last_seen_at = max(members.last_seen_at, excluded.last_seen_at)
        RETURNING id, erased_at IS NOT NULL
        """,
        (author.network, author.external_id, author.handle, author.display_name, seen, seen),
    ).fetchone()
    return row[0], bool(row[1])


def _ensure_account(conn: sqlite3.Connection, account: str, network: str) -> None:
    conn.execute(
        "INSERT OR IGNORE INTO accounts (key, network, handle) VALUES (?, ?, ?)",
        (account, network, account),
    )


def save_items(
    conn: sqlite3.Connection,
    account: str,
    items: Iterable[Item],
    *,
    triage: Triage | None = None,
    after_insert: AfterInsert | None = None,
    now: datetime | None = None,
) -> tuple[int, list[int]]:
    """Upsert items inside the caller's transaction; return (fetched, ids of new items)."""
    stamp = to_db(now or now_utc())
    fetched, new_ids = 0, []
    for item in items:
        fetched += 1
        _ensure_account(conn, account, item.network)
        created = to_db(item.created_at)
        member_id = _upsert_member(conn, item, created)
        row = conn.execute(
            """
            INSERT INTO items (network, account, external_id, kind, direction, member_id, text,
                               created_at, permalink, parent_external_id, thread_external_id,
                               like_count, reply_count, raw, collected_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (network, external_id) DO NOTHING
            RETURNING id
            """,
            (
                item.network,
                account,
                item.external_id,
                item.kind,
                item.direction,
                member_id,
                item.text or "",
                created,
                item.permalink,
                item.parent_external_id,
                item.thread_external_id,
                item.like_count,
                item.reply_count,
                _json(item.raw),
                stamp,
            ),
        ).fetchone()
        if row is None:
            # Already stored: only the mutable counters may move.
            conn.execute(
                """
                UPDATE items SET like_count = coalesce(?, like_count),
                                 reply_count = coalesce(?, reply_count)
                WHERE network = ? AND external_id = ?
                  AND (like_count IS NOT coalesce(?, like_count)
                       OR reply_count IS NOT coalesce(?, reply_count))
                """,
                (
                    item.like_count,
                    item.reply_count,
                    item.network,
                    item.external_id,
                    item.like_count,
                    item.reply_count,
                ),
            )
            continue
        item_id = row[0]
        new_ids.append(item_id)
        if item.direction == "in" and item.kind in QUEUED_KINDS:
            fields = triage(item) if triage else QueueFields()
            conn.execute(
                """
                INSERT INTO queue (item_id, status, needs_reply, triage_rule, theme, priority,
                                   due_at, secondary_themes, theme_rule, tone, tone_rule,
                                   created_at, updated_at)
                VALUES (?, 'new', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
                (
                    item_id,
                    None if fields.needs_reply is None else int(fields.needs_reply),
                    fields.triage_rule,
                    fields.theme,
                    fields.priority,
                    to_db(fields.due_at),
                    ",".join(fields.secondary_themes) or None,
                    fields.theme_rule,
                    fields.tone,
                    fields.tone_rule,
                    stamp,
                    stamp,
                ),
            )
        if after_insert is not None:
            after_insert(conn, item_id, item)
    return fetched, new_ids


def _save_rejected(
    conn: sqlite3.Connection, account: str, stream: str, rejected: Iterable[Rejected], stamp: str
) -> int:
    count = 0
    for entry in rejected:
        payload = _json(entry.payload) or "null"
        digest = hashlib.sha256(payload.encode()).hexdigest()
        conn.execute(
            """
            INSERT INTO rejected_payloads (account, stream, reason, payload, digest, created_at)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (account, stream, digest) DO UPDATE SET reason = excluded.reason
            """,
            (account, stream, entry.reason, payload, digest, stamp),
        )
        count += 1
    return count


def save_cursor(
    conn: sqlite3.Connection, account: str, stream: str, cursor: str | None, stamp: str
) -> None:
    conn.execute(
        """
        INSERT INTO cursors (account, stream, cursor, updated_at) VALUES (?, ?, ?, ?)
        ON CONFLICT (account, stream) DO UPDATE SET
            cursor = coalesce(excluded.cursor, cursors.cursor), updated_at = excluded.updated_at
        """,
        (account, stream, cursor, stamp),
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
                interaction.target_external_id,
                created,
                interaction.permalink,
            ),
        ).rowcount
    return seen, new


def save_page(
    conn: sqlite3.Connection,
    account: str,
    stream: str,
    items: Iterable[Item],
    cursor: str | None,
    *,
    rejected: Iterable[Rejected] = (),
    interactions: Iterable[Interaction] = (),
    triage: Triage | None = None,
    after_insert: AfterInsert | None = None,
    now: datetime | None = None,
) -> SaveResult:
    """Save one page of a stream (items, authors, queue rows, reactions and shares,
    rejects, cursor) atomically.

    A ``None`` cursor keeps the stored one: a page that did not move the stream (an empty
    idle pass) never rewinds it.
    """
    stamp = to_db(now or now_utc())
    with transaction(conn):
        fetched, new_ids = save_items(
            conn, account, items, triage=triage, after_insert=after_insert, now=now
        )
        seen, new_interactions = save_interactions_seen(conn, account, interactions)
        n_rejected = _save_rejected(conn, account, stream, rejected, stamp)
        save_cursor(conn, account, stream, cursor, stamp)
    return SaveResult(fetched + seen, len(new_ids) + new_interactions, n_rejected, tuple(new_ids))


def get_cursor(conn: sqlite3.Connection, account: str, stream: str) -> str | None:
    row = conn.execute(
        "SELECT cursor FROM cursors WHERE account = ? AND stream = ?", (account, stream)
    ).fetchone()
    return row[0] if row else None
