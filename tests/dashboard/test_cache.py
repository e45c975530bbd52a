"""Read helpers are cached until another connection commits to the database."""

from __future__ import annotations

from datetime import UTC, datetime

from beffroi.dashboard.cache import cached_reader
from beffroi.inbox.views import Filters
from tests.dashboard.conftest import fill

calls: list[tuple] = []


def count_queue(conn, filters: Filters, limit: int) -> int:
    calls.append((filters, limit))
    return conn.execute("SELECT count(*) FROM queue").fetchone()[0]


def test_cached_until_the_database_changes(city):
    settings, _, conn = city
    cached = cached_reader(str(settings.database_path))
    calls.clear()
    filters = Filters(networks=("x",), statuses=("new",))
    assert cached(count_queue, filters, 10) == 4
    assert cached(count_queue, Filters(networks=("x",), statuses=("new",)), 10) == 4
    assert len(calls) == 1  # equal arguments, same database version: one query
    assert cached(count_queue, Filters(networks=("x",), statuses=("closed",)), 10) == 4
    assert len(calls) == 2  # other arguments: another query
    fill(conn, datetime.now(UTC), [("x_ville", "x", "new1", 0, "nina", "Bonjour")])
    assert cached(count_queue, filters, 10) == 5
    assert len(calls) == 3
