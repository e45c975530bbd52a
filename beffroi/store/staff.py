"""City staff who log in to the dashboard, with their role.

Only a password *hash* is stored (argon2, computed by ``beffroi.dashboard.auth``); the store
never sees a password.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime

from beffroi.store.connection import transaction
from beffroi.store.meta import write_audit
from beffroi.store.times import from_db, now_utc, to_db

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


def staff_names(conn: sqlite3.Connection) -> dict[str, str]:
    """username -> display name, former staff included (the history still names them)."""
    return dict(conn.execute("SELECT username, display_name FROM staff").fetchall())


# ---------------------------------------------------------------- login attempts


@dataclass(frozen=True)
class LoginHistory:
    """What a staff member sees of their own account: their previous login and the failed
    attempts on their name since then."""

    last_login_at: datetime | None
    last_login_client: str | None
    failures_since: int
    last_failure_at: datetime | None
    last_failure_client: str | None


def record_login_attempt(
    conn: sqlite3.Connection,
    username: str,
    client: str,
    succeeded: bool,
    *,
    now: datetime | None = None,
) -> None:
    """Record one attempt (never the password), with an audit line: ``login`` or
    ``login_failed``, whose target is the name as typed (it may be no account at all)."""
    now = now or now_utc()
    with transaction(conn):
        conn.execute(
            "INSERT INTO login_attempts (at, username, client, succeeded) VALUES (?, ?, ?, ?)",
            (to_db(now), username, client, int(succeeded)),
        )
        action = "login" if succeeded else "login_failed"
        write_audit(conn, username or "?", action, "staff", username, {"client": client}, now)


def failures_since_success(
    conn: sqlite3.Connection,
    *,
    since: datetime,
    username: str | None = None,
    client: str | None = None,
) -> tuple[int, datetime | None]:
    """Failed attempts for a name, or from a client address, after its last success and
    after ``since``: how many, and when the last one was."""
    column, value = ("username", username) if username is not None else ("client", client)
    row = conn.execute(
        f"""
        SELECT count(*), max(at) FROM login_attempts
        WHERE {column} = ? AND succeeded = 0 AND at > ?
          AND at > coalesce((SELECT max(at) FROM login_attempts
                             WHERE {column} = ? AND succeeded = 1), '')
        """,  # noqa: S608 (column is one of two names above)
        (value, to_db(since), value),
    ).fetchone()
    return row[0], from_db(row[1])


def known_clients(conn: sqlite3.Connection, username: str, since: datetime) -> set[str]:
    """The addresses this name logged in from successfully since ``since``."""
    rows = conn.execute(
        "SELECT DISTINCT client FROM login_attempts WHERE username = ? AND succeeded = 1 "
        "AND at > ?",
        (username, to_db(since)),
    )
    return {r[0] for r in rows}


def login_history(conn: sqlite3.Connection, username: str, before: datetime) -> LoginHistory:
    """The login before ``before`` (the current one) and the failures on the name since."""
    key = username.strip().casefold()
    last = conn.execute(
        "SELECT at, client FROM login_attempts WHERE username = ? AND succeeded = 1 "
        "AND at < ? ORDER BY at DESC, id DESC LIMIT 1",
        (key, to_db(before)),
    ).fetchone()
    failed = conn.execute(
        "SELECT count(*), max(at), (SELECT client FROM login_attempts WHERE username = ? "
        "AND succeeded = 0 AND at > ? ORDER BY at DESC, id DESC LIMIT 1) "
        "FROM login_attempts WHERE username = ? AND succeeded = 0 AND at > ?",
        (key, last[0] if last else "", key, last[0] if last else ""),
    ).fetchone()
    return LoginHistory(
        from_db(last[0]) if last else None,
        last[1] if last else None,
        failed[0],
        from_db(failed[1]),
        failed[2],
    )


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
