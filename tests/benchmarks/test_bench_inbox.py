"""The inbox benchmark runs against the current inbox API (a small size, so it cannot rot)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCH = Path(__file__).parents[2] / "benchmarks" / "bench_inbox.py"


def test_bench_inbox_runs_and_prints_ratios(tmp_path, capsys):
    spec = importlib.util.spec_from_file_location("bench_inbox", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(["--items", "3000", "--db", str(tmp_path / "bench.db")])
    out = capsys.readouterr().out
    assert "3000 items; baseline" in out
    assert out.count("faster than baseline") == 7
    assert "purge (730 d / raw 90 d)" in out
