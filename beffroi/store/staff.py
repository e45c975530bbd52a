"""City staff who log in to the dashboard, with their role.

Only a password *hash* is stored (argon2, computed by ``beffroi.dashboard.auth``); the store
never sees a password.
"""

from __future__ import annotations

import re
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


USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,39}$")


def check_username(username: str) -> str:
    """A user name staff can type at the login: 2 to 40 lower-case letters, digits, dots,
    dashes or underscores. Raises ValueError with a French sentence otherwise."""
    if not USERNAME.match(username):
        raise ValueError(
            "L'identifiant doit faire de 2 à 40 caractères : lettres minuscules sans accent, "
            "chiffres, point, tiret ou tiret bas (par exemple « claire.d »)."
        )
    return username


def all_staff(conn: sqlite3.Connection) -> list[StaffMember]:
    """Every account, deactivated ones included, for the administration page."""
    return [_member(r) for r in conn.execute("SELECT * FROM staff ORDER BY active DESC, username")]


def _update_staff(
    conn: sqlite3.Connection, username: str, column: str, value, action: str, detail, actor: str
) -> bool:
    with transaction(conn):
        changed = conn.execute(
            f"UPDATE staff SET {column} = ? WHERE username = ?",  # noqa: S608 (fixed columns)
            (value, username),
        ).rowcount
        if changed:
            write_audit(conn, actor, action, "staff", username, detail)
    return bool(changed)


def set_staff_active(conn: sqlite3.Connection, username: str, active: bool, *, actor: str) -> bool:
    """Deactivate (no login, history kept) or reactivate an account."""
    action = "staff_reactivate" if active else "staff_deactivate"
    return _update_staff(conn, username, "active", int(active), action, None, actor)


def set_staff_role(conn: sqlite3.Connection, username: str, role: str, *, actor: str) -> bool:
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; choose one of: {', '.join(ROLES)}")
    return _update_staff(conn, username, "role", role, "staff_role", {"role": role}, actor)


def set_staff_password(
    conn: sqlite3.Connection, username: str, password_hash: str, *, actor: str
) -> bool:
    """A new password hash, set by an administrator (the password itself is never seen)."""
    return _update_staff(
        conn, username, "password_hash", password_hash, "staff_password", None, actor
    )
