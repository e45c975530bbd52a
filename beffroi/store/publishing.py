"""All writes of the rendez-vous posts: series, drafts and the publishing outbox.

The outbox (``publications``) has one row per (series, occurrence, account); its UNIQUE key
makes a second row for the same post impossible, and every state change is a conditional
``UPDATE ... WHERE status = ?`` inside ``BEGIN IMMEDIATE`` whose row count is checked, so
two actors can never both move the same row.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import to_db

# ---------------------------------------------------------------- series


def set_series_paused(
    conn: sqlite3.Connection, key: str, paused: bool, actor: str, now: datetime
) -> bool:
    with transaction(conn):
        changed = conn.execute(
            "UPDATE series SET paused = ?, paused_by = ?, updated_at = ? WHERE key = ? AND paused != ?",
            (int(paused), actor if paused else None, to_db(now), key, int(paused)),
        ).rowcount
        if changed:
            write_audit(conn, actor, "pause" if paused else "resume", "series", key, now=now)
    return bool(changed)


# ---------------------------------------------------------------- drafts


@dataclass(frozen=True)
class DraftContent:
    """What a draft says and where it goes: written whole at creation and at each edit."""

    texts: Mapping[str, str]
    series_key: str | None = None
    fixed_at: datetime | None = None
    title: str = ""
    image_path: str | None = None

    def columns(self) -> tuple:
        """(series_key, fixed_at, title, texts, image_path) as the drafts table stores them."""
        texts = json.dumps(dict(self.texts), ensure_ascii=False)
        return (self.series_key, to_db(self.fixed_at), self.title, texts, self.image_path)


def insert_draft(
    conn: sqlite3.Connection, content: DraftContent, *, actor: str, now: datetime
) -> int:
    with transaction(conn):
        draft_id = conn.execute(
            """
            INSERT INTO drafts (series_key, fixed_at, title, texts, image_path, status,
                                created_by, updated_by, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, 'draft', ?, ?, ?, ?) RETURNING id
            """,
            (*content.columns(), actor, actor, to_db(now), to_db(now)),
        ).fetchone()[0]
        series = {"series": content.series_key}
        write_audit(conn, actor, "create", "draft", draft_id, series, now=now)
    return draft_id


def update_draft_row(
    conn: sqlite3.Connection, draft_id: int, content: DraftContent, *, actor: str, now: datetime
) -> bool:
    """Edit a draft that is not being published yet; an approved one goes back to draft."""
    with transaction(conn):
        changed = conn.execute(
            """
            UPDATE drafts SET series_key = ?, fixed_at = ?, title = ?, texts = ?, image_path = ?,
                   status = 'draft', approved_by = NULL, approved_at = NULL,
                   review_comment = NULL, updated_by = ?, updated_at = ?
            WHERE id = ? AND status IN ('draft', 'approved')
            """,
            (*content.columns(), actor, to_db(now), draft_id),
        ).rowcount
        if changed:
            write_audit(conn, actor, "edit", "draft", draft_id, now=now)
    return bool(changed)


def set_draft_status(
    conn: sqlite3.Connection,
    draft_id: int,
    *,
    from_statuses: Iterable[str],
    to_status: str,
    actor: str,
    now: datetime,
) -> bool:
    allowed = tuple(from_statuses)
    marks = ",".join("?" * len(allowed))
    approved = to_status == "approved"
    with transaction(conn):
        changed = conn.execute(
            f"UPDATE drafts SET status = ?, updated_at = ?, "  # noqa: S608 (placeholders only)
            f"approved_by = CASE WHEN ? THEN ? ELSE approved_by END, "
            f"approved_at = CASE WHEN ? THEN ? ELSE approved_at END "
            f"WHERE id = ? AND status IN ({marks})",
            (to_status, to_db(now), approved, actor, approved, to_db(now), draft_id, *allowed),
        ).rowcount
        if changed:
            write_audit(conn, actor, to_status, "draft", draft_id, now=now)
    return bool(changed)


def send_back_draft_row(
    conn: sqlite3.Connection, draft_id: int, *, comment: str, actor: str, now: datetime
) -> bool:
    """An approver's comment on a draft waiting for approval; it waits for its author now."""
    with transaction(conn):
        changed = conn.execute(
            "UPDATE drafts SET review_comment = ?, reviewed_by = ?, reviewed_at = ?, "
            "updated_at = ? WHERE id = ? AND status = 'draft'",
            (comment, actor, to_db(now), to_db(now), draft_id),
        ).rowcount
        if changed:
            write_audit(conn, actor, "send_back", "draft", draft_id, {"comment": comment}, now=now)
    return bool(changed)


