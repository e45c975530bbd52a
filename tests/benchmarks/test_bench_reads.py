"""Small runs of the read benchmarks, so they cannot rot: bench_reads (search, inbox,
ranking against main and DuckDB, explain, responses), bench_ranking, bench_capacity and
the city generator's bulk path."""

from __future__ import annotations

import sqlite3

from tests.benchmarks.city_db import bench_module, main_at_59cd8f0


def test_bench_reads_runs_on_a_collected_city_and_agrees_with_main(city_path, capsys):
    main_at_59cd8f0("beffroi/analytics/ranking.py")  # skipped here without the git history
    figures = bench_module("bench_reads").run(city_path, repeat=2)
    out = capsys.readouterr().out
    assert out.count("main/today") == 2 * 7 + 3  # every search twice, ranking, explain, responses
    assert "top 10 agree: yes" in out
    assert {"ranking 90 days", "ranking duckdb query", "explain", "responses 90 days"} <= set(
        figures
    )
    assert all(ours > 0 and theirs > 0 for ours, theirs in figures.values())


def test_bench_ranking_runs_and_agrees_with_duckdb(tmp_path, monkeypatch, capsys):
    bench = bench_module("bench_ranking")
    db = tmp_path / "ranking.db"
    monkeypatch.setattr("sys.argv", ["bench_ranking", "--n", "3000", "--db", str(db)])
    assert bench.main() == 0
    out = capsys.readouterr().out
    assert "top 10 agree: yes" in out and "ratio sqlite / duckdb query" in out


def test_bench_capacity_runs(capsys):
    figures = bench_module("bench_capacity").run(towns=1, seconds=0.8, passes=1)
    out = capsys.readouterr().out
    assert "accounts polled a minute" in out and "events a second" in out
    assert figures["accounts"] == 3 and figures["events x1"] > 0


def test_bulk_copies_keep_every_row_linked(city_path, tmp_path):
    city = bench_module("city")
    copy = city.ensure_replicated(tmp_path / "x3.db", city_path, 3, out=lambda *_: None)
    src, dst = sqlite3.connect(city_path), sqlite3.connect(copy)
    one = src.execute("SELECT count(*) FROM items").fetchone()[0]
    assert dst.execute("SELECT count(*), count(DISTINCT external_id) FROM items").fetchone() == (
        3 * one,
        3 * one,
    )
    # Items numbered in time order; queue rows, replies and FTS follow the new numbers.
    assert dst.execute(
        "SELECT count(*) FROM items a JOIN items b ON b.id = a.id + 1 "
        "WHERE b.created_at < a.created_at"
    ).fetchone() == (0,)
    linked = "SELECT count(*) FROM queue q JOIN items r ON r.id = q.reply_item_id JOIN items i ON i.id = q.item_id WHERE r.parent_external_id = i.external_id"  # noqa: E501
    assert dst.execute(linked).fetchone()[0] == 3 * src.execute(linked).fetchone()[0]
    fts = "SELECT count(*) FROM items_fts WHERE items_fts MATCH 'merci'"
    assert dst.execute(fts).fetchone()[0] == 3 * src.execute(fts).fetchone()[0]
    assert (
        dst.execute("SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')").fetchone()[0]
        <= 300
    )  # noqa: E501
