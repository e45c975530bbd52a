"""Forgetting citizens: erasure on request (GDPR art. 17) and retention limits.

Erasure keeps the member row and its platform id, emptied of everything that names the
person: the id is what stops the next collection from recreating a full profile (the
ingest upsert never refills the handle of an erased member), and the row keeps the
statistics honest (counts, response times) without saying who. The messages are kept as
rows for the same reason, their text replaced by a neutral marker.

The purge applies the retention settings; the scheduler calls it daily and
``beffroi privacy purge`` runs it by hand. It works in batches, each its own short
transaction, so the collector and the dashboard never wait long for the write lock.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta

from beffroi.config import Retention
from beffroi.errors import BeffroiError
from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import now_utc, to_db

ERASED_TEXT = "[message effacé à la demande de son auteur]"
ERASED_HANDLE = "[effacé]"
ERASED_REPLY = "[réponse effacée avec les données de son destinataire]"
PURGE_BATCH = 2_000


class MemberNotFound(BeffroiError, LookupError):
    """No member matches; the message says which one was looked for."""


@dataclass(frozen=True)
class ErasureResult:
    member_id: int
    items: int
    invitations: int
    mentions: int  # the city's own messages whose @handle or name was masked
    interactions: int = 0  # reactions and shares deleted
    replies: int = 0  # the city's messages to them, blanked
    wal_truncated: bool = True  # False: a reader kept the WAL from being emptied now


@dataclass(frozen=True)
class PurgeResult:
    items: int = 0
    queue: int = 0
    raw_cleared: int = 0
    rejected: int = 0
    members: int = 0
    interactions: int = 0


def find_member(conn: sqlite3.Connection, network: str, handle: str) -> list[int]:
    """Ids of the members with this handle on this network (case and '@' ignored)."""
    handle = handle.strip().lstrip("@")
    return [
        r[0]
        for r in conn.execute(
            "SELECT id FROM members WHERE network = ? AND handle = ? COLLATE NOCASE ORDER BY id",
            (network, handle),
        )
    ]


def erase_member(
    conn: sqlite3.Connection, member_id: int, actor: str, now: datetime | None = None
) -> ErasureResult:
    """Forget a citizen, in one transaction, so that nothing of them can be read back
    from the file (GDPR art. 17):

    - their messages: text replaced by a neutral marker, raw payload and permalink gone;
    - the city's messages to them (replies to their messages, both directions of their
      private conversations, invitation DMs): blanked, since they repeat what the person
      gave (a phone number, a street);
    - their handle and name wherever someone else wrote them (other people's messages
      and raw payloads, reply drafts, triage rules, invitation texts, audit details,
      error texts, rejected payloads): masked;
    - their invitations, reactions and shares, the team's internal notes on them and on
      their messages: deleted; their member row: emptied;
    - then the full-text index is merged (``'optimize'``: FTS5 keeps deleted terms in its
      segments until they are merged), and, after the commit, the WAL is checkpointed and
      truncated. Every write connection sets ``secure_delete``, so freed bytes are zeroed.

    The audit row records who erased which member id and how much, never the handle.
    """
    stamp = to_db(now or now_utc())
    with transaction(conn):
        row = conn.execute(
            "SELECT network, handle, display_name FROM members WHERE id = ?", (member_id,)
        ).fetchone()
        if row is None:
            raise MemberNotFound(f"no member with id {member_id}")
        names = _Names(row["handle"], row["display_name"])
        replies = _blank_city_messages(conn, member_id, row["network"])
        items = conn.execute(
            """
            UPDATE items SET text = ?, raw = NULL, permalink = NULL
            WHERE member_id = ? AND (text != ? OR raw IS NOT NULL OR permalink IS NOT NULL)
            """,
            (ERASED_TEXT, member_id, ERASED_TEXT),
        ).rowcount
        conn.execute(
            """
            UPDATE queue SET reply_draft = NULL, last_error = NULL
            WHERE item_id IN (SELECT id FROM items WHERE member_id = ?)
            """,
            (member_id,),
        )
        # Where a manager located their signalement (it may be their own doorstep), and
        # what the service wrote back about it.
        conn.execute(
            """
            UPDATE open311_requests SET address = NULL, lat = NULL, long = NULL,
                   status_notes = NULL, service_notice = NULL, last_error = NULL
            WHERE queue_id IN (SELECT q.id FROM queue q JOIN items i ON i.id = q.item_id
                               WHERE i.member_id = ?)
            """,
            (member_id,),
        )
        invitations = _delete(conn, "invitations", "member_id = ?", member_id)
        # The team's internal notes about them or their messages (their mentions go too).
        _delete(conn, "notes", "member_id = ?", member_id)
        interactions = _delete(conn, "interactions", "member_id = ?", member_id)
        conn.execute("UPDATE members SET person_id = NULL WHERE person_id = ?", (member_id,))
        conn.execute(
            """
            UPDATE members SET handle = NULL, display_name = NULL, notes = NULL, profile = NULL,
                   person_id = NULL, erased_at = coalesce(erased_at, ?)
            WHERE id = ?
            """,
            (stamp, member_id),
        )
        mentions = _mask_everywhere(conn, names) if names else 0
        conn.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
        result = ErasureResult(member_id, items, invitations, mentions, interactions, replies)
        write_audit(conn, actor, "member_erase", "member", member_id, asdict(result), now=now)
    return replace(result, wal_truncated=checkpoint(conn))


def _delete(conn: sqlite3.Connection, table: str, where: str, value: object) -> int:
    """Delete the rows of ``table`` (one of this module's names, never input) matching
    ``where`` (one ``?``, bound to ``value``); how many went."""
    return conn.execute(f"DELETE FROM {table} WHERE {where}", (value,)).rowcount  # noqa: S608


def checkpoint(conn: sqlite3.Connection) -> bool:
    """Copy the WAL into the file and truncate it to zero bytes (the WAL still holds the
    pages as they were before the erasure). False if a reader kept it from finishing."""
    busy = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
    return not busy


class _Names:
    """The ways other people write a person: ``@handle``, the bare handle (in payloads,
    mention lists), the display name. Short bare words are not masked: "paul" alone
    would blank every other Paul."""

    def __init__(self, handle: str | None, display_name: str | None) -> None:
        patterns = []
        if handle:
            # Not a longer handle ("@jeanne_mx", "@jeanne.m2"); a full stop ending the
            # sentence is not part of it.
            patterns.append(rf"@{re.escape(handle)}(?!\w|\.\w)")
            if len(handle) >= 5:
                patterns.append(rf"(?<![\w.@]){re.escape(handle)}(?!\w|\.\w)")
        name = " ".join((display_name or "").split())
        if len(name) >= 5:
            words = [re.escape(w) for w in name.split(" ")]
            patterns.append(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)")
        self.regex = re.compile("|".join(patterns), re.IGNORECASE) if patterns else None
        # LIKE patterns that every match contains (LIKE ignores ASCII case; a non-ASCII
        # letter, which SQLite does not fold, becomes "_"): SQLite skips most rows itself
        # before the regular expression is asked.
        words = [handle or ""] + (name.split(" ") if len(name) >= 5 else [])
        self.likes = [_like(w) for w in words if len(w) >= 2]

    def sql(self, column: str) -> tuple[str, list[str]]:
        """A WHERE clause for ``column`` selecting the rows that name the person."""
        likes = " OR ".join(f"{column} LIKE ? ESCAPE '\\'" for _ in self.likes) or "1"
        return f"({likes}) AND beffroi_names_person({column})", self.likes

    def __bool__(self) -> bool:
        return self.regex is not None

    def found(self, text: str | None) -> bool:
        return bool(text) and self.regex.search(text) is not None

    def mask(self, text: str) -> str:
        return self.regex.sub(
            lambda m: "@" + ERASED_HANDLE if m.group(0).startswith("@") else ERASED_HANDLE, text
        )


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "%" + "".join(c if c.isascii() else "_" for c in escaped) + "%"


# Every column where someone else's words, or a value derived from them, can name a person.
MASKED_COLUMNS = (
    ("items", "text"),
    ("items", "raw"),
    ("members", "notes"),
    ("members", "profile"),
    ("queue", "triage_rule"),
    ("queue", "reply_draft"),
    ("queue", "closed_reason"),
    ("queue", "last_error"),
    ("invitations", "message"),
    ("invitations", "send_error"),
    ("audit", "detail"),
    ("collection_runs", "error"),
    ("rejected_payloads", "payload"),
    ("rejected_payloads", "reason"),
    ("job_runs", "detail"),
    ("job_runs", "error"),
    ("publications", "error"),
    # Moderation: a watch list names people; a rule's reason and a network's error may too.
    ("moderation_rules", "conditions"),
    ("moderation_hits", "why"),
    ("network_actions", "reason"),
    ("network_actions", "last_error"),
    # Internal notes on someone else can name the person too.
    ("notes", "body"),
)


def _mask_everywhere(conn: sqlite3.Connection, names: _Names) -> int:
    """Mask the person's handle and name in every column of ``MASKED_COLUMNS``; return how
    many of the city's own messages were changed (the figure the command prints)."""
    conn.create_function("beffroi_names_person", 1, names.found, deterministic=True)
    city_messages = 0
    try:
        for table, column in MASKED_COLUMNS:
            where, args = names.sql(column)
            rows = conn.execute(
                f"SELECT rowid, {column} FROM {table} WHERE {where}",  # noqa: S608 (constant names)
                args,
            ).fetchall()
            for rowid, value in rows:
                conn.execute(
                    f"UPDATE {table} SET {column} = ? WHERE rowid = ?",  # noqa: S608
                    (names.mask(value), rowid),
                )
            if (table, column) == ("items", "text") and rows:
                marks = ",".join("?" * len(rows))
                city_messages = conn.execute(
                    f"SELECT count(*) FROM items WHERE direction = 'out' AND id IN ({marks})",  # noqa: S608
                    [r[0] for r in rows],
                ).fetchone()[0]
    finally:
        conn.create_function("beffroi_names_person", 1, None)
    return city_messages


def _blank_city_messages(conn: sqlite3.Connection, member_id: int, network: str) -> int:
    """Blank the city's messages to the person: its replies to their messages, its side
    of their private conversations, the DMs of their invitations."""
    return conn.execute(
        """
        UPDATE items SET text = ?, raw = NULL
        WHERE direction = 'out' AND text != ? AND (
            id IN (SELECT q.reply_item_id FROM queue q JOIN items mine ON mine.id = q.item_id
                   WHERE mine.member_id = ? AND q.reply_item_id IS NOT NULL)
            OR id IN (SELECT dm_item_id FROM invitations
                      WHERE member_id = ? AND dm_item_id IS NOT NULL)
            OR (network = ? AND parent_external_id IN (
                    SELECT external_id FROM items WHERE member_id = ?))
            OR (network = ? AND kind = 'dm' AND thread_external_id IN (
                    SELECT thread_external_id FROM items
                    WHERE member_id = ? AND kind = 'dm' AND thread_external_id IS NOT NULL))
        )
        """,
        (ERASED_REPLY, ERASED_REPLY, member_id, member_id, network, member_id, network, member_id),
    ).rowcount


def purge_expired(
    conn: sqlite3.Connection,
    retention: Retention,
    now: datetime | None = None,
    actor: str = "scheduler",
    batch: int = PURGE_BATCH,
) -> PurgeResult:
    """Apply the retention limits; return how many rows of each kind went.

    - citizens' messages (``direction = 'in'``) and private messages both ways (DMs)
      older than ``items_days`` are deleted with their queue rows, and so are reactions
      and shares; the city's own public posts and replies are its public record and stay;
    - raw payloads older than ``raw_payload_days`` are nulled;
    - rejected payloads older than ``rejected_days`` are deleted;
    - members left with no message, no invitation and not seen since ``items_days`` are
      deleted (blocked members are kept: the block must survive their silence);
    - as for an erasure, the full-text index is merged and the WAL truncated, so what
      went cannot be read back from the file.
    """
    now = now or now_utc()
    items_cutoff = to_db(now - timedelta(days=retention.items_days))
    raw_cutoff = to_db(now - timedelta(days=retention.raw_payload_days))
    rejected_cutoff = to_db(now - timedelta(days=retention.rejected_days))
    items = queue = raw = 0
    while True:
        with transaction(conn):
            ids = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM items WHERE created_at < ?"
                    " AND (direction = 'in' OR kind = 'dm') LIMIT ?",
                    (items_cutoff, batch),
                )
            ]
            if not ids:
                break
            marks = ",".join("?" * len(ids))
            queue += conn.execute(
                f"DELETE FROM queue WHERE item_id IN ({marks})",  # noqa: S608 (? only)
                ids,
            ).rowcount
            items += conn.execute(
                f"DELETE FROM items WHERE id IN ({marks})",  # noqa: S608 (? only)
                ids,
            ).rowcount
    while True:
        with transaction(conn):
            done = conn.execute(
                """
                UPDATE items SET raw = NULL WHERE id IN (
                    SELECT id FROM items INDEXED BY items_raw_created
                    WHERE raw IS NOT NULL AND created_at < ? LIMIT ?)
                """,
                (raw_cutoff, batch),
            ).rowcount
        raw += done
        if done < batch:
            break
    with transaction(conn):
        rejected = _delete(conn, "rejected_payloads", "created_at < ?", rejected_cutoff)
        interactions = _delete(conn, "interactions", "created_at < ?", items_cutoff)
        members = conn.execute(
            """
            DELETE FROM members
            WHERE last_seen_at < ? AND is_blocked = 0
              AND NOT EXISTS (SELECT 1 FROM items WHERE items.member_id = members.id)
              AND NOT EXISTS (SELECT 1 FROM invitations WHERE invitations.member_id = members.id)
            """,
            (items_cutoff,),
        ).rowcount
        if items or raw:
            # FTS5 keeps the deleted messages' terms in its segments until they are merged.
            conn.execute("INSERT INTO items_fts(items_fts) VALUES ('optimize')")
        result = PurgeResult(items, queue, raw, rejected, members, interactions)
        if any(asdict(result).values()):
            write_audit(conn, actor, "purge", "retention", None, asdict(result), now=now)
    if any(asdict(result).values()):
        checkpoint(conn)
    return result


