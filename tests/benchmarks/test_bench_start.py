"""Small run of bench_start (the quick_check, its memo, the dashboard's background check),
so it cannot rot."""

from __future__ import annotations

import shutil

from tests.benchmarks.city_db import bench_module


def test_bench_start_runs_and_the_memo_spares_the_check_until_a_write(city_path, tmp_path, capsys):
    copy = tmp_path / "city.db"
    shutil.copyfile(city_path, copy)  # the shared small city stays untouched
    figures = bench_module("bench_start").run(copy, rounds=1)
    out = capsys.readouterr().out
    assert "memo / quick_check" in out
    assert figures["unchanged file, memo kept"] < figures["quick_check (no memo)"] * 5
    # run() itself asserts that the memo was used on the unchanged file, not after a write.
    assert {"after a write, memo kept", "warm: after a write, memo kept"} <= set(figures)
    assert all(seconds > 0 for seconds in figures.values())
