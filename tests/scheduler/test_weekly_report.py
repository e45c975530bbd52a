"""The weekly report job: sent once a week at its day and time, also after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.config.settings import SMTP, Reports
from beffroi.scheduler.service import WEEKLY_REPORT_KEY, weekly_report_if_due
from beffroi.scheduler.weekly_report import send_weekly_report
from beffroi.store import get_meta, sync_accounts
from tests.conftest import settings_with

# Monday 23 November 2026, 08:00 Paris = 07:00 UTC.
MONDAY_8 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_report_sent_once_from_its_time_even_after_a_restart(db, example_settings, smtp_server):
    host, port, inbox = smtp_server
    settings = settings_with(
        example_settings,
        smtp=SMTP(host=host, port=port, sender="beffroi@ville.test"),
        reports=Reports(recipients=["direction@ville.test"]),
    )
    sync_accounts(db, settings)
    assert (
        weekly_report_if_due(db, settings, MONDAY_8 - timedelta(minutes=1), send_weekly_report)
        is None
    )
    assert inbox == []
    # The service was down at 08:00 and comes back at 10:30: the report goes out then.
    done = weekly_report_if_due(
        db, settings, MONDAY_8 + timedelta(hours=2, minutes=30), send_weekly_report
    )
    assert done.startswith("week of 2026-11-23 sent")
    assert len(inbox) == 1 and inbox[0]["To"] == "direction@ville.test"
    assert get_meta(db, WEEKLY_REPORT_KEY) == "2026-11-23"
    # Later the same week (another restart): nothing more. The next Monday: the next one.
    assert (
        weekly_report_if_due(db, settings, MONDAY_8 + timedelta(days=3), send_weekly_report) is None
    )
    assert len(inbox) == 1
    weekly_report_if_due(db, settings, MONDAY_8 + timedelta(days=7), send_weekly_report)
    assert len(inbox) == 2
