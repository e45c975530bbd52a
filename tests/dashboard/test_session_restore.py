"""A reload or a new tab takes the session back from its cookie (through Streamlit's
AppTest, the cookie handed to the app as the browser would send it), with the idle and
absolute limits counted across tabs, and a logout ending it in every tab."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from streamlit.testing.v1 import AppTest

import beffroi.dashboard.app as dashboard_app
from beffroi.store import claim_session, find_session
from tests.dashboard.conftest import APP, PASSWORD
from tests.dashboard.test_auth import Clock


@pytest.fixture
def clock(monkeypatch):
    moving = Clock(datetime.now(UTC))
    monkeypatch.setattr(dashboard_app, "clock", moving)
    return moving


def _tab() -> AppTest:
    return AppTest.from_file(APP, default_timeout=15).run()


def _logged_in_with_cookie(conn, clock, monkeypatch) -> tuple[AppTest, str]:
    """Log in in one tab, trade its code for the cookie (the route's job), and make every
    later run send that cookie, as the browser does."""
    at = _tab()
    at.text_input(key="login_username").input("claire")
    at.text_input(key="login_password").input(PASSWORD)
    at.button[0].click()
    at.run()
    token = claim_session(conn, at.session_state["beffroi_session_claim"], now=clock.now)
    assert token
    monkeypatch.setattr(dashboard_app, "_cookie_token", lambda: token)
    return at, token


def test_a_new_tab_is_logged_in_until_the_idle_limit(city, clock, monkeypatch):
    _, _, conn = city
    first, token = _logged_in_with_cookie(conn, clock, monkeypatch)
    assert first.title[0].value == "Boîte de réception"
    other = _tab()  # a new tab (or F5): no login form
    assert other.title[0].value == "Boîte de réception"
    clock.now += timedelta(minutes=20)
    first.run()  # used in the first tab: counts for the second one too
    clock.now += timedelta(minutes=20)
    other.run()
    assert other.title[0].value == "Boîte de réception"
    clock.now += timedelta(minutes=31)
    again = _tab()
    assert again.title[0].value == "Beffroi"
    assert [e.value for e in again.error] == [
        "Votre session a expiré après 30 min sans activité : reconnectez-vous."
    ]
    assert find_session(conn, token) is None  # revoked: the cookie opens nothing now


def test_logout_in_one_tab_ends_the_session_in_the_others(city, clock, monkeypatch):
    _, _, conn = city
    first, token = _logged_in_with_cookie(conn, clock, monkeypatch)
    other = _tab()
    assert other.title[0].value == "Boîte de réception"
    first.sidebar.button(key="logout").click().run()
    assert first.title[0].value == "Beffroi"
    other.run()
    assert other.title[0].value == "Beffroi"
    assert "Vous vous êtes déconnecté·e" in " ".join(e.value for e in other.error)
    assert _tab().title[0].value == "Beffroi"  # and a reload shows the login form
    assert find_session(conn, token) is None


def test_the_absolute_limit_counts_from_the_first_login(city, clock, monkeypatch):
    _, _, conn = city
    first, _ = _logged_in_with_cookie(conn, clock, monkeypatch)
    for _ in range(35):  # used every 20 minutes, in a new tab each time
        clock.now += timedelta(minutes=20)
        assert _tab().title[0].value == "Boîte de réception"
    clock.now += timedelta(minutes=20)
    late = _tab()
    assert [e.value for e in late.error] == [
        "Votre session a duré 12 h, la durée maximale : reconnectez-vous."
    ]