def member_record(conn: sqlite3.Connection, member_id: int) -> dict:
    """Everything Beffroi holds about one member (GDPR art. 15, right of access): the
    member row, their messages with the queue's judgement of each (triage, theme,
    priority, response time), the city's messages to them, the team's internal notes on
    them, their invitations, reactions and shares, and the accounts linked to them by hand. Plain values, JSON-ready."""
    member = conn.execute(
        """
        SELECT id, network, external_id, handle, display_name, is_blocked, is_spam,
               erased_at, notes, profile, first_seen_at, last_seen_at, person_id, objected_at
        FROM members WHERE id = ?
        """,
        (member_id,),
    ).fetchone()
    if member is None:
        raise MemberNotFound(f"no member with id {member_id}")
    messages = conn.execute(
        """
        SELECT i.id, i.network, i.account, i.kind, i.text, i.created_at, i.permalink,
               i.external_id, i.parent_external_id, i.thread_external_id,
               q.status AS queue_status, q.needs_reply, q.triage_rule, q.theme, q.priority,
               q.replied_at, q.response_seconds, q.closed_reason, q.reply_item_id
        FROM items i LEFT JOIN queue q ON q.item_id = i.id
        WHERE i.member_id = ? ORDER BY i.created_at, i.id
        """,
        (member_id,),
    ).fetchall()
    city = conn.execute(
        """
        SELECT id, network, account, kind, text, created_at, permalink, parent_external_id
        FROM items
        WHERE direction = 'out' AND (
            id IN (SELECT q.reply_item_id FROM queue q JOIN items mine ON mine.id = q.item_id
                   WHERE mine.member_id = :m AND q.reply_item_id IS NOT NULL)
            OR id IN (SELECT dm_item_id FROM invitations WHERE member_id = :m)
            OR (network = :n AND parent_external_id IN (
                    SELECT external_id FROM items WHERE member_id = :m))
            OR (network = :n AND kind = 'dm' AND thread_external_id IN (
                    SELECT thread_external_id FROM items
                    WHERE member_id = :m AND kind = 'dm' AND thread_external_id IS NOT NULL)))
        ORDER BY created_at, id
        """,
        {"m": member_id, "n": member["network"]},
    ).fetchall()
    invitations = conn.execute(
        """
        SELECT e.name AS event, e.starts_at, e.place, v.status, v.message, v.sent_via,
               v.is_minor, v.declared_age, v.consent_recorded_at, v.invited_at, v.responded_at,
               v.created_at
        FROM invitations v JOIN events e ON e.id = v.event_id
        WHERE v.member_id = ? ORDER BY v.created_at, v.id
        """,
        (member_id,),
    ).fetchall()
    interactions = conn.execute(
        """
        SELECT account, kind, target_external_id, created_at, permalink
        FROM interactions WHERE member_id = ? ORDER BY created_at, id
        """,
        (member_id,),
    ).fetchall()
    linked = conn.execute(
        """
        SELECT id, network, handle FROM members
        WHERE id != :m AND (person_id = :m OR id = :p OR (person_id IS NOT NULL AND person_id = :p))
        ORDER BY id
        """,
        {"m": member_id, "p": member["person_id"]},
    ).fetchall()
    notes = conn.execute(
        """
        SELECT n.created_at, n.kind, n.body, i.external_id AS about_message
        FROM notes n LEFT JOIN queue q ON q.id = n.queue_id LEFT JOIN items i ON i.id = q.item_id
        WHERE n.member_id = ? ORDER BY n.created_at, n.id
        """,
        (member_id,),
    ).fetchall()
    return {
        "member": dict(member),
        "messages": [dict(r) for r in messages],
        # What the team wrote about them: personal data too, so part of the access.
        "internal_notes": [dict(r) for r in notes],
        "city_messages": [dict(r) for r in city],
        "invitations": [dict(r) for r in invitations],
        "interactions": [dict(r) for r in interactions],
        "linked_accounts": [dict(r) for r in linked],
    }
