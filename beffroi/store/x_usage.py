"""X requests and resources per account, stream and UTC day (table ``x_usage``), and the
budget pauses (``x_budget_pauses``). Saving adds to the day's counts: idempotent per
drained batch, never a read-modify-write race (one UPSERT per row)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from beffroi.store.connection import transaction
from beffroi.store.times import to_db


def save_usage(
    conn: sqlite3.Connection,
    account: str,
    counts: Iterable[tuple[str, str, int, int]],
    now: datetime,
) -> None:
    day = now.strftime("%Y-%m-%d")
    rows = [(day, account, s, r, n, k) for s, r, n, k in counts if n or k]
    if not rows:
        return
    with transaction(conn):
        conn.executemany(
            """
            INSERT INTO x_usage (day, account, stream, resource, requests, resources)
            VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT (day, account, stream, resource) DO UPDATE SET
                requests = requests + excluded.requests,
                resources = resources + excluded.resources
            """,
            rows,
        )


def usage_rows(conn: sqlite3.Connection, month: str, account: str | None = None) -> list[dict]:
    """The month's rows (``month`` is YYYY-MM), as dicts, oldest day first."""
    sql = "SELECT * FROM x_usage WHERE substr(day, 1, 7) = ?"
    params: list = [month]
    if account:
        sql += " AND account = ?"
        params.append(account)
    return [dict(r) for r in conn.execute(sql + " ORDER BY day, account, stream, resource", params)]


def pause(
    conn: sqlite3.Connection,
    account: str,
    month: str,
    estimate: float,
    budget: float,
    now: datetime,
) -> bool:
    """Record the month's pause of ``account``; False when it was already recorded."""
    with transaction(conn):
        return (
            conn.execute(
                "INSERT OR IGNORE INTO x_budget_pauses (account, month, paused_at, estimate, budget)"
                " VALUES (?, ?, ?, ?, ?)",
                (account, month, to_db(now), estimate, budget),
            ).rowcount
            == 1
        )


def lift(conn: sqlite3.Connection, account: str, month: str) -> None:
    """An admin raised the budget: the month's pause is forgotten."""
    with transaction(conn):
        conn.execute(
            "DELETE FROM x_budget_pauses WHERE account = ? AND month = ?", (account, month)
        )


def pauses(conn: sqlite3.Connection, month: str) -> list[dict]:
    return [
        dict(r)
        for r in conn.execute(
            "SELECT * FROM x_budget_pauses WHERE month = ? ORDER BY account", (month,)
        )
    ]


def mark_mailed(conn: sqlite3.Connection, account: str, month: str, now: datetime) -> None:
    with transaction(conn):
        conn.execute(
            "UPDATE x_budget_pauses SET mailed_at = ? WHERE account = ? AND month = ?",
            (to_db(now), account, month),
        )
