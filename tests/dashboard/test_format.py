"""French relative times in the city's zone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from beffroi.dashboard.format import author_label, full_time, relative_time

PARIS = ZoneInfo("Europe/Paris")
# Wednesday 25 November 2026, 15:00 in Paris (UTC+1).
NOW = datetime(2026, 11, 25, 14, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("ago", "expected"),
    [
        (timedelta(seconds=20), "à l'instant"),
        (timedelta(seconds=-30), "à l'instant"),  # a clock slightly ahead of ours
        (timedelta(minutes=5), "il y a 5 min"),
        (timedelta(minutes=59, seconds=59), "il y a 59 min"),
        (timedelta(hours=2, minutes=58), "aujourd'hui à 12:02"),
        (timedelta(hours=24, minutes=58), "hier à 14:02"),
        (timedelta(days=2), "lundi à 15:00"),
        (timedelta(days=6), "jeudi à 15:00"),
        (timedelta(days=30), "26 octobre à 15:00"),
        (timedelta(days=400), "21 octobre 2025"),
    ],
)
def test_relative_time(ago, expected):
    assert relative_time(NOW - ago, NOW, PARIS) == expected


def test_calendar_words_follow_the_city_zone_not_utc():
    # 23:30 UTC on the 24th is 00:30 on the 25th in Paris: "aujourd'hui", not "hier".
    late = datetime(2026, 11, 24, 23, 30, tzinfo=UTC)
    assert relative_time(late, NOW, PARIS) == "aujourd'hui à 00:30"
    assert relative_time(late, NOW, UTC) == "hier à 23:30"


def test_summer_time_and_database_text():
    summer_now = datetime(2026, 7, 14, 12, 0, tzinfo=UTC)  # 14:00 in Paris (UTC+2)
    assert relative_time("2026-07-14 10:30:00", summer_now, PARIS) == "aujourd'hui à 12:30"
    assert full_time("2026-07-14 10:30:00", PARIS) == "mardi 14 juillet 2026 à 12:30"
    assert relative_time(None, summer_now, PARIS) == ""


def test_author_label():
    assert author_label("jeanne_m", "Jeanne M.", False) == "Jeanne M. (@jeanne_m)"
    assert author_label("jeanne_m", None, False) == "@jeanne_m"
    assert author_label(None, None, False) == "(auteur inconnu)"
    assert author_label(None, None, True) == "(personne effacée)"


def test_received_time_adds_relative_words_only_when_they_say_more():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from beffroi.dashboard.format import received_time

    paris = ZoneInfo("Europe/Paris")
    now = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
    recent = datetime(2026, 12, 1, 9, 55, tzinfo=UTC)
    old = datetime(2026, 9, 8, 18, 24, tzinfo=UTC)
    assert received_time(recent, now, paris) == "mardi 1 décembre 2026 à 10:55 (il y a 5 min)"
    assert received_time(old, now, paris) == "mardi 8 septembre 2026 à 20:24"


def test_every_stream_a_collector_reads_has_a_french_name():
    """The health page named Bluesky's and Mastodon's streams by their keys ("own",
    "notifications", "engagement"), which means nothing to city staff."""
    from beffroi.collectors import bluesky, facebook, instagram, mastodon
    from beffroi.collectors.x import client as x
    from beffroi.dashboard.format import STREAM_LABELS
    from beffroi.sandbox.compose import STREAMS as SIMULATED

    offered = {
        *x.STREAMS,
        *facebook.FacebookCollector.STREAMS,
        *instagram.InstagramCollector.STREAMS,
        *mastodon.STREAMS,
        *bluesky.STREAMS,
        *(s for streams in SIMULATED.values() for s in streams),
    }
    assert sorted(offered - set(STREAM_LABELS)) == []
