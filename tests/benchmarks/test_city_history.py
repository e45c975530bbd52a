"""The benchmarks' city is the same file whatever day and hour it is built: its history
ends at ``city.END``, and the collection that reads it runs on that clock too (CI once
built it a day after END: the simulated network's live activity up to the real now was
collected, and the open list's order compared with main's depended on the hour)."""

from __future__ import annotations

from beffroi.store import connect
from beffroi.store.times import to_db
from tests.benchmarks.city_db import bench_module, small_city


def test_no_item_is_newer_than_the_end_of_the_history(tmp_path):
    city_path = small_city(tmp_path)  # its own: other benchmarks write into theirs
    end = to_db(bench_module("city").END)
    conn = connect(city_path, readonly=True)
    newest, collected = conn.execute(
        "SELECT max(created_at), max(collected_at) FROM items"
    ).fetchone()
    conn.close()
    assert max(newest, collected) <= end, "the city was collected on the real clock"
