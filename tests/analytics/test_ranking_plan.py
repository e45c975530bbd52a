"""The ranking's plan: members drive, the window is never sorted, an explanation reads only
its person's rows; and an explanation does not depend on the page's cut."""

from __future__ import annotations

from datetime import timedelta

import pytest

from beffroi.analytics import ranking
from beffroi.analytics.ranking import RankingFilter, explain, rank_members
from tests.analytics.test_ranking import _same_frames, city  # noqa: F401 - the city fixture


def _plans(conn, sqls):
    """Every EXPLAIN QUERY PLAN line of the ranking's statements."""
    lines = []
    for sql, params in sqls:
        if sql.lstrip().upper().startswith(("WITH", "SELECT")) and "parts" in sql:
            lines += [r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql, params)]
    return lines


class Recording:
    """A connection that remembers the ranking's statements (the real one executes them)."""

    def __init__(self, conn):
        self.conn, self.sqls = conn, []

    def execute(self, sql, params=()):
        self.sqls.append((sql, list(params)))
        return self.conn.execute(sql, params)


@pytest.mark.parametrize(
    "filters", [RankingFilter(), RankingFilter(network="x", theme="propreté")], ids=repr
)
def test_the_window_is_read_member_by_member_without_sorting_it(city, filters):  # noqa: F811
    conn, settings, _main, end = city
    recording = Recording(conn)
    rank_members(recording, settings, end, filters)
    plan = _plans(conn, recording.sqls)
    assert any("items_member_inbound" in line and "COVERING" in line for line in plan), plan
    if not filters.theme:
        assert any("interactions_member" in line and "COVERING" in line for line in plan), plan
    # The only sort is of the per-member sums (GROUP BY person, ORDER BY), never the rows:
    # the member parts read their rows in member order.
    assert not any("items_inbound" in line or "interactions_created" in line for line in plan)


def test_an_explanation_reads_only_its_persons_range(city):  # noqa: F811
    conn, settings, _main, end = city
    person = int(rank_members(conn, settings, end)["person"].iloc[0])
    recording = Recording(conn)
    explain(recording, settings, end, person)
    plan = _plans(conn, recording.sqls)
    searches = [line for line in plan if "_member" in line]
    assert searches and all("member_id=?" in line for line in searches), plan


def test_an_explanation_ignores_the_pages_cut_and_the_weeks_filter(city):  # noqa: F811
    """A person below ``min_active_weeks`` or past ``limit`` is still explained in full."""
    conn, settings, main, end = city
    everyone = rank_members(conn, settings, end, RankingFilter(limit=None))
    last = everyone.iloc[-1]
    filters = RankingFilter(limit=1, min_active_weeks=int(last["active_weeks"]) + 1)
    for now in (end, end - timedelta(days=3)):
        mine = explain(conn, settings, now, int(last["person"]), filters)
        theirs = main.explain(
            conn, settings, now, int(last["person"]), main.RankingFilter(**filters.__dict__)
        )
        assert mine.score == pytest.approx(theirs.score, abs=1e-9)
        assert (mine.counts, mine.active_weeks) == (theirs.counts, theirs.active_weeks)
        if now == end:
            assert mine.score > 0


def test_a_window_past_sixty_weeks_counts_its_weeks_as_mains(city):  # noqa: F811
    """Past 60 weeks the distinct weeks are several bit masks; same weeks, same scores."""
    conn, settings, main, end = city
    assert len(ranking._week_masks("w", 60)) == 1
    assert len(ranking._week_masks("w", 61)) == 2
    filters = RankingFilter(window_days=500, limit=None)
    new = rank_members(conn, settings, end, filters)
    old = main.rank_members(conn, settings, end, main.RankingFilter(**filters.__dict__))
    assert new["active_weeks"].max() > 8  # 73 weeks of window: two masks, weeks in both
    _same_frames(new, old)


def test_the_window_is_read_once_for_the_order_then_only_the_pages_persons(city):  # noqa: F811
    conn, settings, _main, end = city
    recording = Recording(conn)
    page = rank_members(recording, settings, end, RankingFilter(limit=5))
    statements = [(sql, params) for sql, params in recording.sqls if "parts" in sql]
    assert len(statements) == 2
    (order, order_params), (detail, detail_params) = statements
    assert "AS points" in order and "n_comment" not in order
    # The second pass names the page's members (and nobody else).
    members = sorted({m for ids in page["member_ids"] for m in ids})
    assert "m.id IN (" in detail
    assert sorted(set(detail_params) & set(members)) == members
    # No row's date is parsed: its day number is the index's stored julianday(created_at).
    for sql, params in statements:
        calls = [row[4] for row in conn.execute("EXPLAIN " + sql, params) if row[1] == "Function"]
        assert not any("julianday" in str(call) for call in calls), calls
