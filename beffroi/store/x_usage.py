"""X requests and resources per account, stream and UTC day (table ``x_usage``), and the
budget pauses (``x_budget_pauses``). Saving adds to the day's counts: idempotent per
drained batch, never a read-modify-write race (one UPSERT per row).

The month's estimate at the configured prices is here too, because the inbox (replies) and
the scheduler (collection, publishing) both stop at the budget: ``sending_paused`` says, in
French, why a reply or a post on X waits when ``pause_publishing_at_budget`` is set."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from datetime import datetime

from beffroi.config.settings import Account, XPricing
from beffroi.french import dollars
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


def price(pricing: XPricing, resource: str) -> float:
    return {
        "post_read": pricing.post_read,
        "owned_read": pricing.owned_read,
        "user_read": pricing.user_read,
        "dm_event_read": pricing.dm_event_read,
        "post_create": pricing.post_create,
    }.get(resource, 0.0)


def estimate(rows: list[dict], pricing: XPricing) -> float:
    """Dollars for the rows' resources at ``pricing``."""
    return round(sum(r["resources"] * price(pricing, r["resource"]) for r in rows), 4)


def month_of(now: datetime) -> str:
    return now.strftime("%Y-%m")


def month_estimate(
    conn: sqlite3.Connection, account: str, pricing: XPricing, now: datetime
) -> float:
    return estimate(usage_rows(conn, month_of(now), account), pricing)


def sending_paused(
    conn: sqlite3.Connection, account: Account, pricing: XPricing, now: datetime
) -> str | None:
    """Why a post or a reply on this X account must wait (French), or None when it may go.

    Only an X account with ``budget_usd`` and ``pause_publishing_at_budget = true`` pauses
    its posts and replies; the estimate is read afresh each time, so raising the budget (or
    a new month) lets them go at once, with no pause to lift.
    """
    if account.network != "x" or account.budget_usd is None:
        return None
    if not account.pause_publishing_at_budget:
        return None
    spent = month_estimate(conn, account.key, pricing, now)
    if spent < account.budget_usd:
        return None
    return (
        f"budget X du mois atteint pour {account.key} ({dollars(spent)} estimés pour "
        f"{dollars(account.budget_usd)} prévus) : les publications et les réponses sur X sont en "
        "pause jusqu'au mois prochain ou jusqu'à ce qu'un administrateur relève budget_usd"
    )
