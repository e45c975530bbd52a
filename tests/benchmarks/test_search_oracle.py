"""Full-text search reads a bounded window of matches, and returns exactly what the old
plan (every match collected, looked up, sorted) returned, on a generated city."""

from __future__ import annotations

import pytest

from beffroi.inbox import Filters, list_entries, views
from beffroi.store import connect
from beffroi.store.queue import OPEN
from tests.benchmarks.city_db import bench_module, main_at_59cd8f0, small_city


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    path = small_city(tmp_path_factory.mktemp("search"))
    settings, _ = bench_module("city").city_settings(path, 2500, 120)
    conn = connect(path, readonly=True)
    main_at_59cd8f0("beffroi/inbox/views.py")  # skipped here without the git history
    yield conn, settings
    conn.close()


ALL = ("new", "assigned", "replied", "closed")
QUERIES = [
    "merci",
    "Merci",
    "bonjour",
    "poubelle",
    "poubelles",
    "écoles",
    "ecoles",
    "rue",
    "travaux",
    "élu",
    "la ville",
    "zzzz introuvable",
    '"guillemets',
    "st",
]


# The plan's thresholds, as shipped and forced to each of their paths on this small city.
def every_window(*_):
    return views.SEARCH_WINDOWS_DAYS


PLANS = {
    "as shipped": {},
    "windows": {"_useful_windows": every_window},
    "windows, prefix kept": {"_useful_windows": every_window, "MAX_EXPANDED_TERMS": 0},
    "windows, many ranges": {"_useful_windows": every_window, "RANGE_GAP": 0, "MAX_RANGES": 4},
}


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("statuses", [OPEN, ("new",), ALL, ("closed",), ("replied", "closed")])
@pytest.mark.parametrize("query", QUERIES)
def test_search_returns_what_the_old_plan_returned(city, query, statuses, plan, monkeypatch):
    conn, settings = city
    main_at_59cd8f0("beffroi/inbox/views.py")  # skips where the git history is absent
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(views, name, value)
    now = bench_module("city").END
    filters = Filters(statuses=statuses, search=query)
    for limit, offset in ((51, 0), (5, 0), (5, 40), (200, 0), (20, 300)):
        new = list_entries(conn, settings, filters, now=now, limit=limit, offset=offset)
        old = bench_module("main_code").main_list_entries(
            conn, settings, filters, now=now, limit=limit, offset=offset
        )
        assert [e["queue_id"] for e in new] == [e["queue_id"] for e in old], (limit, offset)
        assert new == old


def test_sample_reaches_every_window(city, monkeypatch):
    """The sample above is not all decided by the first window: some pages fill within
    three days, others need a wider window, others the whole history."""
    conn, settings = city
    monkeypatch.setattr(views, "_useful_windows", every_window)
    now = bench_module("city").END
    windows: list[str] = []
    id_ranges = views._id_ranges

    def counting(conn, sql, params=()):
        windows.append(sql)
        return id_ranges(conn, sql, params)

    monkeypatch.setattr(views, "_id_ranges", counting)
    tried = set()
    for query in QUERIES:
        for limit in (5, 20, 51):
            windows.clear()
            list_entries(conn, settings, Filters(statuses=ALL, search=query), now=now, limit=limit)
            tried.add(len(windows))
    assert {1, len(views.SEARCH_WINDOWS_DAYS) - 1} <= tried
    assert len(tried) >= 3


def test_a_word_written_after_a_search_is_found_by_the_next_one(tmp_path, example_settings):
    """The vocabulary read for a prefix is kept only while the FTS index is unchanged."""
    from datetime import UTC, datetime

    from beffroi.collectors import Author, Item
    from tests.pages import ingest_items

    conn = connect(tmp_path / "b.db")
    now = datetime(2026, 11, 25, 12, tzinfo=UTC)

    def write(external_id, text):
        author = Author("x", "id-1", "jeanne", None)
        item = Item("x", "x_ville", external_id, "mention", "in", text, now, author)
        ingest_items(conn, "x_ville", "mentions", [item], None)

    write("1", "Une poubelle déborde")
    found = list_entries(conn, example_settings, Filters(statuses=ALL, search="poubel"), now=now)
    assert [e["text"] for e in found] == ["Une poubelle déborde"]
    write("2", "Les poubelles du marché")
    found = list_entries(conn, example_settings, Filters(statuses=ALL, search="Poubel"), now=now)
    assert sorted(e["text"] for e in found) == ["Les poubelles du marché", "Une poubelle déborde"]
    conn.close()
