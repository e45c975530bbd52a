"""X on a metered budget: every request and the resources it returned are counted per
account, stream and day in the database; at the budget, X collection pauses, the admins are
told in French (a real local SMTP server), and an admin raising the budget resumes it.

The X API is intercepted with ``responses`` (tweepy speaks through ``requests``); answers
are WRITTEN in X v2's form (tests.collectors.x_http), the database is a real SQLite file.
"""

from __future__ import annotations

import pytest
import responses
import sqlite_utils

from beffroi.config.settings import SMTP, XPricing
from beffroi.scheduler import x_budget
from beffroi.scheduler.collection import collect_stream
from beffroi.store import sync_accounts, upsert_staff
from tests.collectors.x_http import (
    CITY_ID,
    EMPTY,
    MENTIONS_URL,
    NOW,
    body,
    tid,
    tweet,
    x_account,
    x_collector,
)
from tests.conftest import settings_with


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


def mentions(n: int) -> dict:
    return body([tweet(tid(10 + i), f"@marcqenbaroeul bonjour {i}", "42") for i in range(n)])


def usage(conn) -> list[dict]:
    return list(sqlite_utils.Database(conn)["x_usage"].rows)


def test_every_request_and_resource_is_counted_per_stream_and_day(db, rsps):
    rsps.get(MENTIONS_URL, json=mentions(3))
    rsps.get(MENTIONS_URL, json=EMPTY)
    collector = x_collector()
    collect_stream(db, collector, "mentions", now=lambda: NOW)
    assert usage(db) == [
        {
            "day": "2026-11-25",
            "account": "x_ville",
            "stream": "mentions",
            "resource": "owned_read",  # the city's own mentions, read with its user keys
            "requests": 1,
            "resources": 3,
        }
    ]
    # An idle pass: one more request, nothing returned.
    collect_stream(db, collector, "mentions", now=lambda: NOW)
    assert [(r["requests"], r["resources"]) for r in usage(db)] == [(2, 3)]
    assert len(rsps.calls) == 2


def test_a_failed_request_is_counted_too(db, rsps):
    rsps.get(MENTIONS_URL, json={"title": "Service Unavailable"}, status=503)
    report = collect_stream(db, x_collector(), "mentions", now=lambda: NOW)
    assert report.status == "error"
    assert [(r["requests"], r["resources"]) for r in usage(db)] == [(3, 0)]  # 1 + 2 retries


def test_the_budget_pauses_collection_then_an_admin_raises_it(
    db, rsps, example_settings, smtp_server
):
    host, port, inbox = smtp_server
    settings = settings_with(example_settings, smtp=SMTP(host=host, port=port))
    sync_accounts(db, settings)
    upsert_staff(
        db, "admin", display_name="Admin", role="admin", password_hash="x", email="dsi@ville.test"
    )
    rsps.get(MENTIONS_URL, json=mentions(10))
    collector = x_collector(x_account(budget_usd=0.01))
    collector.pricing = XPricing()
    first = collect_stream(db, collector, "mentions", now=lambda: NOW)
    assert first.status == "ok"  # 10 owned reads: $0.010, the budget
    paused = collect_stream(db, collector, "mentions", now=lambda: NOW)
    assert (paused.status, paused.error_kind) == ("error", "budget")
    assert "budget X du mois atteint (0,01 $ estimés pour 0,01 $ prévus)" in paused.error
    assert len(rsps.calls) == 1  # the paused pass asked X nothing
    assert x_budget.notify_admins(db, settings, NOW) == 1
    assert x_budget.notify_admins(db, settings, NOW) == 0  # once per account and month
    (mail,) = inbox
    assert mail["To"] == "dsi@ville.test"
    assert "a atteint son budget du mois 2026-11" in mail.get_content()
    # The admin raises the budget: the next pass reads X again and the pause is lifted.
    rsps.get(MENTIONS_URL, json=EMPTY)
    raised = x_collector(x_account(budget_usd=1.0))
    assert collect_stream(db, raised, "mentions", now=lambda: NOW).status == "ok"
    assert list(sqlite_utils.Database(db)["x_budget_pauses"].rows) == []


def test_month_summary_shows_estimate_budget_and_trend(db, rsps, example_settings):
    rsps.get(MENTIONS_URL, json=mentions(4))
    collect_stream(db, x_collector(), "mentions", now=lambda: NOW)
    (row,) = x_budget.month_summary(db, example_settings, NOW)
    assert row == {
        "account": "x_ville",
        "requests": 1,
        "resources": 4,
        "estimate_usd": 0.004,  # 4 owned reads at $0.001
        "previous_usd": 0,
        "budget_usd": None,
        "paused": False,
        "publish_only": False,
    }


def test_publish_only_reads_nothing(rsps):
    collector = x_collector(x_account(publish_only=True))
    assert collector.streams() == []


def test_doctor_projection_for_the_configured_interval():
    account = x_account(interval_minutes=5)
    requests, idle, typical = x_budget.projection(account, XPricing(), ["mentions", "dms"])
    assert requests == 2 * 30 * 24 * 12
    assert idle == 0.0
    assert typical == round(30 * (20 * 0.005 + 5 * 0.010), 2)


def test_city_id_is_the_fixture_city():
    assert CITY_ID == "1001"