def _sync_draft(conn: sqlite3.Connection, draft_id: int | None, now: datetime) -> None:
    """A draft's status follows its publications once it has been handed to the outbox."""
    if draft_id is None:
        return
    rows = conn.execute(
        "SELECT status, count(*) FROM publications WHERE draft_id = ? "
        "AND status != 'missed' GROUP BY status",
        (draft_id,),
    ).fetchall()
    counts = {r[0]: r[1] for r in rows}
    if not counts:
        return
    if "published" in counts and set(counts) <= {"published", "cancelled"}:
        status = "published"
    elif set(counts) <= {"published", "failed", "cancelled"} and "failed" in counts:
        status = "failed"
    elif set(counts) == {"cancelled"}:
        status = "cancelled"
    else:
        status = "publishing"
    conn.execute(
        "UPDATE drafts SET status = ?, updated_at = ? WHERE id = ? AND status != ?",
        (status, to_db(now), draft_id, status),
    )


# ---------------------------------------------------------------- the outbox


def ensure_occurrences(
    conn: sqlite3.Connection,
    series_key: str,
    wanted: Mapping[datetime, Mapping[str, tuple[str, str]]],
    now: datetime,
) -> int:
    """Create the rows of the occurrences that do not have them yet; count created.

    ``wanted``: occurrence -> {account key: (marker, network as items record it)}. One
    transaction for the whole series, and only the missing rows are written.
    """
    if not wanted:
        return 0
    first, last = to_db(min(wanted)), to_db(max(wanted))
    stamp = to_db(now)
    with transaction(conn):
        known = set(
            conn.execute(
                "SELECT occurrence, account FROM publications WHERE series_key = ? "
                "AND occurrence BETWEEN ? AND ?",
                (series_key, first, last),
            ).fetchall()
        )
        rows = [
            (series_key, to_db(occurrence), account, network, marker, stamp, stamp)
            for occurrence, targets in wanted.items()
            for account, (marker, network) in targets.items()
            if (to_db(occurrence), account) not in known
        ]
        conn.executemany(
            """
            INSERT INTO publications (series_key, occurrence, account, network, status,
                                      marker, created_at, updated_at)
            VALUES (?, ?, ?, ?, 'scheduled', ?, ?, ?)
            ON CONFLICT (series_key, occurrence, account) DO NOTHING
            """,
            rows,
        )
    return len(rows)


def drop_stale_occurrences(
    conn: sqlite3.Connection, series_key: str, keep: Iterable[datetime], after: datetime
) -> int:
    """Forget coming occurrences the recurrence no longer has (the configuration changed).

    Only rows nothing happened to yet (``scheduled``, no draft) are removed.
    """
    kept = [to_db(k) for k in keep]
    marks = ",".join("?" * len(kept)) or "NULL"
    with transaction(conn):
        return conn.execute(
            f"DELETE FROM publications WHERE series_key = ? AND status = 'scheduled' "  # noqa: S608
            f"AND draft_id IS NULL AND occurrence > ? AND occurrence NOT IN ({marks})",
            (series_key, to_db(after), *kept),
        ).rowcount


def attach_next_draft(
    conn: sqlite3.Connection, series_key: str, occurrence: datetime, now: datetime
) -> int | None:
    """Give the occurrence the series' oldest approved draft; None when there is none.

    One transaction: the draft moves to ``publishing`` and the occurrence's rows to
    ``approved`` together, so a draft can never be taken by two occurrences.
    """
    with transaction(conn):
        row = conn.execute(
            "SELECT id FROM drafts WHERE series_key = ? AND status = 'approved' "
            "AND fixed_at IS NULL ORDER BY approved_at, id LIMIT 1",
            (series_key,),
        ).fetchone()
        if row is None:
            return None
        draft_id = row[0]
        moved = conn.execute(
            """
            UPDATE publications SET draft_id = ?, status = 'approved', error = NULL, updated_at = ?
            WHERE series_key = ? AND occurrence = ? AND status = 'scheduled'
            """,
            (draft_id, to_db(now), series_key, to_db(occurrence)),
        ).rowcount
        if not moved:
            return None
        conn.execute(
            "UPDATE drafts SET status = 'publishing', updated_at = ? WHERE id = ? AND status = 'approved'",
            (to_db(now), draft_id),
        )
    return draft_id


