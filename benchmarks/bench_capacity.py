"""What one ``beffroi run`` can serve: accounts polled per minute, events written per second.

    .venv/bin/python benchmarks/bench_capacity.py [--towns 10] [--seconds 20]

Two measurements on a fresh database, against the simulated network (no real API: its
latency is not in these figures, only Beffroi's own work):

1. Collection passes. ``--towns`` towns of three simulated accounts (X, Facebook,
   Instagram), one day of history collected first; then every account is polled once per
   pass through the real path (``collect_all`` with the inbox's ingest hooks, one SQLite
   connection per job as the scheduler's jobs have), by 1, 3 (the scheduler's pool) and 6
   worker threads. Prints accounts polled per minute.
2. Event writes (what a webhook receiver does per event): one message saved per
   transaction by 1, 2, 4 and 8 threads for ``--seconds`` / 4 seconds each; prints events
   per second. SQLite has one writer at a time: the total stops growing with threads.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beffroi.collectors import (  # noqa: E402
    Author,
    Item,
    Page,  # noqa: E402
    build_collector,
)
from beffroi.config import example_config_path, settings_from_dict  # noqa: E402
from beffroi.inbox import (
    ingest_hooks,  # noqa: E402
    ingest_page,  # noqa: E402
)
from beffroi.sandbox import (  # noqa: E402
    CityProfile,  # noqa: E402
    SandboxNetwork,
    state_path,
)
from beffroi.scheduler import collect_all  # noqa: E402
from beffroi.store import connect, sync_accounts  # noqa: E402

NETWORKS = ("x", "facebook", "instagram")


def towns_settings(db: Path, towns: int):
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    accounts = [
        {"key": f"{net}_t{k}", "network": "sandbox", "simulates": net, "handle": f"ville{k}"}
        for k in range(towns)
        for net in NETWORKS
    ]
    return settings_from_dict(
        {
            **data,
            "accounts": accounts,
            "rendezvous": [],
            "database": {**data.get("database", {}), "path": str(db)},
            "sandbox": {"seed": 7, "citizens": 60 * towns, "history_days": 1,
                        "live_every_seconds": 0.5},
        }
    )  # fmt: skip


def polled(settings, db: Path, workers: int, hooks) -> tuple[float, int]:
    """One pass over every account with ``workers`` threads: (seconds, new items)."""
    collectors = [build_collector(settings, a) for a in settings.enabled_accounts(None)]
    local = threading.local()

    def job(collector):
        if not hasattr(local, "conn"):
            local.conn = connect(db)
        return sum(r.new for r in collect_all(local.conn, [collector], hooks=hooks))

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as pool:
        new = sum(pool.map(job, collectors))
    return time.perf_counter() - start, new


def events(db: Path, threads: int, seconds: float) -> float:
    """Events per second written by ``threads`` threads, one transaction each."""
    stop = time.monotonic() + seconds
    counts = [0] * threads

    def writer(t: int) -> None:
        conn = connect(db)
        n = 0
        while time.monotonic() < stop:
            now = datetime.now(UTC).replace(microsecond=0)
            item = Item("x", "x_t0", f"ev-{t}-{n}-{time.time_ns()}", "mention", "in",
                        "Bonjour, le marché est-il ouvert ?", now,
                        Author("x", f"ev-author-{t}-{n % 50}", f"ev{t}_{n % 50}", None))  # fmt: skip
            ingest_page(conn, "x_t0", "mentions", Page([item], None))
            n += 1
        counts[t] = n
        conn.close()

    pool = [threading.Thread(target=writer, args=(t,)) for t in range(threads)]
    start = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return sum(counts) / (time.perf_counter() - start)


def run(towns: int = 10, seconds: float = 20, passes: int = 2, out=print) -> dict:
    folder = Path(tempfile.mkdtemp(prefix="bench-capacity-"))
    db = folder / "beffroi.db"
    settings = towns_settings(db, towns)
    network = SandboxNetwork(state_path(db))
    network.build(CityProfile.from_settings(settings), datetime.now(UTC))
    network.close()
    conn = connect(db)
    sync_accounts(conn, settings)
    hooks = ingest_hooks(settings)
    accounts = len(settings.accounts)
    t0 = time.perf_counter()
    collect_all(conn, [build_collector(settings, a) for a in settings.accounts], hooks=hooks)
    conn.close()
    out(
        f"{towns} towns, {accounts} simulated accounts; backfill in {time.perf_counter() - t0:.1f} s"
    )
    figures: dict = {"accounts": accounts}
    for workers in (1, 3, 6):
        runs = [polled(settings, db, workers, hooks) for _ in range(passes)]
        took = min(r[0] for r in runs)
        new = sum(r[1] for r in runs) / passes
        figures[f"poll x{workers}"] = accounts / took * 60
        out(
            f"  {workers} worker(s): a pass over {accounts} accounts in {took:.2f} s "
            f"(~{new:.0f} new items a pass) = {accounts / took * 60:,.0f} accounts polled a minute"
        )
    for threads in (1, 2, 4, 8):
        rate = events(db, threads, seconds / 4)
        figures[f"events x{threads}"] = rate
        out(f"  {threads} writer thread(s): {rate:,.0f} events a second (one transaction each)")
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--towns", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--passes", type=int, default=2)
    args = parser.parse_args(argv)
    run(args.towns, args.seconds, args.passes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
