"""Collection runs: what each stream's last pass did, for the health panel and back-off."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.store.connection import transaction
from beffroi.store.times import now_utc, to_db


def start_run(
    conn: sqlite3.Connection, account: str, stream: str, now: datetime | None = None
) -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO collection_runs (account, stream, started_at) VALUES (?, ?, ?) RETURNING id",
            (account, stream, to_db(now or now_utc())),
        ).fetchone()[0]


def finish_run(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    status: str,
    fetched: int = 0,
    new: int = 0,
    api_calls: int = 0,
    rejected: int = 0,
    error_kind: str | None = None,
    error: str | None = None,
    retry_after: datetime | None = None,
    now: datetime | None = None,
) -> None:
    with transaction(conn):
        conn.execute(
            """
            UPDATE collection_runs SET finished_at = ?, status = ?, fetched = ?, new = ?,
                   api_calls = ?, rejected = ?, error_kind = ?, error = ?, retry_after = ?
            WHERE id = ?
            """,
            (
                to_db(now or now_utc()),
                status,
                fetched,
                new,
                api_calls,
                rejected,
                error_kind,
                error,
                to_db(retry_after),
                run_id,
            ),
        )


def blocked_until(conn: sqlite3.Connection, account: str, stream: str) -> str | None:
    """The reset time of the stream's last rate-limited run, if it is still ahead."""
    row = conn.execute(
        """
        SELECT retry_after FROM collection_runs
        WHERE account = ? AND stream = ? AND status IN ('ok', 'error')
        ORDER BY id DESC LIMIT 1
        """,
        (account, stream),
    ).fetchone()
    return row[0] if row and row[0] else None


def latest_runs(conn: sqlite3.Connection) -> list[sqlite3.Row]:
    """The last finished run of every stream, newest first (the health panel)."""
    return conn.execute(
        """
        SELECT r.* FROM collection_runs r
        JOIN (SELECT account, stream, max(id) AS id FROM collection_runs
              WHERE status != 'running' GROUP BY account, stream) last ON last.id = r.id
        ORDER BY r.account, r.stream
        """
    ).fetchall()
