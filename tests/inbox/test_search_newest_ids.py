"""A common word's newest-first page read from its highest ids: the same rows as the old
plan (every match collected, looked up, sorted), whether ids follow time or not."""

from __future__ import annotations

import os
import random
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import Author, Item
from beffroi.inbox import Filters, list_entries, views
from beffroi.store import connect
from beffroi.store.queue import close_many
from tests.benchmarks.city_db import bench_module, main_at_59cd8f0, small_city
from tests.pages import ingest_items


def old_list_entries(conn, settings, filters, **page):
    """Main's plan at 59cd8f0 (every match collected, looked up, sorted), read from git
    history; skipped where the history is absent."""
    main_at_59cd8f0("beffroi/inbox/views.py")
    return bench_module("main_code").main_list_entries(conn, settings, filters, **page)


ALL = ("new", "assigned", "replied", "closed")
NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
WORDS = ["merci", "bonjour", "poubelle", "rue", "école", "travaux", "parc", "marché"]
PAGES = ((51, 0), (5, 0), (5, 40), (20, 7), (200, 0))


@pytest.fixture(scope="module")
def timed_city(tmp_path_factory):
    """Items collected pass after pass (ids in time order), then a late backfill of old
    items (high ids, old times), some of them closed; replayable by its seed."""
    seed = int(os.environ.get("SEARCH_SEED", random.randrange(10**6)))
    print(f"timed_city seed={seed} (SEARCH_SEED={seed} to replay)")
    rng = random.Random(seed)
    conn = connect(tmp_path_factory.mktemp("newest") / "b.db")
    author = Author("x", "id-1", "jeanne", None)

    def batch(prefix, times):
        items = [
            Item("x", "x_ville", f"{prefix}{k}", "mention", "in",
                 " ".join(rng.choices(WORDS, k=3)), at, author)
            for k, at in enumerate(times)
        ]  # fmt: skip
        ingest_items(conn, "x_ville", "mentions", items, None)

    start = NOW - timedelta(days=60)
    batch("t", [start + timedelta(minutes=37 * k) for k in range(1500)])
    # Backfilled items at random times, and always a few among the newest pass's own times
    # (high ids, times older than the newest): the id path must hand those pages over.
    late = [start + timedelta(minutes=rng.randrange(80_000)) for _ in range(60)]
    late += [start + timedelta(minutes=37 * (1499 - k) - 5) for k in range(0, 30, 3)]
    batch("late", sorted(late))
    ids = [r[0] for r in conn.execute("SELECT id FROM queue ORDER BY id")]
    close_many(conn, rng.sample(ids, 900), "no_reply_needed", actor="agent", now=NOW)
    yield conn
    conn.close()


def _same_as_old(conn, settings, query, statuses, now=NOW):
    filters = Filters(statuses=statuses, search=query)
    for limit, offset in PAGES:
        new = list_entries(conn, settings, filters, now=now, limit=limit, offset=offset)
        old = old_list_entries(conn, settings, filters, now=now, limit=limit, offset=offset)
        assert [e["queue_id"] for e in new] == [e["queue_id"] for e in old], (limit, offset)
        assert new == old


def test_pages_read_by_id_equal_the_old_plans_and_both_outcomes_occur(
    timed_city, example_settings, monkeypatch
):
    monkeypatch.setattr(views, "FEW_MATCHES", 0)  # every word takes the id path first
    outcomes = []
    by_id = views._newest_by_id

    def recording(*args):
        rows = by_id(*args)
        outcomes.append(rows is not None)
        return rows

    monkeypatch.setattr(views, "_newest_by_id", recording)
    for query in [*WORDS, "merci rue"]:
        for statuses in (ALL, ("closed",), ("new", "closed")):
            _same_as_old(timed_city, example_settings, query, statuses)
    # Pages proved by their ids, and pages handed to the windows (a late item is newer).
    assert True in outcomes and False in outcomes


@pytest.mark.parametrize("query", ["merci", "bonjour", "rue", "la ville", "travaux"])
def test_a_backfilled_city_still_returns_the_old_plans_pages(query, tmp_path_factory, monkeypatch):
    """Ids stream after stream (a first backfill): the check hands pages to the windows."""
    monkeypatch.setattr(views, "FEW_MATCHES", 0)
    path = small_city(tmp_path_factory.mktemp("backfill"))
    settings, _ = bench_module("city").city_settings(path, 2500, 120)
    conn = connect(path, readonly=True)
    try:
        for statuses in (ALL, ("replied", "closed")):
            _same_as_old(conn, settings, query, statuses, bench_module("city").END)
    finally:
        conn.close()
