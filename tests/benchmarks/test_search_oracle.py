"""Full-text search reads a bounded window of matches, and returns exactly what the old
plan (every match collected, looked up, sorted) returned, on a generated city."""

from __future__ import annotations

import pytest

from beffroi.inbox import Filters, list_entries, views
from beffroi.store import connect
from beffroi.store.queue import OPEN
from tests.benchmarks.city_db import bench_module, small_city

old_list_entries = bench_module("main_59cd8f0/search").old_list_entries


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    path = small_city(tmp_path_factory.mktemp("search"))
    settings, _ = bench_module("city").city_settings(path, 2500, 120)
    conn = connect(path, readonly=True)
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
PLANS = {
    "as shipped": {},
    "windows": {"FEW_MATCHES": 0},
    "windows, prefix kept": {"FEW_MATCHES": 0, "MAX_EXPANDED_TERMS": 0},
    "windows, many ranges": {"FEW_MATCHES": 0, "RANGE_GAP": 0, "MAX_RANGES": 4},
}


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize("statuses", [OPEN, ("new",), ALL, ("closed",), ("replied", "closed")])
@pytest.mark.parametrize("query", QUERIES)
def test_search_returns_what_the_old_plan_returned(city, query, statuses, plan, monkeypatch):
    conn, settings = city
    for name, value in PLANS[plan].items():
        monkeypatch.setattr(views, name, value)
    now = bench_module("city").END
    filters = Filters(statuses=statuses, search=query)
    for limit, offset in ((51, 0), (5, 0), (5, 40), (200, 0), (20, 300)):
        new = list_entries(conn, settings, filters, now=now, limit=limit, offset=offset)
        old = old_list_entries(conn, settings, filters, now=now, limit=limit, offset=offset)
        assert [e["queue_id"] for e in new] == [e["queue_id"] for e in old], (limit, offset)
        assert new == old


def test_sample_reaches_every_window(city, monkeypatch):
    """The sample above is not all decided by the first window: some pages fill within
    three days, others need a wider window, others the whole history."""
    conn, settings = city
    monkeypatch.setattr(views, "FEW_MATCHES", 0)
    now = bench_module("city").END
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    tried = set()
    try:
        for query in QUERIES:
            for limit in (5, 20, 51):
                statements.clear()
                list_entries(conn, settings, Filters(statuses=ALL, search=query), now=now,
                             limit=limit)  # fmt: skip
                tried.add(sum("SELECT id FROM items WHERE created_at" in s for s in statements))
    finally:
        conn.set_trace_callback(None)
    assert {1, len(views.SEARCH_WINDOWS_DAYS) - 1} <= tried
    assert len(tried) >= 3
