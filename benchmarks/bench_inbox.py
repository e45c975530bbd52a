"""Inbox list and retention purge on a large database.

    .venv/bin/python benchmarks/bench_inbox.py [--items 1000000] [--db PATH]

Fills a database through ``inbox.ingest_page`` (as the collectors do), then times one page of the
inbox for common filters and prints each time as a ratio to the baseline measured in the
same run: loading the whole queue into pandas and filtering there, which is what a page
must never do.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pandas as pd

from beffroi.collectors import Author, Item, Page
from beffroi.config import example_config_path, load_settings
from beffroi.config.settings import Retention
from beffroi.inbox import Filters, IngestHooks, QueueFields, ingest_page, list_entries
from beffroi.store import connect
from beffroi.store.privacy import purge_expired

THEMES = ["mobilité", "propreté", "travaux", "sécurité", "culture", "jeunesse", None]
ACCOUNTS = [("x_ville", "x"), ("facebook_ville", "facebook"), ("instagram_ville", "instagram")]
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
SPAN_SECONDS = int(2.5 * 365 * 86400)


def fill(conn, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    batch = []

    def triage(item):
        return QueueFields(theme=item.raw["theme"])

    hooks = IngestHooks(triage=triage)

    def save(account: str) -> None:
        page = Page([b for b in batch if b.account == account], None)
        ingest_page(conn, account, "bench", page, hooks=hooks)

    for i in range(n):
        account, network = ACCOUNTS[i % 3]
        # Spread over two and a half years, newest last; 1 % of messages are rare themed.
        when = NOW - timedelta(seconds=int((n - i) * SPAN_SECONDS / n))
        theme = "jeunesse" if rng.random() < 0.01 else rng.choice(THEMES[:5] + [None])
        author = Author(network, f"u{rng.randrange(20_000)}", f"citoyen{i % 20_000}", None)
        batch.append(
            Item(
                network,
                account,
                f"{i}",
                "comment",
                "in",
                f"message {i} sur la {theme}",
                when,
                author,
                raw={"theme": theme},
            )
        )
        if len(batch) == 10_000:
            for acc in {b.account for b in batch}:
                save(acc)
            batch.clear()
            print(f"\r  {i + 1} items", end="", flush=True)
    for acc in {b.account for b in batch}:
        save(acc)
    print()


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--items", type=int, default=200_000)
    parser.add_argument("--db", help="reuse or create this database file")
    args = parser.parse_args(argv)
    settings = load_settings(example_config_path())  # x_ville, facebook_ville, instagram_ville
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench.db"
    conn = connect(path)
    have = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    if have < args.items:
        print(f"filling {args.items} items into {path} ...")
        start = time.perf_counter()
        fill(conn, args.items)
        print(f"  filled in {time.perf_counter() - start:.0f} s")
    n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    ro = connect(path, readonly=True)

    def naive():
        frame = pd.read_sql_query(
            "SELECT i.*, q.status, q.theme FROM items i JOIN queue q ON q.item_id = i.id", ro
        )
        frame[frame.theme == "jeunesse"].sort_values("created_at", ascending=False).head(50)

    baseline = timed(naive, repeat=1)
    print(f"{n} items; baseline (whole queue into pandas, then filter): {baseline * 1000:.0f} ms")
    cases = {
        "open, page 1": (Filters(), 0),
        "open, page 21": (Filters(), 1000),
        "one network": (Filters(networks=("facebook",)), 0),
        "status found nowhere": (Filters(statuses=("closed",)), 0),
        "rare theme (1 %)": (Filters(themes=("jeunesse",)), 0),
        "network + open + theme": (Filters(networks=("x",), themes=("mobilité",)), 0),
        "full-text search": (Filters(search="message 12345"), 0),
    }
    for label, (filters, offset) in cases.items():
        took = timed(
            lambda f=filters, o=offset: list_entries(ro, settings, f, now=NOW, limit=51, offset=o)
        )
        print(f"  {label:<26} {took * 1000:8.1f} ms   {baseline / took:8.0f}x faster than baseline")
    start = time.perf_counter()
    result = purge_expired(conn, Retention(), now=NOW)
    print(f"purge (730 d / raw 90 d): {time.perf_counter() - start:.1f} s, {result}")


if __name__ == "__main__":
    main()
