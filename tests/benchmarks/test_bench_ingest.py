"""The ingest benchmark still runs (on a few hundred items, to stay fast)."""

from __future__ import annotations

import runpy
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_ingest.py"


def test_bench_ingest_runs_and_prints_rates_and_ratios(capsys):
    main = runpy.run_path(str(BENCH))["main"]
    assert main(["--n", "300", "--rounds", "1"]) == 0
    out = capsys.readouterr().out
    assert "300 items in 3 pages of 100" in out
    assert "stored 300 items" in out
    for label in (
        "ingest_page with the inbox's hooks",
        "same pages (idempotent)",
        "ingest_page without hooks",
        "save_items alone",
        "fair baseline: executemany, real schema",
        "baseline: sqlite3",
    ):
        assert label in out and "items/s" in out.split(label, 1)[1].splitlines()[0]
    for ratio in ("hooks / save_items", "save_items / fair", "re-ingest / baseline"):
        assert ratio in out
