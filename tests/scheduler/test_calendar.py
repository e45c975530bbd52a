"""The calendar's view of every occurrence: published, scheduled, missing, missed, failed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from beffroi.scheduler import collect_all
from beffroi.scheduler.calendar import build_entries
from beffroi.scheduler.outbox import publish_cycle, tracked_since
from beffroi.store import to_db
from beffroi.store.calendar import (
    publications_between,
)
from tests.scheduler.drafting import approved_draft
from tests.scheduler.sandbox_city import calendar_entries, scheduler_city

START = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)


@pytest.fixture
def city(tmp_path):
    with scheduler_city(tmp_path, START) as city:
        yield city


def test_every_occurrence_of_the_month_has_a_state(city):
    settings, clock, network, conn, collectors = city

    def draft(n):
        texts = {"x_ville": f"J{n}", "facebook_ville": f"J{n}"}
        approved_draft(
            conn, settings, texts, now=START, series_key="jeudi_economie", title=f"n°{n}"
        )

    draft(1)
    draft(2)
    network.inject_failure("x_ville", "publish", "permanent")
    for at in (datetime(2026, 10, 8, 9, 0, tzinfo=UTC), datetime(2026, 10, 15, 9, 0, tzinfo=UTC)):
        clock.now = at
        publish_cycle(conn, settings, collectors, now=at, worker="t")
    draft(3)
    now = datetime(2026, 10, 16, 12, 0, tzinfo=UTC)
    start, end = datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 11, 1, tzinfo=UTC)
    entries = calendar_entries(conn, settings, start, end, now)
    jeudi = [e for e in entries if e.key == "jeudi_economie"]
    local = [(e.when.astimezone(settings.tz).day, e.state) for e in jeudi]
    # 1st Oct: before the service first ran, so not Beffroi's to miss; 8th: X refused (failed, red);
    # 15th: published; 22nd: draft n°3 waiting; 29th: no draft (orange).
    assert local == [
        (1, "untracked"),
        (8, "failed"),
        (15, "published"),
        (22, "approved"),
        (29, "missing"),
    ]
    assert tracked_since(conn) == datetime(2026, 10, 8, 9, 0, tzinfo=UTC)  # the first cycle
    # Had the service looked after the series since September, the 1st would be missed.
    earlier = build_entries(
        settings, publications_between(conn, to_db(start), to_db(end)), [], [], {}, start, end,
        now, datetime(2026, 9, 1, tzinfo=UTC),
    )  # fmt: skip
    assert [e.state for e in earlier if e.key == "jeudi_economie"][0] == "missed"
    assert jeudi[2].draft_title == "n°2" and jeudi[3].draft_title == "n°3"
    published = [r for r in jeudi[2].rows if r["status"] == "published"]
    assert len(published) == 2 and all(r["external_id"] for r in published)
    assert (jeudi[1].label, jeudi[1].color) == ("échec", "red")
    assert (jeudi[4].label, jeudi[4].color) == ("brouillon manquant", "orange")
    # Once collected, the city's post gives the calendar its link.
    collect_all(conn, list(collectors.values()), now=clock)
    rows = publications_between(conn, to_db(start), to_db(end))
    links = [r["link"] for r in rows if r["status"] == "published"]
    assert links and all(link and link.startswith("sandbox://") for link in links)
