"""A small run of the dashboard benchmark in the real Chromium, so it cannot rot."""

from __future__ import annotations

import pytest

from tests.benchmarks.city_db import bench_module
from tests.dashboard.test_browser import chromium_path

pytestmark = pytest.mark.browser


def test_bench_dashboard_measures_every_page_and_memory(city_path, capsys):
    chromium_path()  # skips (or fails under BEFFROI_REQUIRE_BROWSER=1) without Chromium
    bench = bench_module("bench_dashboard")
    figures = bench.run(city_path, rounds=1, sessions=2, timeout_s=180)
    out = capsys.readouterr().out
    assert "cold start to the Boîte drawn" in out
    for label, _ in bench.PAGES:
        assert label in out and figures[label] > 0
    assert 50 < figures["rss"] < 2000
