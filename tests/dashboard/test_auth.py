"""Logins: argon2, one answer for every failure, a throttle kept in the database that slows
guessers without locking the real person out, the audit and history of attempts, and
sessions that expire (idle and absolute). The clock is injected: nothing waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import beffroi.dashboard.app as dashboard_app
from beffroi.dashboard.auth import (
    BASE_DELAY,
    FREE_ACCOUNT_FAILURES,
    FREE_FAILURES,
    WRONG_LOGIN,
    hash_password,
    login,
    session_expired,
    throttle_wait,
)
from beffroi.store import connect, login_history, upsert_staff
from tests.dashboard.conftest import APP, PASSWORD

T0 = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
HOME, GUESSER = "10.0.0.5", "203.0.113.9"


def make_staff(db, name="claire", password=PASSWORD):
    upsert_staff(db, name, display_name=name.title(), role="community_manager",
                 password_hash=hash_password(password))  # fmt: skip


def test_failures_from_one_address_make_it_wait_longer_and_longer(db):
    make_staff(db)
    now = T0
    for _ in range(FREE_FAILURES):
        assert login(db, "claire", "devine", GUESSER, now=now).message == WRONG_LOGIN
        now += timedelta(seconds=1)
    waits = []
    for _ in range(4):
        refused = login(db, "claire", PASSWORD, GUESSER, now=now)  # right password, too soon
        assert refused.member is None and refused.wait_seconds > 0
        assert refused.message == (
            f"Trop de tentatives de connexion : réessayez dans {refused.wait_seconds} s "
            "(chaque échec allonge l'attente)."
        )
        waits.append(refused.wait_seconds)
        now += timedelta(seconds=refused.wait_seconds)
        assert login(db, "claire", "devine", GUESSER, now=now).message == WRONG_LOGIN
    # Each failure doubles the wait (the tries refused while waiting do not count); the
    # first wait is 2 s after the fifth failure, 1 s ago.
    assert waits == [int(BASE_DELAY) - 1] + [int(BASE_DELAY * 2**n) for n in (1, 2, 3)]
    attempts = db.execute("SELECT count(*), sum(succeeded) FROM login_attempts").fetchone()
    assert tuple(attempts) == (FREE_FAILURES + 4, 0)
    now += timedelta(seconds=login(db, "claire", PASSWORD, GUESSER, now=now).wait_seconds)
    assert login(db, "claire", PASSWORD, GUESSER, now=now).member.username == "claire"


def test_a_guesser_elsewhere_never_locks_the_real_person_out(db):
    make_staff(db)
    assert login(db, "claire", PASSWORD, HOME, now=T0).member.username == "claire"
    now = T0 + timedelta(hours=1)
    for _ in range(15):  # a patient guesser, respecting every delay
        now += timedelta(seconds=throttle_wait(db, "claire", GUESSER, now))
        assert login(db, "claire", "devine", GUESSER, now=now).message == WRONG_LOGIN
        now += timedelta(seconds=1)
    assert login(db, "claire", "devine", GUESSER, now=now).wait_seconds > 60
    # A new address for her name waits: the account itself is being guessed...
    assert login(db, "claire", PASSWORD, "198.51.100.7", now=now).wait_seconds > 0
    # ...but Claire, from her usual address, logs in at once with her password.
    assert login(db, " claire ", PASSWORD, HOME, now=now).member.username == "claire"
    assert login(db, "claire", "devine", GUESSER, now=now).wait_seconds > 60  # still slowed


def test_an_unknown_name_is_throttled_like_a_real_one(db):
    now = T0
    for _ in range(FREE_ACCOUNT_FAILURES):
        assert login(db, "personne", "devine", f"192.0.2.{now.second}", now=now).message == (
            WRONG_LOGIN
        )
        now += timedelta(seconds=1)
    assert login(db, "personne", "devine", "192.0.2.200", now=now).wait_seconds > 0


def test_the_throttle_is_in_the_database_shared_and_kept_across_restarts(tmp_path):
    path = tmp_path / "beffroi.db"
    first = connect(path)
    make_staff(first)
    for n in range(FREE_FAILURES):
        login(first, "claire", "devine", GUESSER, now=T0 + timedelta(seconds=n))
    first.close()  # the dashboard restarts (or another dashboard process answers)
    second = connect(path)
    try:
        later = T0 + timedelta(seconds=FREE_FAILURES)
        assert login(second, "claire", PASSWORD, GUESSER, now=later).wait_seconds > 0
    finally:
        second.close()


def test_the_audit_and_the_staff_member_see_failed_logins(db):
    make_staff(db)
    login(db, "claire", PASSWORD, HOME, now=T0)
    login(db, "Claire", "devine", GUESSER, now=T0 + timedelta(hours=2))
    login(db, "personne", "devine", GUESSER, now=T0 + timedelta(hours=3))
    login(db, "claire", "encore", GUESSER, now=T0 + timedelta(hours=4))
    audit = db.execute(
        "SELECT at, actor, action, target_kind, target_id, detail FROM audit "
        "WHERE action LIKE 'login%' ORDER BY id"
    ).fetchall()
    assert [tuple(r) for r in audit] == [
        ("2026-11-30 08:00:00", "claire", "login", "staff", "claire", '{"client": "10.0.0.5"}'),
        ("2026-11-30 10:00:00", "claire", "login_failed", "staff", "claire",
         '{"client": "203.0.113.9"}'),
        ("2026-11-30 11:00:00", "personne", "login_failed", "staff", "personne",
         '{"client": "203.0.113.9"}'),
        ("2026-11-30 12:00:00", "claire", "login_failed", "staff", "claire",
         '{"client": "203.0.113.9"}'),
    ]  # fmt: skip
    now = T0 + timedelta(hours=5)
    assert login(db, "claire", PASSWORD, HOME, now=now).member
    seen = login_history(db, "claire", before=now)
    assert (seen.last_login_at, seen.last_login_client) == (T0, HOME)
    assert (seen.failures_since, seen.last_failure_at, seen.last_failure_client) == (
        2, T0 + timedelta(hours=4), GUESSER,
    )  # fmt: skip
    assert "devine" not in str(db.execute("SELECT * FROM login_attempts").fetchall())


def test_session_expiry_idle_and_absolute():
    assert session_expired(T0, T0, T0 + timedelta(minutes=29), idle_minutes=30,
                           absolute_hours=12) is None  # fmt: skip
    idle = session_expired(T0, T0, T0 + timedelta(minutes=30), idle_minutes=30, absolute_hours=12)
    assert idle == "Votre session a expiré après 30 min sans activité : reconnectez-vous."
    busy = T0 + timedelta(hours=12)
    assert session_expired(T0, busy - timedelta(minutes=1), busy, idle_minutes=30,
                           absolute_hours=12) == (
        "Votre session a duré 12 h, la durée maximale : reconnectez-vous."
    )  # fmt: skip


class Clock:
    def __init__(self, start):
        self.now = start

    def __call__(self):
        return self.now


def _login(at, username, password):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    at.button[0].click()
    return at.run()


@pytest.fixture
def clock(monkeypatch):
    moving = Clock(datetime.now(UTC))
    monkeypatch.setattr(dashboard_app, "clock", moving)
    return moving


def test_the_dashboard_logs_out_an_idle_session(city, clock):
    at = _login(AppTest.from_file(APP, default_timeout=15).run(), "claire", PASSWORD)
    assert at.title[0].value == "Boîte de réception"
    assert "Première connexion enregistrée." in [c.value for c in at.sidebar.caption]
    clock.now += timedelta(minutes=29)
    at.run()
    assert at.title[0].value == "Boîte de réception"  # used: the idle time starts again
    clock.now += timedelta(minutes=30)
    at.run()
    assert at.title[0].value == "Beffroi"
    assert [e.value for e in at.error] == [
        "Votre session a expiré après 30 min sans activité : reconnectez-vous."
    ]


def test_the_dashboard_logs_out_a_session_after_twelve_hours_of_use(city, clock):
    at = _login(AppTest.from_file(APP, default_timeout=15).run(), "claire", PASSWORD)
    for _ in range(12 * 3 - 1):  # used every 20 minutes
        clock.now += timedelta(minutes=20)
        at.run()
        assert at.title[0].value == "Boîte de réception"
    clock.now += timedelta(minutes=20)
    at.run()
    assert [e.value for e in at.error] == [
        "Votre session a duré 12 h, la durée maximale : reconnectez-vous."
    ]
