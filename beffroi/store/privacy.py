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
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from beffroi.config.settings import Retention
from beffroi.errors import BeffroiError
from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import now_utc, to_db

ERASED_TEXT = "[message effacé à la demande de son auteur]"
ERASED_HANDLE = "[effacé]"
PURGE_BATCH = 2_000


class MemberNotFound(BeffroiError, LookupError):
    """No member matches; the message says which one was looked for."""


@dataclass(frozen=True)
class ErasureResult:
    member_id: int
    items: int
    invitations: int
    mentions: int  # the city's own messages whose @handle was masked
    interactions: int = 0  # reactions and shares deleted


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
    """Forget a citizen: names, messages, raw payloads, invitations, reactions and shares,
    in one transaction.

    The city's own messages that named them (``@handle``) are masked too. The audit row
    records who erased which member id and how much, never the handle itself.
    """
    stamp = to_db(now or now_utc())
    with transaction(conn):
        row = conn.execute("SELECT handle FROM members WHERE id = ?", (member_id,)).fetchone()
        if row is None:
            raise MemberNotFound(f"no member with id {member_id}")
        handle = row["handle"]
        items = conn.execute(
            """
            UPDATE items SET text = ?, raw = NULL, permalink = NULL
            WHERE member_id = ? AND (text != ? OR raw IS NOT NULL OR permalink IS NOT NULL)
            """,
            (ERASED_TEXT, member_id, ERASED_TEXT),
        ).rowcount
        conn.execute(
            """
            UPDATE queue SET reply_draft = NULL
            WHERE reply_draft IS NOT NULL
              AND item_id IN (SELECT id FROM items WHERE member_id = ?)
            """,
            (member_id,),
        )
        mentions = _mask_mentions(conn, handle) if handle else 0
        invitations = conn.execute(
            "DELETE FROM invitations WHERE member_id = ?", (member_id,)
        ).rowcount
        interactions = conn.execute(
            "DELETE FROM interactions WHERE member_id = ?", (member_id,)
        ).rowcount
        conn.execute("UPDATE members SET person_id = NULL WHERE person_id = ?", (member_id,))
        conn.execute(
            """
            UPDATE members SET handle = NULL, display_name = NULL, notes = NULL,
                   person_id = NULL, erased_at = coalesce(erased_at, ?)
            WHERE id = ?
            """,
            (stamp, member_id),
        )
        result = ErasureResult(member_id, items, invitations, mentions, interactions)
        write_audit(conn, actor, "member_erase", "member", member_id, asdict(result), now=now)
    return result


def _mask_mentions(conn: sqlite3.Connection, handle: str) -> int:
    """Replace ``@handle`` in the city's own messages (a reply often starts with it)."""
    pattern = re.compile(rf"@{re.escape(handle)}(?![\w.])", re.IGNORECASE)
    changed = 0
    rows = conn.execute(
        "SELECT id, text FROM items WHERE direction = 'out' AND instr(lower(text), ?) > 0",
        ("@" + handle.lower(),),
    ).fetchall()
    for row in rows:
        masked = pattern.sub("@" + ERASED_HANDLE, row["text"])
        if masked != row["text"]:
            conn.execute("UPDATE items SET text = ? WHERE id = ?", (masked, row["id"]))
            changed += 1
    return changed


def purge_expired(
    conn: sqlite3.Connection,
    retention: Retention,
    now: datetime | None = None,
    actor: str = "scheduler",
    batch: int = PURGE_BATCH,
) -> PurgeResult:
    """Apply the retention limits; return how many rows of each kind went.

    - citizens' messages (``direction = 'in'``) older than ``items_days`` are deleted with
      their queue rows, and so are reactions and shares; the city's own posts and replies
      are its public record and stay;
    - raw payloads older than ``raw_payload_days`` are nulled;
    - rejected payloads older than ``rejected_days`` are deleted;
    - members left with no message, no invitation and not seen since ``items_days`` are
      deleted (blocked members are kept: the block must survive their silence).
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
                    "SELECT id FROM items WHERE created_at < ? AND direction = 'in' LIMIT ?",
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
        rejected = conn.execute(
            "DELETE FROM rejected_payloads WHERE created_at < ?", (rejected_cutoff,)
        ).rowcount
        interactions = conn.execute(
            "DELETE FROM interactions WHERE created_at < ?", (items_cutoff,)
        ).rowcount
        members = conn.execute(
            """
            DELETE FROM members
            WHERE last_seen_at < ? AND is_blocked = 0
              AND NOT EXISTS (SELECT 1 FROM items WHERE items.member_id = members.id)
              AND NOT EXISTS (SELECT 1 FROM invitations WHERE invitations.member_id = members.id)
            """,
            (items_cutoff,),
        ).rowcount
        result = PurgeResult(items, queue, raw, rejected, members, interactions)
        if any(asdict(result).values()):
            write_audit(conn, actor, "purge", "retention", None, asdict(result), now=now)
    return result
