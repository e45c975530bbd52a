"""Passwords: argon2, the same answer for every failure, and a lockout after repeated ones."""

from __future__ import annotations

from beffroi.dashboard.auth import LOCKOUT, MAX_FAILURES, LoginThrottle, authenticate, hash_password
from beffroi.store import upsert_staff

PASSWORD = "correct horse battery"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_repeated_failures_lock_the_name_then_the_window_passes(db):
    upsert_staff(db, "claire", display_name="Claire", role="community_manager",
                 password_hash=hash_password(PASSWORD))  # fmt: skip
    clock = Clock()
    throttle = LoginThrottle(clock)
    for _ in range(MAX_FAILURES - 1):
        assert authenticate(db, "claire", "devine", throttle) is None
    assert authenticate(db, " claire ", PASSWORD, throttle).username == "claire"  # resets
    for _ in range(MAX_FAILURES):
        assert authenticate(db, "claire", "devine", throttle) is None
    # Locked: even the right password is refused, with the same answer as a wrong one.
    assert authenticate(db, "claire", PASSWORD, throttle) is None
    assert authenticate(db, "CLAIRE", PASSWORD, throttle) is None
    clock.now += LOCKOUT / 2
    assert authenticate(db, "claire", PASSWORD, throttle) is None
    clock.now += LOCKOUT / 2 + 1
    assert authenticate(db, "claire", PASSWORD, throttle).username == "claire"


def test_unknown_names_are_throttled_alike(db):
    throttle = LoginThrottle(Clock())
    for _ in range(MAX_FAILURES + 1):
        assert authenticate(db, "personne", "devine", throttle) is None
    assert throttle.locked("personne")
