"""Privacy and integrity costs on a large database, measured in the same run.

    .venv/bin/python benchmarks/bench_privacy.py            # 100,000 items
    .venv/bin/python benchmarks/bench_privacy.py --n 1000000   # 100,000 + SQL copies

It fills a fresh file through ``inbox.ingest_page`` (pages of 1,000; members, queue rows, FTS
index, as collection does), then times:

1. ``PRAGMA quick_check`` (what every command that writes runs once at start) against
   ``PRAGMA integrity_check`` (``beffroi doctor``) and a baseline full scan of ``items``;
2. ``erase_member`` on one citizen with a few dozen messages (names masked everywhere,
   FTS5 ``'optimize'``, WAL truncated), and the FTS5 ``'optimize'`` alone;
3. ``purge_expired`` deleting the oldest tenth of the messages (with its ``'optimize'``).
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beffroi.collectors import (  # noqa: E402
    Author,
    Item,
    Page,  # noqa: E402
)
from beffroi.config.settings import Retention  # noqa: E402
from beffroi.inbox import ingest_page  # noqa: E402
from beffroi.store import connect, transaction  # noqa: E402
from beffroi.store.privacy import erase_member, find_member, purge_expired  # noqa: E402

WORDS = (
    "bonjour le bus 14 ne passe plus rue nationale depuis lundi merci pour la braderie "
    "quand ouvre la piscine trou dans la chaussée éclairage voirie parking marché"
).split()
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def replicate(path: Path, n: int) -> None:
    """Grow the file to ``n`` items by copying the first ones in SQL (FTS triggers and
    queue rows included): ingest_page would take hours for a million on a loaded machine."""
    conn = connect(path, check=False)
    base = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    copy = 1
    while base * copy < n:
        take = min(base, n - base * copy)
        with transaction(conn):
            conn.execute(
                """
                INSERT INTO items (network, account, external_id, kind, direction, member_id,
                    text, created_at, raw, collected_at)
                SELECT network, account, external_id || '-' || ?, kind, direction, member_id,
                    text, created_at, raw, collected_at
                FROM items WHERE id <= ?
                """,
                (copy, take),
            )
            conn.execute(
                """
                INSERT INTO queue (item_id, status, created_at, updated_at)
                SELECT i.id, 'closed', i.created_at, i.created_at FROM items i
                WHERE NOT EXISTS (SELECT 1 FROM queue q WHERE q.item_id = i.id)
                """
            )
        copy += 1
    conn.close()


def fill(path: Path, n: int, seed: int) -> None:
    rng = random.Random(seed)
    people = [
        Author("x", str(10_000 + i), f"citoyen{i}", f"Camille{i} Durand")
        for i in range(n // 20 + 1)
    ]
    conn = connect(path)
    conn.execute(
        "INSERT OR IGNORE INTO accounts (key, network, handle) VALUES ('x_ville', 'x', 'ville')"
    )
    page = []
    for i in range(n):
        who = people[0] if i % 5000 == 0 else rng.choice(people)
        text = " ".join(rng.choice(WORDS) for _ in range(12))
        if rng.random() < 0.05:
            text = f"@{rng.choice(people).handle} {text}"
        page.append(
            Item("x", "x_ville", str(i), "mention", "in", text,
                 NOW - timedelta(days=701) + timedelta(seconds=i * 700 * 86400 / n), who,
                 raw={"id": i, "text": text, "user": who.handle})
        )  # fmt: skip
        if len(page) == 1000:
            ingest_page(conn, "x_ville", "mentions", Page(page, None), now=NOW)
            page = []
    if page:
        ingest_page(conn, "x_ville", "mentions", Page(page, None), now=NOW)
    conn.close()


def timed(label: str, func) -> float:
    started = time.perf_counter()
    func()
    seconds = time.perf_counter() - started
    print(f"{label:<44} {seconds:8.3f} s", flush=True)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument(
        "--save-page-items",
        type=int,
        default=100_000,
        help="items stored through ingest_page; the rest are SQL copies of them",
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.db"
        first = min(args.n, args.save_page_items)
        fill_s = timed(f"fill {first} items (save_page)", lambda: fill(path, first, args.seed))
        if args.n > first:
            timed(f"grow to {args.n} items (SQL copies)", lambda: replicate(path, args.n))
        size = path.stat().st_size / 1e6
        print(f"database: {size:.0f} MB (seed {args.seed})")
        conn = connect(path, check=False)
        scan = timed("baseline: full scan of items", lambda: conn.execute(
            "SELECT count(*), sum(length(text)) FROM items").fetchone())  # fmt: skip
        quick = timed("PRAGMA quick_check", lambda: conn.execute("PRAGMA quick_check").fetchall())
        whole = timed(
            "PRAGMA integrity_check (doctor)",
            lambda: conn.execute("PRAGMA integrity_check").fetchall(),
        )
        optimize = timed("FTS5 'optimize' alone", lambda: conn.execute(
            "INSERT INTO items_fts(items_fts) VALUES ('optimize')"))  # fmt: skip
        member = find_member(conn, "x", "citoyen0")[0]
        erase = timed("erase_member (one citizen)", lambda: erase_member(conn, member, "bench"))
        retention = Retention(items_days=631, raw_payload_days=631)
        purge = timed(
            "purge_expired (oldest tenth)", lambda: print(purge_expired(conn, retention, NOW))
        )
        conn.close()
        print(f"quick_check / full scan: {quick / scan:.1f}x; integrity_check / quick_check: "
              f"{whole / quick:.1f}x; erase / quick_check: {erase / quick:.1f}x; "
              f"optimize / fill: {optimize / fill_s:.3f}; purge: {purge:.1f} s")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
