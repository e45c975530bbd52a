"""Passwords, roles, the login throttle and session expiry.

Passwords are hashed with argon2 (the OWASP recommendation); a wrong user name and a wrong
password give the same answer so the login page does not reveal who has an account.

Every attempt is recorded in the database (``login_attempts``: shared by every dashboard
process, kept across restarts; never the password). Repeated failures slow the guesser
down instead of locking the account: after ``FREE_FAILURES`` failures from one client
address (since its last success), each new try from it must wait a delay that doubles with
every further failure, up to ``MAX_DELAY``; the same for one account name after
``FREE_ACCOUNT_FAILURES`` failures from anywhere, except from the addresses the person
logged in from recently (``KNOWN_CLIENT_DAYS``). A guesser on another machine thus slows
only themselves, and the real person keeps logging in from their usual one. A try refused
because of the delay does not check the password and does not count as a failure.

Sessions end after ``[dashboard] idle_timeout_minutes`` without use and
``absolute_timeout_hours`` after login, whatever the use (``session_expired``).
"""

from __future__ import annotations

import functools
import math
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from beffroi.store import (
    StaffMember,
    failures_since_success,
    get_staff,
    known_clients,
    now_utc,
    record_login_attempt,
)

_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Verified against when the user does not exist, so both failures take the same time.
    Made on first use, not at import: hashing takes a second, and every command of the
    command line imports this module (``beffroi staff``)."""
    return _hasher.hash("not-a-real-password")


ROLE_LABELS = {
    "community_manager": "Community manager",
    "comms": "Chargé·e de communication",
    "comms_lead": "Responsable communication",
    "director": "Direction",
    "admin": "Administrateur",
}

FREE_FAILURES = 5  # per client address, before any delay
FREE_ACCOUNT_FAILURES = 10  # per account name, from addresses it never logged in from
BASE_DELAY = 2.0  # seconds, doubled at each further failure
MAX_DELAY = 15 * 60.0
WINDOW = timedelta(hours=24)  # failures older than this are forgiven
KNOWN_CLIENT_DAYS = 30
UNKNOWN_CLIENT = "inconnue"


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    return _hasher.hash(password)


def delay_after(failures: int, free: int) -> float:
    """Seconds to wait after the last of ``failures`` failures: 0 for the first ``free``."""
    if failures < free:
        return 0.0
    return min(MAX_DELAY, BASE_DELAY * 2 ** (failures - free))


@dataclass(frozen=True)
class Login:
    """The outcome of a login attempt: the member, or why not (``wait_seconds`` > 0: the
    throttle refused the try before checking the password)."""

    member: StaffMember | None
    wait_seconds: int = 0

    @property
    def message(self) -> str | None:
        if self.member is not None:
            return None
        if self.wait_seconds:
            return (
                f"Trop de tentatives de connexion : réessayez dans {self.wait_seconds} s "
                "(chaque échec allonge l'attente)."
            )
        return WRONG_LOGIN


WRONG_LOGIN = "Identifiant ou mot de passe incorrect."


def throttle_wait(conn: sqlite3.Connection, key: str, client: str, now: datetime) -> int:
    """Whole seconds this client must still wait before trying ``key`` again (0: go)."""
    since = now - WINDOW
    waits = []
    count, last = failures_since_success(conn, client=client, since=since)
    if last is not None:
        waits.append(last + timedelta(seconds=delay_after(count, FREE_FAILURES)) - now)
    if client not in known_clients(conn, key, now - timedelta(days=KNOWN_CLIENT_DAYS)):
        count, last = failures_since_success(conn, username=key, since=since)
        if last is not None:
            waits.append(last + timedelta(seconds=delay_after(count, FREE_ACCOUNT_FAILURES)) - now)
    longest = max(waits, default=timedelta(0)).total_seconds()
    return math.ceil(longest) if longest > 0 else 0


def login(
    conn: sqlite3.Connection,
    username: str,
    password: str,
    client: str | None = None,
    *,
    now: datetime | None = None,
) -> Login:
    """Check a login from ``client`` (its address); every checked attempt is recorded."""
    now = now or now_utc()
    client = client or UNKNOWN_CLIENT
    name = username.strip()
    key = name.casefold()
    wait = throttle_wait(conn, key, client, now)
    if wait:
        return Login(None, wait)
    member = get_staff(conn, name)
    try:
        if member is None or not member.active:
            _hasher.verify(_dummy_hash(), password)
            raise VerificationError("refused")
        _hasher.verify(member.password_hash, password)
    except (VerificationError, InvalidHashError):
        record_login_attempt(conn, key, client, False, now=now)
        return Login(None)
    record_login_attempt(conn, key, client, True, now=now)
    return Login(member)


def session_expired(
    logged_in_at: datetime,
    last_seen_at: datetime,
    now: datetime,
    *,
    idle_minutes: int,
    absolute_hours: int,
) -> str | None:
    """Why a session must log in again (a French sentence), or None while it is valid."""
    if now - logged_in_at >= timedelta(hours=absolute_hours):
        return f"Votre session a duré {absolute_hours} h, la durée maximale : reconnectez-vous."
    if now - last_seen_at >= timedelta(minutes=idle_minutes):
        return f"Votre session a expiré après {idle_minutes} min sans activité : reconnectez-vous."
    return None
