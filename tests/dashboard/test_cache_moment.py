"""The ranking's and the Rapports page's "now" follows writes, not the clock: a cached
ranking survives minutes without a write, and is recomputed after the next collection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.analytics.ranking import RankingFilter, rank_members
from beffroi.dashboard.cache import cached_reader, data_moment
from tests.dashboard.conftest import fill

ranked: list[datetime] = []


def counting_ranking(conn, settings, now, filters):
    ranked.append(now)
    return rank_members(conn, settings, now, filters)


def test_a_ranking_is_computed_once_per_write_not_once_per_minute(city):
    settings, _, conn = city
    path = str(settings.database_path)
    cached = cached_reader(path)
    ranked.clear()
    start = datetime(2026, 11, 25, 9, 0, 30, tzinfo=UTC)
    for minutes in range(0, 30, 3):  # half an hour of reruns, nothing written
        now = data_moment(path, start + timedelta(minutes=minutes))
        cached(counting_ranking, settings, now, RankingFilter())
    assert ranked == [start.replace(second=0)]
    fill(conn, start, [("x_ville", "x", "late1", 0, "nina", "Bonjour la mairie")])
    later = start + timedelta(minutes=31)
    now = data_moment(path, later)
    cached(counting_ranking, settings, now, RankingFilter())
    assert ranked == [start.replace(second=0), later.replace(second=0)]
    # Without any write, the moment still moves on after an hour.
    assert data_moment(path, later + timedelta(minutes=61)) == (
        later + timedelta(minutes=61)
    ).replace(second=0)
