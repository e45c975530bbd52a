"""What opening the database costs a new process: the quick_check, its memo, the dashboard.

    .venv/bin/python benchmarks/bench_start.py [--db /work/bench-data/city-100k.db] [--rounds 3]

Each figure is a new process (``python -c``), the database file first evicted from the
page cache (``posix_fadvise(DONTNEED)`` on that one file: a cold start, as after a reboot),
and the same three first figures again with the file in the page cache (warm: a command
run just after another):

- ``quick_check`` (the baseline, what every command that writes paid at start before the
  memo): a start with no memo, which checks and leaves one;
- a start on the unchanged file, the memo kept: it does not read the file again;
- a start after a write (one ``meta`` row, by another program), the memo kept: the memo no
  longer matches the file, so the start checks again;
- the dashboard's once-per-process step (``dashboard.app._settings`` without Streamlit),
  no memo: checked before the first page (the old way) against checked in the background
  (the first page waits at most ``FIRST_PAINT_WAIT_SECONDS``).

The memo folder is a temporary one (``XDG_STATE_HOME``); the database is opened as the
commands open it (``connect``: checked, migrated; nothing is written when nothing is due).
The "after a write" figure writes one row (key ``bench.start.write``) into the ``meta``
table of the file measured: run it on a file made for benchmarks, or a copy.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.page_cache import evict  # noqa: E402

DEFAULT_DB = Path("/work/bench-data/city-100k.db")

START = """
import json, sys, time
from beffroi.store import await_check, check_in_background, connect
from beffroi.store.connection import _checked
path, mode = sys.argv[1], sys.argv[2]
if mode == "background":
    from beffroi.dashboard.app import FIRST_PAINT_WAIT_SECONDS
began = time.perf_counter()
if mode == "background":
    check_in_background(path)
conn = connect(path)
if mode == "background":
    await_check(path, FIRST_PAINT_WAIT_SECONDS)
ready = time.perf_counter() - began
await_check(path, 3600)
done = time.perf_counter() - began
conn.close()
print(json.dumps({"ready": ready, "done": done, "memo": list(_checked.values()) == [0.0]}))
"""


def write_one_row(path: Path) -> None:
    """A write by another program (plain sqlite3): the file and its WAL change on disk."""
    conn = sqlite3.connect(path)
    try:
        with conn:
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('bench.start.write', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(time.time_ns()),),
            )
    finally:
        conn.close()


def start(path: Path, mode: str, state: Path, *, keep_memo: bool, cold: bool = True) -> dict:
    if not keep_memo:
        for memo in state.glob("beffroi/checks/*.json"):
            memo.unlink()
    if cold:
        evict(path)
    env = dict(os.environ, XDG_STATE_HOME=str(state), PYTHONPATH=str(ROOT))
    out = subprocess.run(
        [sys.executable, "-c", START, str(path), mode],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout
    return json.loads(out.strip().splitlines()[-1])


def run(path: Path, rounds: int = 3) -> dict[str, float]:
    """Median seconds of each figure over ``rounds`` rounds; prints the table."""
    seen: dict[str, list[float]] = {
        "quick_check (no memo)": [],
        "unchanged file, memo kept": [],
        "after a write, memo kept": [],
        "warm: quick_check (no memo)": [],
        "warm: unchanged file, memo kept": [],
        "warm: after a write, memo kept": [],
        "dashboard, checked first: first page": [],
        "dashboard, checked behind: first page": [],
        "dashboard, checked behind: check done": [],
    }
    with tempfile.TemporaryDirectory() as state_dir:
        state = Path(state_dir)
        for _ in range(rounds):
            for prefix, cold in (("", True), ("warm: ", False)):
                if not cold:
                    start(path, "sync", state, keep_memo=False)  # the file in the page cache
                first = start(path, "sync", state, keep_memo=False, cold=cold)
                seen[prefix + "quick_check (no memo)"].append(first["done"])
                kept = start(path, "sync", state, keep_memo=True, cold=cold)
                assert kept["memo"], "the memo was not used on an unchanged file"
                seen[prefix + "unchanged file, memo kept"].append(kept["done"])
                write_one_row(path)
                written = start(path, "sync", state, keep_memo=True, cold=cold)
                assert not written["memo"], "the memo was used on a file written since"
                seen[prefix + "after a write, memo kept"].append(written["done"])
            seen["dashboard, checked first: first page"].append(
                start(path, "sync", state, keep_memo=False)["ready"]
            )
            behind = start(path, "background", state, keep_memo=False)
            seen["dashboard, checked behind: first page"].append(behind["ready"])
            seen["dashboard, checked behind: check done"].append(behind["done"])
    figures = {name: statistics.median(values) for name, values in seen.items()}
    size = path.stat().st_size / 1e6
    print(f"{path} ({size:,.0f} MB), {rounds} rounds, cold file cache, medians:")
    for name, seconds in figures.items():
        print(f"  {name:<42} {seconds * 1000:>9,.0f} ms")
    base = figures["quick_check (no memo)"]
    print(
        f"  memo / quick_check: {figures['unchanged file, memo kept'] / base:.3f}; "
        f"first page behind / first: "
        f"{figures['dashboard, checked behind: first page'] / figures['dashboard, checked first: first page']:.2f}"
    )
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=DEFAULT_DB)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not args.db.is_file():
        print(f"no database at {args.db}: build one with benchmarks/city.py", file=sys.stderr)
        return 2
    run(args.db, args.rounds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
