"""Passwords and roles.

Passwords are hashed with argon2 (the OWASP recommendation); a wrong user name and a wrong
password give the same answer so the login page does not reveal who has an account.
"""

from __future__ import annotations

import sqlite3

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from beffroi.store import StaffMember, get_staff

_hasher = PasswordHasher()
# Verified against when the user does not exist, so both failures take the same time.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

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


def authenticate(conn: sqlite3.Connection, username: str, password: str) -> StaffMember | None:
    """The staff member if the password is right and the account active, else None."""
    member = get_staff(conn, username.strip())
    try:
        if member is None or not member.active:
            _hasher.verify(_DUMMY_HASH, password)
            return None
        _hasher.verify(member.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    return member
