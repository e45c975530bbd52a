"""Small shared writes: instance facts (meta), the audit trail, the city's accounts."""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, Any

from beffroi.store.connection import transaction
from beffroi.store.times import now_utc, to_db

if TYPE_CHECKING:
    from beffroi.config import Settings


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    with transaction(conn):
        conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def write_audit(
    conn: sqlite3.Connection,
    actor: str,
    action: str,
    target_kind: str,
    target_id: Any,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> None:
    """Record who did what; call inside the transaction of the action itself."""
    conn.execute(
        "INSERT INTO audit (at, actor, action, target_kind, target_id, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (
            to_db(now or now_utc()),
            actor,
            action,
            target_kind,
            None if target_id is None else str(target_id),
            json.dumps(detail, ensure_ascii=False, default=str) if detail else None,
        ),
    )


def sync_accounts(conn: sqlite3.Connection, settings: Settings) -> None:
    """Mirror the configuration's accounts and series into their tables."""
    stamp = to_db(now_utc())
    with transaction(conn):
        for account in settings.accounts:
            conn.execute(
                """
                INSERT INTO accounts (key, network, handle, external_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (key) DO UPDATE SET network = excluded.network,
                    handle = excluded.handle,
                    external_id = coalesce(excluded.external_id, accounts.external_id)
                """,
                (account.key, account.network, account.handle, account.external_id or None),
            )
        for rdv in settings.rendezvous:
            conn.execute(
                "INSERT INTO series (key, name, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET name = excluded.name",
                (rdv.key, rdv.name, stamp),
            )
