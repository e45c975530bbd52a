"""Triage throughput: ``python benchmarks/bench_triage.py [N]`` (default 10 000 messages).

Runs ``triage.understand`` (decision, urgency, themes, tone) on N messages cycled from every
development and held-out set in tests/inbox/labelled/, each made distinct by a number, with the example configuration,
and prints items per second of CPU time (steadier than wall time on a shared machine), best
of 5 runs, after one warm-up pass that loads simplemma's dictionary and fills the word cache,
as a long-running ingest process would have it.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from beffroi.config import example_config_path, load_settings  # noqa: E402
from beffroi.inbox.evaluate import read_labelled  # noqa: E402
from beffroi.inbox.triage import understand  # noqa: E402


def texts(n: int) -> list[tuple[str, str]]:
    pool: list[tuple[str, str]] = []
    for path in sorted((ROOT / "tests" / "inbox" / "labelled").glob("*.json")):
        if path.name.startswith(("understanding_dev", "heldout")):
            pool += [(m["text"], m["kind"]) for m in read_labelled(path)]
    cycled = (pool * (n // len(pool) + 1))[:n]
    return [(f"{text} ({i})", kind) for i, (text, kind) in enumerate(cycled)]


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    settings = load_settings(example_config_path())
    batch = texts(n)
    for text, kind in batch[:2000]:
        understand(settings, text, kind)
    best = float("inf")
    for _ in range(5):
        start = time.process_time()
        for text, kind in batch:
            understand(settings, text, kind)
        best = min(best, time.process_time() - start)
    print(f"{n} messages: {n / best:,.0f} items/s ({best * 1e6 / n:.0f} µs/message)")


if __name__ == "__main__":
    main()
