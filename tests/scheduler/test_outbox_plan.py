"""Planning occurrences with a frozen clock: alerts, missed occurrences, pauses, grace."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from beffroi.config.settings import Alerts
from beffroi.scheduler.drafts import pause_series
from beffroi.scheduler.outbox import alert_cycle, publish_cycle
from beffroi.store import sync_accounts, to_db
from tests.conftest import mailing, settings_with
from tests.scheduler.drafting import approved_draft

# Thursday 26 November 2026, 11:00 Paris = 10:00 UTC.
OCCURRENCE = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture
def mailed_settings(example_settings, smtp_server):
    comms = Alerts(comms_email="communication@ville.test")
    return mailing(example_settings, smtp_server, "beffroi@ville.test", alerts=comms)


@pytest.fixture
def quiet_settings(example_settings):
    """The example city with no comms address: no mail leaves the test."""
    return settings_with(example_settings, alerts=Alerts())


def statuses(conn, series="jeudi_economie"):
    return [
        (r[0], r[1], r[2])
        for r in conn.execute(
            "SELECT occurrence, account, status FROM publications WHERE series_key = ? "
            "ORDER BY occurrence, account",
            (series,),
        )
    ]


def occurrence_rows(conn, columns: str) -> list:
    """``columns`` of the Jeudi de l'économie's rows for OCCURRENCE, one per account."""
    return conn.execute(
        f"SELECT {columns} FROM publications WHERE series_key = 'jeudi_economie' "  # noqa: S608
        "AND occurrence = ? ORDER BY account",
        (to_db(OCCURRENCE),),
    ).fetchall()


def cycle(conn, settings, now):
    """What the service's publish and draft_alerts jobs do at ``now``."""
    report = publish_cycle(conn, settings, {}, now=now, worker="test")
    alerts = alert_cycle(conn, settings, now=now)
    return {**report, **alerts}


def test_no_approved_draft_sends_one_alert_then_records_missed(db, mailed_settings, smtp_server):
    _, _, inbox = smtp_server
    sync_accounts(db, mailed_settings)
    # 3 days before: nothing yet (alert window is 48 h).
    cycle(db, mailed_settings, OCCURRENCE - timedelta(days=3))
    assert not [m for m in inbox if "Jeudi" in m["Subject"]]
    # 47 h before, then again an hour later: exactly one e-mail for this occurrence.
    report = cycle(db, mailed_settings, OCCURRENCE - timedelta(hours=47))
    cycle(db, mailed_settings, OCCURRENCE - timedelta(hours=46))
    jeudi = [m for m in inbox if "Jeudi de l'économie" in m["Subject"]]
    assert len(jeudi) == 1 and report["alerts"] >= 1
    assert jeudi[0]["To"] == "communication@ville.test"
    assert "26/11 à 11:00" in jeudi[0]["Subject"]
    # At occurrence time, still nothing: missed, shown with the reason, never skipped.
    report = cycle(db, mailed_settings, OCCURRENCE + timedelta(seconds=30))
    assert report["missed"] == 2
    rows = occurrence_rows(db, "status, error, alerted_at")
    assert [r["status"] for r in rows] == ["missed", "missed"]
    assert all("aucun brouillon approuvé" in r["error"] and r["alerted_at"] for r in rows)


def test_an_approved_draft_prevents_the_alert(db, mailed_settings, smtp_server):
    _, _, inbox = smtp_server
    sync_accounts(db, mailed_settings)
    draft = approved_draft(
        db,
        mailed_settings,
        {"x_ville": "Jeudi !", "facebook_ville": "Jeudi !"},
        now=OCCURRENCE - timedelta(days=4),
        series_key="jeudi_economie",
    )
    cycle(db, mailed_settings, OCCURRENCE - timedelta(hours=47))
    assert not [m for m in inbox if "Jeudi de l'économie" in m["Subject"]]
    # Due: the draft is attached, the rows wait for the network (none here: stays approved).
    cycle(db, mailed_settings, OCCURRENCE)
    assert {s for *_, s in statuses(db) if _[0] == "2026-11-26 10:00:00"} == {"approved"}
    assert (
        db.execute("SELECT status FROM drafts WHERE id = ?", (draft,)).fetchone()[0] == "publishing"
    )


def test_down_beyond_grace_is_missed_and_the_draft_waits_for_the_next(db, quiet_settings):
    sync_accounts(db, quiet_settings)
    start = OCCURRENCE - timedelta(days=1)
    cycle(db, quiet_settings, start)
    draft = approved_draft(
        db,
        quiet_settings,
        {"x_ville": "Jeudi !", "facebook_ville": "Jeudi !"},
        now=start,
        series_key="jeudi_economie",
    )
    # The service comes back 3 h after the occurrence (grace 2 h): missed, draft released.
    report = cycle(db, quiet_settings, OCCURRENCE + timedelta(hours=3))
    assert report["missed"] == 2
    rows = occurrence_rows(db, "status, error")
    assert {r["status"] for r in rows} == {"missed"}
    assert "délai de grâce" in rows[0]["error"]
    # It cannot know whether the service was stopped or only late: it says both.
    assert "arrêté ou en retard" in rows[0]["error"]
    assert (
        db.execute("SELECT status FROM drafts WHERE id = ?", (draft,)).fetchone()[0] == "approved"
    )


def test_down_for_a_week_records_every_occurrence_in_between(db, quiet_settings):
    sync_accounts(db, quiet_settings)
    cycle(db, quiet_settings, OCCURRENCE - timedelta(hours=1))
    cycle(db, quiet_settings, OCCURRENCE + timedelta(days=15))
    missed = [o for o, _, s in statuses(db) if s == "missed"]
    assert sorted(set(missed)) == [
        "2026-11-26 10:00:00",
        "2026-12-03 10:00:00",
        "2026-12-10 10:00:00",
    ]


def test_paused_series_records_cancelled_occurrences_and_no_alert(db, mailed_settings, smtp_server):
    _, _, inbox = smtp_server
    sync_accounts(db, mailed_settings)
    assert pause_series(
        db, "jeudi_economie", True, username="lea", role="comms", now=OCCURRENCE - timedelta(days=5)
    )
    cycle(db, mailed_settings, OCCURRENCE - timedelta(hours=40))
    assert not [m for m in inbox if "Jeudi de l'économie" in m["Subject"]]
    cycle(db, mailed_settings, OCCURRENCE + timedelta(minutes=1))
    rows = occurrence_rows(db, "status, error")
    assert {(r["status"], r["error"]) for r in rows} == {("cancelled", "série en pause")}


def test_changed_recurrence_forgets_coming_occurrences_of_the_old_time(db, quiet_settings):
    from beffroi.config.settings import Recurrence

    sync_accounts(db, quiet_settings)
    cycle(db, quiet_settings, OCCURRENCE - timedelta(hours=30))
    assert {o for o, _, _ in statuses(db)} == {"2026-11-26 10:00:00"}
    moved = [
        r.model_copy(update={"recurrence": Recurrence(kind="weekly", days=["thu"], time="15:00")})
        if r.key == "jeudi_economie"
        else r
        for r in quiet_settings.rendezvous
    ]
    cycle(db, settings_with(quiet_settings, rendezvous=moved), OCCURRENCE - timedelta(hours=29))
    assert {o for o, _, _ in statuses(db)} == {"2026-11-26 14:00:00"}
