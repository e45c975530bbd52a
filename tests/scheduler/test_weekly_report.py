"""The weekly report: built by analytics, archived beside the database and mailed by the
scheduler's job, once a week at its day and time, also after a restart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.config.settings import Reports
from beffroi.scheduler.service import WEEKLY_REPORT_KEY, weekly_report_if_due
from beffroi.scheduler.weekly_report import send_weekly_report
from beffroi.store import connect, get_meta, sync_accounts
from tests.analytics.test_report import populate
from tests.conftest import mailing, settings_with

# Monday 23 November 2026, 08:00 Paris = 07:00 UTC.
MONDAY_8 = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)


def test_report_sent_once_from_its_time_even_after_a_restart(db, example_settings, smtp_server):
    _, _, inbox = smtp_server
    direction = Reports(recipients=["direction@ville.test"])
    settings = mailing(example_settings, smtp_server, "beffroi@ville.test", reports=direction)
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
    assert (
        done
        == "semaine du 23/11/2026 : rapport envoyé et archivé (beffroi-rapport-semaine-2026-11-16.pdf)"
    )
    assert len(inbox) == 1 and inbox[0]["To"] == "direction@ville.test"
    assert get_meta(db, WEEKLY_REPORT_KEY) == "2026-11-23"
    # Later the same week (another restart): nothing more. The next Monday: the next one.
    assert (
        weekly_report_if_due(db, settings, MONDAY_8 + timedelta(days=3), send_weekly_report) is None
    )
    assert len(inbox) == 1
    weekly_report_if_due(db, settings, MONDAY_8 + timedelta(days=7), send_weekly_report)
    assert len(inbox) == 2


def test_weekly_mail_reaches_the_smtp_server(tmp_path, example_settings, smtp_server, monkeypatch):
    monkeypatch.setenv("BEFFROI_PSEUDONYM_KEY", "test-key")
    host, port, received = smtp_server
    conn = connect(tmp_path / "w.db")
    populate(conn, datetime(2026, 11, 16, tzinfo=UTC))
    conn.close()
    settings = settings_with(
        example_settings,
        smtp=example_settings.smtp.model_copy(
            update={
                "host": host,
                "port": port,
                "starttls": False,
                "username_env": None,
                "password_env": None,
            }
        ),
        reports=example_settings.reports.model_copy(
            update={"recipients": ["direction@example.org"]}
        ),
    )
    monday = datetime(2026, 11, 23, 7, tzinfo=UTC)
    path = send_weekly_report(settings, tmp_path / "w.db", monday)
    assert path.exists() and path.parent == tmp_path / "reports"  # archived beside the database
    (message,) = received
    assert message["To"] == "direction@example.org"
    assert "semaine 47" in message["Subject"]
    body = message.get_body(preferencelist=("plain",)).get_content()
    assert "Messages reçus : 10 (nouveau)" in body  # 7 about mobility + 3 culture
    attachments = list(message.iter_attachments())
    nobody = settings_with(settings, reports=settings.reports.model_copy(update={"recipients": []}))
    assert send_weekly_report(nobody, tmp_path / "w.db", monday) is None
    assert len(received) == 1
    assert attachments[0].get_filename() == "beffroi-rapport-semaine-2026-11-16.pdf"
    assert attachments[0].get_content().startswith(b"%PDF")