def materialise_fixed_draft(
    conn: sqlite3.Connection,
    draft_id: int,
    targets: Mapping[str, tuple[str, str]],
    at: datetime,
    now: datetime,
) -> bool:
    """Hand a due one-off draft to the outbox (series key ``draft:<id>``)."""
    with transaction(conn):
        taken = conn.execute(
            "UPDATE drafts SET status = 'publishing', updated_at = ? WHERE id = ? AND status = 'approved'",
            (to_db(now), draft_id),
        ).rowcount
        if not taken:
            return False
        for account, (marker, network) in targets.items():
            conn.execute(
                """
                INSERT INTO publications (series_key, occurrence, account, network, draft_id,
                                          status, marker, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, 'approved', ?, ?, ?)
                ON CONFLICT (series_key, occurrence, account) DO NOTHING
                """,
                (
                    f"draft:{draft_id}",
                    to_db(at),
                    account,
                    network,
                    draft_id,
                    marker,
                    to_db(now),
                    to_db(now),
                ),
            )
    return True


def mark_occurrence_missed(
    conn: sqlite3.Connection,
    series_key: str,
    occurrence: datetime,
    reason: str,
    now: datetime,
    *,
    status: str = "missed",
) -> int:
    """Record an occurrence that will not be published, with why; release its draft."""
    with transaction(conn):
        drafts = {
            r[0]
            for r in conn.execute(
                "SELECT draft_id FROM publications WHERE series_key = ? AND occurrence = ? "
                "AND status IN ('scheduled', 'approved') AND attempts = 0",
                (series_key, to_db(occurrence)),
            )
        }
        changed = conn.execute(
            """
            UPDATE publications SET status = ?, error = ?, updated_at = ?
            WHERE series_key = ? AND occurrence = ? AND status IN ('scheduled', 'approved')
              AND attempts = 0
            """,
            (status, reason, to_db(now), series_key, to_db(occurrence)),
        ).rowcount
        for draft_id in drafts - {None}:
            if series_key.startswith("draft:"):
                # A one-off post whose time has passed cannot wait for another date.
                conn.execute(
                    "UPDATE drafts SET status = 'failed', updated_at = ? WHERE id = ?",
                    (to_db(now), draft_id),
                )
            elif not conn.execute(
                "SELECT 1 FROM publications WHERE draft_id = ? AND status NOT IN ('missed', 'cancelled')",
                (draft_id,),
            ).fetchone():
                # Nothing went out: the draft goes back to the queue for the next occurrence.
                conn.execute(
                    "UPDATE drafts SET status = 'approved', updated_at = ? WHERE id = ?",
                    (to_db(now), draft_id),
                )
    return changed


def mark_alerted(
    conn: sqlite3.Connection, series_key: str, occurrence: datetime, now: datetime
) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE publications SET alerted_at = ? WHERE series_key = ? AND occurrence = ? "
            "AND alerted_at IS NULL",
            (to_db(now), series_key, to_db(occurrence)),
        )


def claim_publication(conn: sqlite3.Connection, pub_id: int, worker: str, now: datetime) -> bool:
    """Take a due row for publishing; False when someone else moved it first."""
    with transaction(conn):
        return (
            conn.execute(
                """
                UPDATE publications SET status = 'publishing', claimed_at = ?, claimed_by = ?,
                       attempts = attempts + 1, updated_at = ?
                WHERE id = ? AND status = 'approved'
                """,
                (to_db(now), worker, to_db(now), pub_id),
            ).rowcount
            == 1
        )


