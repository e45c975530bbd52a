"""City staff who log in to the dashboard, with their role.

Only a password *hash* is stored (argon2, computed by ``beffroi.dashboard.auth``); the store
never sees a password.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import now_utc, to_db

ROLES = ("community_manager", "comms", "comms_lead", "director", "admin")


@dataclass(frozen=True)
class StaffMember:
    username: str
    display_name: str
    role: str
    password_hash: str
    email: str | None
    active: bool


def upsert_staff(
    conn: sqlite3.Connection,
    username: str,
    *,
    display_name: str,
    role: str,
    password_hash: str,
    email: str | None = None,
    actor: str = "cli",
) -> None:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    with transaction(conn):
        conn.execute(
            """
            INSERT INTO staff (username, display_name, role, password_hash, email, active, created_at)
            VALUES (?, ?, ?, ?, ?, 1, ?)
            ON CONFLICT (username) DO UPDATE SET display_name = excluded.display_name,
                role = excluded.role, password_hash = excluded.password_hash,
                email = coalesce(excluded.email, staff.email), active = 1
            """,
            (username, display_name, role, password_hash, email, to_db(now_utc())),
        )
        write_audit(conn, actor, "staff_upsert", "staff", username, {"role": role})


def _member(row: sqlite3.Row) -> StaffMember:
    return StaffMember(
        row["username"],
        row["display_name"],
        row["role"],
        row["password_hash"],
        row["email"],
        bool(row["active"]),
    )


def get_staff(conn: sqlite3.Connection, username: str) -> StaffMember | None:
    row = conn.execute("SELECT * FROM staff WHERE username = ?", (username,)).fetchone()
    return _member(row) if row else None


def list_staff(conn: sqlite3.Connection, role: str | None = None) -> list[StaffMember]:
    rows = conn.execute(
        "SELECT * FROM staff WHERE active = 1 AND (? IS NULL OR role = ?) ORDER BY username",
        (role, role),
    ).fetchall()
    return [_member(r) for r in rows]
