"""Read helpers for the rendez-vous calendar (plain SELECTs, picklable results).

They take a (read-only) connection and simple arguments so the dashboard can cache them on
the database's data version.
"""

from __future__ import annotations

import sqlite3


def _dicts(rows) -> list[dict]:
    return [dict(r) for r in rows]


def publications_between(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    """Outbox rows with an occurrence in [start, end) (UTC text), with their draft and the
    engagement collected for the published post."""
    return _dicts(
        conn.execute(
            """
            SELECT p.id, p.series_key, p.occurrence, p.account, p.draft_id, p.status, p.marker,
                   p.external_id, p.attempts, p.next_attempt_at, p.claimed_at, p.published_at,
                   p.error, p.alerted_at, p.facts, p.permalink, p.resolved_by,
                   d.title AS draft_title, d.texts AS draft_texts, p.network,
                   coalesce(p.permalink, post.permalink) AS link,
                   (SELECT count(*) FROM items c
                     WHERE p.external_id IS NOT NULL AND c.network = p.network
                       AND c.parent_external_id = p.external_id) +
                   (SELECT count(*) FROM items c
                     WHERE p.external_id IS NOT NULL AND c.network = p.network
                       AND c.thread_external_id = p.external_id
                       AND coalesce(c.parent_external_id, '') != p.external_id
                       AND c.external_id != p.external_id) AS reactions,
                   post.like_count AS like_count
            FROM publications p
            LEFT JOIN drafts d ON d.id = p.draft_id
            LEFT JOIN items post ON post.network = p.network AND post.external_id = p.external_id
            WHERE p.occurrence >= ? AND p.occurrence < ?
            ORDER BY p.occurrence, p.series_key, p.account
            """,
            (start, end),
        )
    )


def approved_series_drafts(conn: sqlite3.Connection) -> list[dict]:
    """Approved series drafts waiting for an occurrence, in the order they will be used."""
    return _dicts(
        conn.execute(
            "SELECT id, series_key, title, texts, approved_by, approved_at FROM drafts "
            "WHERE status = 'approved' AND fixed_at IS NULL AND series_key IS NOT NULL "
            "ORDER BY series_key, approved_at, id"
        )
    )


def fixed_drafts_between(conn: sqlite3.Connection, start: str, end: str) -> list[dict]:
    """One-off drafts dated in [start, end) not handed to the outbox yet."""
    return _dicts(
        conn.execute(
            "SELECT id, fixed_at, title, texts, status FROM drafts WHERE fixed_at >= ? "
            "AND fixed_at < ? AND status IN ('draft', 'approved') ORDER BY fixed_at",
            (start, end),
        )
    )


def drafts_by_status(conn: sqlite3.Connection, statuses: tuple[str, ...], limit: int = 200):
    marks = ",".join("?" * len(statuses))
    return _dicts(
        conn.execute(
            f"SELECT * FROM drafts WHERE status IN ({marks}) "  # noqa: S608 (placeholders only)
            "ORDER BY coalesce(fixed_at, created_at), id LIMIT ?",
            (*statuses, limit),
        )
    )


def series_states(conn: sqlite3.Connection) -> dict[str, dict]:
    return {r["key"]: dict(r) for r in conn.execute("SELECT * FROM series")}


def publications_waiting_for_a_person(conn: sqlite3.Connection) -> list[dict]:
    return _dicts(
        conn.execute(
            """
            SELECT p.*, d.title AS draft_title, d.texts AS draft_texts
            FROM publications p LEFT JOIN drafts d ON d.id = p.draft_id
            WHERE p.status = 'needs_person' ORDER BY p.occurrence
            """
        )
    )


def replies_to_post(
    conn: sqlite3.Connection, network: str, external_id: str, limit: int = 50
) -> list[dict]:
    """Comments and replies collected for one of the city's posts (citizen text: show as data)."""
    return _dicts(
        conn.execute(
            """
            SELECT i.created_at, i.kind, m.handle, i.text, i.like_count
            FROM items i LEFT JOIN members m ON m.id = i.member_id
            WHERE i.network = ? AND (i.parent_external_id = ? OR i.thread_external_id = ?)
              AND i.external_id != ?
            ORDER BY i.created_at LIMIT ?
            """,
            (network, external_id, external_id, external_id, limit),
        )
    )
