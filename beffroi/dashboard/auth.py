"""Passwords and roles.

Passwords are hashed with argon2 (the OWASP recommendation); a wrong user name and a wrong
password give the same answer so the login page does not reveal who has an account. After
``MAX_FAILURES`` wrong passwords for one user name within ``LOCKOUT``, that name is refused
(even with the right password) until the window has passed: guessing a manager's password
from the city's network takes years instead of hours.
"""

from __future__ import annotations

import functools
import sqlite3
import threading
import time
from collections import defaultdict, deque

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from beffroi.store import StaffMember, get_staff

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


def hash_password(password: str) -> str:
    if len(password) < 8:
        raise ValueError("a password needs at least 8 characters")
    return _hasher.hash(password)


MAX_FAILURES = 5
LOCKOUT = 15 * 60  # seconds


class LoginThrottle:
    """Recent failed logins per user name, in this process (one dashboard server)."""

    def __init__(self, clock=time.monotonic) -> None:
        self.clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _recent(self, name: str) -> deque[float]:
        failures, cutoff = self._failures[name], self.clock() - LOCKOUT
        while failures and failures[0] < cutoff:
            failures.popleft()
        return failures

    def locked(self, name: str) -> bool:
        with self._lock:
            return len(self._recent(name)) >= MAX_FAILURES

    def failed(self, name: str) -> None:
        with self._lock:
            self._recent(name).append(self.clock())

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)

    def reset(self) -> None:
        with self._lock:
            self._failures.clear()


THROTTLE = LoginThrottle()


def authenticate(
    conn: sqlite3.Connection,
    username: str,
    password: str,
    throttle: LoginThrottle | None = None,
) -> StaffMember | None:
    """The staff member if the password is right, the account active and the name not
    locked out by repeated failures; else None (the same answer for every failure)."""
    throttle = throttle or THROTTLE
    name = username.strip()
    key = name.casefold()
    member = get_staff(conn, name)
    try:
        if member is None or not member.active or throttle.locked(key):
            _hasher.verify(_dummy_hash(), password)
            raise VerificationError("refused")
        _hasher.verify(member.password_hash, password)
    except (VerificationError, InvalidHashError):
        throttle.failed(key)
        return None
    throttle.succeeded(key)
    return member
