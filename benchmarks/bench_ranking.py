"""Benchmark: the engagement ranking on SQLite (Beffroi's way) vs the same computation in DuckDB.

    .venv/bin/python benchmarks/bench_ranking.py [--n 200000] [--db PATH] [--keep]

Generates a database of N inbound items (N/20 members, three networks, 120 days) through
the real store, then times ``rank_members`` (SQLite aggregation + pandas) against DuckDB
computing the same scores (items and interactions) over the same SQLite file: through DuckDB's sqlite scanner when
the extension is available, otherwise by loading the window's rows into DuckDB (the load is
timed separately). Prints the times, the ratio, and checks both agree on the top 10.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beffroi.analytics.ranking import RankingFilter, rank_members  # noqa: E402
from beffroi.collectors import Author, Item, Page  # noqa: E402
from beffroi.config import load_settings  # noqa: E402
from beffroi.config.loading import example_config_path  # noqa: E402
from beffroi.inbox import ingest_page  # noqa: E402
from beffroi.store import connect, to_db  # noqa: E402

NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)
ACCOUNTS = [("instagram_ville", "instagram"), ("facebook_ville", "facebook"), ("x_ville", "x")]
KINDS = ["comment"] * 50 + ["reply"] * 15 + ["mention"] * 15 + ["dm"] * 10 + ["ugc"] * 5


def generate(path: Path, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    members = max(10, n // 20)
    conn = connect(path)
    batch = 20_000
    for start in range(0, n, batch):
        items = []
        for k in range(start, min(n, start + batch)):
            account, network = ACCOUNTS[k % 3]
            who = int(rng.paretovariate(1.2)) % members  # a few very active members
            items.append(
                Item(
                    network=network,
                    account=account,
                    external_id=f"b{k}",
                    kind=rng.choice(KINDS),
                    direction="in",
                    text="Bonjour, une question sur le marché de Noël",
                    created_at=NOW - timedelta(seconds=rng.randrange(120 * 86400)),
                    author=Author(network, f"u{who}", f"user{who}", None),
                )
            )
        # Through ingestion, as collection saves them (untriaged queue rows included).
        ingest_page(conn, account, "bench", Page(items, None), now=NOW)
    conn.execute("ANALYZE")
    conn.close()


DUCK_SQL = """
WITH ev AS (
    SELECT i.member_id, i.kind, i.created_at FROM items i
    WHERE i.direction = 'in' AND i.member_id IS NOT NULL AND i.kind != 'post'
      AND i.created_at >= $start AND i.created_at <= $end
    UNION ALL
    SELECT t.member_id, t.kind, t.created_at FROM interactions t
    WHERE t.created_at >= $start AND t.created_at <= $end
), g AS (
    SELECT coalesce(m.person_id, m.id) AS person, ev.kind,
           count(*) AS n,
           sum(pow(0.5, date_diff('second', CAST(ev.created_at AS TIMESTAMP), CAST($end AS TIMESTAMP))
                        / 86400.0 / $half_life)) AS decayed,
           list(DISTINCT date_trunc('week', CAST(ev.created_at AS TIMESTAMP))) AS weeks
    FROM ev JOIN members m ON m.id = ev.member_id
    WHERE m.is_staff = 0 AND m.is_blocked = 0 AND m.is_spam = 0 AND m.erased_at IS NULL
    GROUP BY 1, 2
), w AS (
    SELECT person, count(DISTINCT wk) AS active_weeks
    FROM (SELECT person, unnest(weeks) AS wk FROM g) GROUP BY person
), s AS (
    SELECT g.person, sum(g.decayed * coalesce(wt.weight, 0)) AS points
    FROM g LEFT JOIN weights wt ON wt.kind = g.kind GROUP BY g.person
)
SELECT s.person, s.points + w.active_weeks * $bonus AS score
FROM s JOIN w USING (person) ORDER BY score DESC, person LIMIT 100
"""


def run_duckdb(path: Path, settings, start: str, end: str):
    import duckdb
    import pandas as pd

    # Never download an extension: use the sqlite scanner only if it is already installed.
    duck = duckdb.connect(
        config={"autoinstall_known_extensions": False, "autoload_known_extensions": False}
    )
    t0 = time.perf_counter()
    installed = duck.execute(
        "SELECT installed FROM duckdb_extensions() WHERE extension_name = 'sqlite_scanner'"
    ).fetchall()
    installed = installed[0] if installed else None
    if installed and installed[0]:
        mode = "sqlite scanner"
        duck.execute("LOAD sqlite_scanner")
        duck.execute(f"ATTACH '{path}' AS src (TYPE sqlite, READ_ONLY)")
        duck.execute("CREATE VIEW items AS SELECT * FROM src.items")
        duck.execute("CREATE VIEW members AS SELECT * FROM src.members")
        duck.execute("CREATE VIEW interactions AS SELECT * FROM src.interactions")
    else:
        mode = "loaded from SQLite"
        src = connect(path, readonly=True)
        items = pd.read_sql_query(
            "SELECT member_id, kind, direction, created_at FROM items "
            "WHERE created_at >= ? AND created_at <= ?",
            src,
            params=(start, end),
        )
        members = pd.read_sql_query(
            "SELECT id, person_id, is_staff, is_blocked, is_spam, erased_at FROM members", src
        )
        interactions = pd.read_sql_query(
            "SELECT member_id, kind, created_at FROM interactions "
            "WHERE created_at >= ? AND created_at <= ?",
            src,
            params=(start, end),
        )
        src.close()
        duck.register("items", items)
        duck.register("members", members)
        duck.register("interactions", interactions)
    weights = pd.DataFrame(list(settings.engagement.weights.items()), columns=["kind", "weight"])
    duck.register("weights", weights)
    load = time.perf_counter() - t0
    params = {
        "start": start,
        "end": end,
        "half_life": float(settings.engagement.half_life_days),
        "bonus": float(settings.engagement.active_week_bonus),
    }
    t0 = time.perf_counter()
    rows = duck.execute(DUCK_SQL, params).fetchall()
    query = time.perf_counter() - t0
    return mode, load, query, rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000, help="items to generate")
    parser.add_argument("--db", type=Path, help="reuse or create this database file")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the generated database")
    args = parser.parse_args()
    settings = load_settings(example_config_path())
    folder = Path(tempfile.mkdtemp(prefix="bench-ranking-"))
    path = args.db or folder / "bench.db"
    if not path.exists():
        t0 = time.perf_counter()
        generate(path, args.n)
        print(f"generated {args.n:,} items in {time.perf_counter() - t0:.1f} s -> {path}")
    conn = connect(path, readonly=True)
    count = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    filters = RankingFilter(limit=100)
    times = []
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        ranking = rank_members(conn, settings, NOW, filters)
        times.append(time.perf_counter() - t0)
    sqlite_time = min(times)
    start = to_db(NOW - timedelta(days=settings.engagement.window_days))
    duck_runs = [run_duckdb(path, settings, start, to_db(NOW)) for _ in range(args.repeat)]
    mode = duck_runs[0][0]
    load = min(r[1] for r in duck_runs)
    query = min(r[2] for r in duck_runs)
    rows = duck_runs[0][3]
    ours = [
        (int(p), round(float(s), 6))
        for p, s in zip(ranking["person"], ranking["score"], strict=True)
    ][:10]
    theirs = [(int(p), round(float(s), 6)) for p, s in rows][:10]
    print(f"items: {count:,}  window: {settings.engagement.window_days} days")
    print(f"sqlite + pandas (rank_members):  {sqlite_time * 1000:8.1f} ms")
    print(
        f"duckdb query ({mode}):  {query * 1000:8.1f} ms  (+ {load * 1000:.1f} ms to attach/load)"
    )
    print(f"ratio sqlite / duckdb query:       {sqlite_time / query:8.2f}")
    print(f"ratio sqlite / duckdb load+query:  {sqlite_time / (load + query):8.2f}")
    print("top 10 agree:", "yes" if ours == theirs else f"NO\n ours   {ours}\n duckdb {theirs}")
    conn.close()
    if args.keep or args.db:
        print(f"database kept: {path}")
    else:
        shutil.rmtree(folder)
    return 0 if ours == theirs else 1


if __name__ == "__main__":
    sys.exit(main())