def _move(
    conn: sqlite3.Connection,
    pub_id: int,
    from_status: str,
    now: datetime,
    audit: str | None = None,
    **fields,
) -> bool:
    """Move one row out of ``from_status``; ``audit`` names the action to record with it."""
    fields["updated_at"] = to_db(now)
    assignments = ", ".join(f"{name} = ?" for name in fields)
    with transaction(conn):
        changed = conn.execute(
            f"UPDATE publications SET {assignments} WHERE id = ? AND status = ?",  # noqa: S608 (names are ours)
            (*fields.values(), pub_id, from_status),
        ).rowcount
        if changed:
            draft = conn.execute(
                "SELECT draft_id FROM publications WHERE id = ?", (pub_id,)
            ).fetchone()
            _sync_draft(conn, draft[0], now)
            if audit:
                detail = {"from": from_status, "to": fields.get("status")}
                write_audit(conn, "scheduler", audit, "publication", pub_id, detail, now=now)
    return changed == 1


def record_published(
    conn: sqlite3.Connection,
    pub_id: int,
    external_id: str | None,
    now: datetime,
    *,
    from_status: str = "publishing",
    permalink: str | None = None,
    facts: str | None = None,
    resolved_by: str | None = None,
    audit: str | None = None,
) -> bool:
    extra = {
        name: value
        for name, value in (
            ("permalink", permalink),
            ("facts", facts),
            ("resolved_by", resolved_by),
        )
        if value is not None
    }
    return _move(
        conn,
        pub_id,
        from_status,
        now,
        audit,
        status="published",
        external_id=external_id,
        published_at=to_db(now),
        error=None,
        next_attempt_at=None,
        **extra,
    )


def record_retry(
    conn: sqlite3.Connection, pub_id: int, error: str, next_attempt_at: datetime, now: datetime
) -> bool:
    retry_at = to_db(next_attempt_at)
    return _move(
        conn, pub_id, "publishing", now, status="approved", error=error, next_attempt_at=retry_at
    )


def hold_for_budget(
    conn: sqlite3.Connection,
    pub_id: int,
    reason: str,
    until: datetime | None,
    now: datetime,
) -> bool:
    """An approved post on X waits while its account's budget is reached (``reason``, in
    French, shown with it); ``until`` None: its time is past, it is missed for that reason."""
    if until is None:
        return _move(conn, pub_id, "approved", now, "budget_missed", status="missed", error=reason)
    return _move(conn, pub_id, "approved", now, error=reason, next_attempt_at=to_db(until))


def record_failed(conn: sqlite3.Connection, pub_id: int, error: str, now: datetime) -> bool:
    return _move(
        conn, pub_id, "publishing", now, status="failed", error=error, next_attempt_at=None
    )


def record_needs_person(
    conn: sqlite3.Connection, pub_id: int, facts: str, now: datetime, error: str | None = None
) -> bool:
    return _move(
        conn,
        pub_id,
        "publishing",
        now,
        "needs_person",
        status="needs_person",
        facts=facts,
        error=error,
    )


def release_unconfirmed(conn: sqlite3.Connection, pub_id: int, facts: str, now: datetime) -> bool:
    """The network says it never received the post: back to ``approved`` for a new attempt."""
    return _move(
        conn, pub_id, "publishing", now, "reconcile_absent", status="approved", facts=facts
    )


def resolve_needs_person(
    conn: sqlite3.Connection,
    pub_id: int,
    *,
    action: str,
    actor: str,
    now: datetime,
    link: str | None = None,
    external_id: str | None = None,
) -> bool:
    """A person settles a post the network could not confirm: published, retry, or cancel."""
    if action == "published":
        done = record_published(
            conn,
            pub_id,
            external_id or link or "",
            now,
            from_status="needs_person",
            permalink=link,
            resolved_by=actor,
        )
    elif action == "retry":
        done = _move(
            conn,
            pub_id,
            "needs_person",
            now,
            status="approved",
            next_attempt_at=None,
            resolved_by=actor,
        )
    elif action == "cancel":
        done = _move(conn, pub_id, "needs_person", now, status="cancelled", resolved_by=actor)
    else:
        raise ValueError(f"unknown action {action!r}")
    if done:
        with transaction(conn):
            write_audit(
                conn, actor, f"publication_{action}", "publication", pub_id, {"link": link}, now=now
            )
    return done
