"""What the dashboard reads, at 10k, 100k or 1M items: today's code against main's, and the
ranking against DuckDB, all on the same database in the same run.

    .venv/bin/python benchmarks/bench_reads.py --db /work/bench-data/city-1m.db
    .venv/bin/python benchmarks/bench_reads.py --items 3000 --db /tmp/small.db --repeat 3

The database is a city history from ``benchmarks/city.py`` (built if missing). Main's
implementations are read from git history (``benchmarks/main_code.py``); main's ranking reads main's
index (``items_inbound`` without ``direction``, recreated here as ``items_inbound_main``),
so "main" is main's code on main's index. Prints one line per figure: today's time,
main's, their ratio, and for the ranking DuckDB's query time and the ratio to it.
Search times are p95 over ``--repeat`` runs, the others medians.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
HERE = Path(__file__).resolve().parent

from beffroi.analytics.indicators import responses  # noqa: E402
from beffroi.analytics.ranking import RankingFilter, explain, rank_members  # noqa: E402
from beffroi.inbox import (  # noqa: E402
    Filters,
    list_entries,
    views,  # noqa: E402
)
from beffroi.store import connect, to_db  # noqa: E402

QUERIES = {
    "merci (common)": "merci",
    "bonjour (common)": "bonjour",
    "poubelle (rare)": "poubelle",
    "école (accent)": "école",
    "ecole (no accent)": "ecole",
    "piscine (rare)": "piscine",
    "la ville (two words)": "la ville",
}
ALL = ("new", "assigned", "replied", "closed")
MAIN_INDEX = (
    "CREATE INDEX IF NOT EXISTS items_inbound_main ON items(created_at, kind, member_id, account)"
    " WHERE direction = 'in'"
)


def load(name: str, path: Path):
    """A script of this folder as a module (they are not a package), once."""
    key = f"benchmarks.{name}"
    if key in sys.modules:
        return sys.modules[key]
    source = path.read_text(encoding="utf-8")
    spec = importlib.util.spec_from_loader(key, loader=None, origin=str(path))
    module = importlib.util.module_from_spec(spec)
    module.__file__ = str(path)
    sys.modules[key] = module
    exec(compile(source, str(path), "exec"), module.__dict__)  # noqa: S102 - our own file
    return module


main_code = load("main_code", HERE / "main_code.py")


def main_modules():
    """Main's ranking and indicators, reading main's index."""
    index = ("INDEXED BY items_inbound", "INDEXED BY items_inbound_main")
    ranking = main_code.main_module("beffroi/analytics/ranking.py", index)
    indicators = main_code.main_module("beffroi/analytics/indicators.py", index)
    return ranking, indicators


def timed(fn, repeat: int, cpu: list[float] | None = None) -> list[float]:
    """Wall times of ``repeat`` calls; their CPU times (this process) appended to ``cpu``."""
    times = []
    for _ in range(repeat):
        start, started_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        if cpu is not None:
            cpu.append(time.process_time() - started_cpu)
    return times


def cpu_note(cpu: list[float]) -> str:
    return f"  (today's CPU {statistics.median(cpu) * 1e3:.1f} ms)"


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def line(label: str, ours: float, theirs: float, unit: str = "ms", extra: str = "") -> str:
    return (
        f"  {label:<40} {ours * 1000:9.1f} {unit}  main {theirs * 1000:9.1f} {unit}"
        f"  main/today {theirs / ours:7.1f}x{extra}"
    )


SECTIONS = ("search", "ranking", "responses")


def run(path: Path, repeat: int = 20, out=print, only: tuple[str, ...] = SECTIONS) -> dict:
    city = load("city", HERE / "city.py")
    with connect(path) as rw:  # migrations (0012's covering index) and main's index
        rw.execute(MAIN_INDEX)
    conn = connect(path, readonly=True)
    n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    opened = conn.execute("SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')")
    settings, _ = city.city_settings(path, n)
    now = city.END
    main_ranking, main_indicators = main_modules()
    figures: dict[str, tuple[float, float]] = {}
    out(f"{path}: {n:,} items, {opened.fetchone()[0]} open; now = {now:%Y-%m-%d %H:%M} UTC")
    out(f"search, p95 of {repeat} (page of 51; 'all' = every status, newest first):")
    views._TERMS_CACHE.clear()
    for label, text in QUERIES.items() if "search" in only else ():
        for scope, statuses in (("open", ("new", "assigned")), ("all", ALL)):
            filters = Filters(statuses=statuses, search=text)

            def ours(f=filters):
                return list_entries(conn, settings, f, now=now, limit=51)

            def theirs(f=filters):
                return main_code.main_list_entries(conn, settings, f, now=now, limit=51)

            assert ours() == theirs(), f"search {text!r} ({scope}) differs from main"
            views._TERMS_CACHE.clear()
            first = timed(ours, 1)[0]  # the index just changed: the vocabulary is read
            a, b = p95(timed(ours, repeat)), p95(timed(theirs, max(3, repeat // 4)))
            figures[f"search {label}, {scope}"] = (a, b)
            out(
                line(
                    f"{label}, {scope}", a, b, extra=f"  (first after a write {first * 1e3:.1f} ms)"
                )
            )
    out("inbox, open items page 1 (median):")
    a = statistics.median(timed(lambda: list_entries(conn, settings, Filters(), now=now), repeat))
    figures["inbox open page 1"] = (a, a)
    out(f"  {'open page 1':<40} {a * 1000:9.1f} ms")

    if "ranking" in only:
        _ranking(conn, settings, now, path, repeat, main_ranking, figures, out)
    if "responses" in only:
        _responses(conn, settings, now, repeat, main_indicators, figures, out)
    conn.close()
    return figures


def _ranking(conn, settings, now, path, repeat, main_ranking, figures, out) -> None:
    bench_ranking = load("bench_ranking", HERE / "bench_ranking.py")
    out(f"ranking over 90 days, median of {max(3, repeat // 4)}:")
    filters = RankingFilter(limit=100)
    reps = max(3, repeat // 4)
    ours_rank = rank_members(conn, settings, now, filters)
    main_rank = main_ranking.rank_members(
        conn, settings, now, main_ranking.RankingFilter(limit=100)
    )
    assert list(ours_rank["person"]) == list(main_rank["person"]), "ranking differs from main"
    assert (ours_rank["score"] - main_rank["score"]).abs().max() < 1e-9, "scores differ"
    cpu: list[float] = []
    a = statistics.median(timed(lambda: rank_members(conn, settings, now, filters), reps, cpu))
    b = statistics.median(
        timed(
            lambda: main_ranking.rank_members(
                conn, settings, now, main_ranking.RankingFilter(limit=100)
            ),
            reps,
        )
    )
    start = to_db(now - __import__("datetime").timedelta(days=settings.engagement.window_days))
    duck = [bench_ranking.run_duckdb(path, settings, start, to_db(now)) for _ in range(reps)]
    duck_query = statistics.median(d[2] for d in duck)
    duck_load = statistics.median(d[1] for d in duck)
    theirs_top = [(int(p), round(float(s), 6)) for p, s in duck[0][3]][:10]
    ours_top = [(int(p), round(float(s), 6)) for p, s in zip(ours_rank["person"], ours_rank["score"], strict=True)][:10]  # fmt: skip
    figures["ranking 90 days"] = (a, b)
    figures["ranking duckdb query"] = (duck_query, duck_query)
    out(
        line(
            "rank_members (top 100)",
            a,
            b,
            extra=f"  duckdb {duck_query * 1e3:.1f} ms ({duck[0][0]}, +{duck_load * 1e3:.0f} ms"
            f" load)  today/duckdb {a / duck_query:.2f}  top 10 agree: "
            + ("yes" if ours_top == theirs_top else "NO")
            + cpu_note(cpu),
        )
    )
    person = int(ours_rank["person"].iloc[0])
    cpu = []
    a = statistics.median(timed(lambda: explain(conn, settings, now, person, filters), repeat, cpu))
    b = statistics.median(
        timed(
            lambda: main_ranking.explain(
                conn, settings, now, person, main_ranking.RankingFilter(limit=100)
            ),
            reps,
        )
    )
    figures["explain"] = (a, b)
    out(line("explain (the first person)", a, b, extra=cpu_note(cpu)))


def _responses(conn, settings, now, repeat, main_indicators, figures, out) -> None:
    out("Rapports indicators, median:")
    reps = max(3, repeat // 4)
    begin = now - __import__("datetime").timedelta(days=90)
    ours = responses(conn, settings, begin, now)
    __import__("pandas").testing.assert_frame_equal(
        ours, main_indicators.responses(conn, settings, begin, now)
    )
    cpu: list[float] = []
    a = statistics.median(timed(lambda: responses(conn, settings, begin, now), reps, cpu))
    b = statistics.median(
        timed(lambda: main_indicators.responses(conn, settings, begin, now), reps)
    )
    figures["responses 90 days"] = (a, b)
    out(line(f"responses() over 90 days ({len(ours):,} rows)", a, b, extra=cpu_note(cpu)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True, help="city database (built if missing)")
    parser.add_argument("--items", type=int, default=100_000, help="size if it must be built")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help="comma-separated sections to time: search, ranking, responses (default: all)",
    )
    args = parser.parse_args(argv)
    if not args.db.exists():
        load("city", HERE / "city.py").ensure_city(args.db, args.items)
    run(args.db, args.repeat, only=tuple(args.only.split(",")))
    return 0


if __name__ == "__main__":
    sys.exit(main())
