"""A big city history for the benchmarks: the simulated city, scaled, collected for real.

    .venv/bin/python benchmarks/city.py --items 1000000 [--db /work/bench-data/city-1m.db]

The simulated city (``build_history``: its rhythm of days and hours, Zipf-active citizens,
city posts, replies and follow-ups) spans ``--days`` days (730 by default) with its
citizen message rate and population scaled so the whole history holds about ``--items``
items. The history is written to the simulated network's state file, then collected into
the Beffroi database through the real path: the sandbox collectors, ``collect_all`` and
the inbox's ingest hooks (triage, SLA, replies matched to the messages they answer), as
``beffroi demo`` does. Finally, as a team that keeps its inbox near zero would, every open item but the newest
``--open`` (300) is closed through ``close_many`` (one audited bulk close), which leaves a
few hundred open: the realistic queue the dashboard works on.

The database (and its ``.sandbox.sqlite`` state file beside it) is built once and reused:
``ensure_city(path, items)`` returns at once when the file already holds the history.
"""

# ruff: noqa: S608 - the SQL here is built from the schema's own column names

from __future__ import annotations

import argparse
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beffroi.sandbox import (  # noqa: E402
    CityProfile,  # noqa: E402
    SandboxNetwork,
    sandbox_settings,  # noqa: E402
    state_path,
)
from beffroi.sandbox import history as sandbox_history  # noqa: E402

# The end of every generated history: fixed, so a file built today is the file built
# tomorrow (same seed, same messages), and benchmarks can time "now" against it.
END = datetime(2026, 12, 1, tzinfo=UTC)
ITEMS_PER_BASE_DAY = 119.3  # one town at 68 citizen messages a day yields ~119 items a day
BASE_CITIZENS = 650
DATA = Path("/work/bench-data")


def city_settings(path: Path, items: int, days: int = 730, seed: int = 42):
    """The sandbox settings of a city whose ``days`` of history hold about ``items``."""
    scale = items / (ITEMS_PER_BASE_DAY * days)
    citizens = max(10, round(BASE_CITIZENS * scale))
    return sandbox_settings(path, citizens=citizens, history_days=days, seed=seed), scale


def default_path(items: int) -> Path:
    label = f"{items // 1_000_000}m" if items % 1_000_000 == 0 else f"{items // 1000}k"
    return DATA / f"city-{label}.db"


def build(
    path: Path,
    items: int,
    *,
    days: int = 730,
    keep_open: int = 300,
    end: datetime = END,
    out=print,
) -> dict:
    """Build the city's history into ``path`` through the real collection path."""
    from beffroi.cli.wiring import open_database
    from beffroi.collectors.sandbox import sandbox_collectors
    from beffroi.inbox import ingest_hooks
    from beffroi.scheduler import collect_all

    settings, scale = city_settings(path, items, days)
    started = time.perf_counter()
    rate = sandbox_history.CITIZEN_MESSAGES_PER_DAY
    sandbox_history.CITIZEN_MESSAGES_PER_DAY = max(1, round(rate * scale))
    try:
        network = SandboxNetwork(state_path(path))
        try:
            count = network.build(CityProfile.from_settings(settings), end)
        finally:
            network.close()
    finally:
        sandbox_history.CITIZEN_MESSAGES_PER_DAY = rate
    out(f"  simulated network: {count:,} messages in {time.perf_counter() - started:.0f} s")
    conn = open_database(settings, path)
    t0 = time.perf_counter()
    collectors = sandbox_collectors(settings, now=lambda: end)  # on the history's clock
    collect_all(conn, collectors, hooks=ingest_hooks(settings), now=lambda: end)
    collected = time.perf_counter() - t0
    n = conn.execute("SELECT count(*) FROM items").fetchone()[0]
    out(f"  collected {n:,} items in {collected:.0f} s ({n / collected:,.0f} items/s)")
    closed = close_all_but_newest(conn, keep_open, end)
    conn.execute("ANALYZE")
    counts = {
        "items": n,
        "members": conn.execute("SELECT count(*) FROM members").fetchone()[0],
        "open": conn.execute(
            "SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')"
        ).fetchone()[0],
        "closed_old": closed,
        "seconds": round(time.perf_counter() - started),
    }
    conn.close()
    out(f"  {counts}")
    return counts


def close_all_but_newest(conn, keep_open: int, now: datetime) -> int:
    """Close every open item but the newest ``keep_open``, as one audited bulk close."""
    from beffroi.store.queue import close_many

    old = [
        r[0]
        for r in conn.execute(
            "SELECT q.id FROM queue q JOIN items i ON i.id = q.item_id "
            "WHERE q.status IN ('new', 'assigned') ORDER BY i.created_at DESC, i.id DESC "
            "LIMIT -1 OFFSET ?",
            (keep_open,),
        )
    ]
    return close_many(conn, old, "handled_elsewhere", actor="benchmark", now=now)


COPIED_AS_IS = ("accounts", "staff", "cursors", "collection_runs", "saved_replies", "series")


def _columns(conn, table: str) -> list[str]:
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def replicate(src: Path, dst: Path, copies: int, *, keep_open: int = 300, out=print) -> dict:
    """The bulk path: ``copies`` towns like the one in ``src``, in one database.

    Collecting a million items through the real path takes about an hour on a loaded
    2-core machine, so the 1M database is ``copies`` copies of a city collected for real:
    every row is a row the real path wrote (same columns, same triage, same delays), each
    copy's members and external ids suffixed ``~k``. Items are renumbered in time order
    (as a city collected pass after pass numbers them), their queue rows, replies and
    interactions follow, the FTS index is filled by the schema's own trigger. The audit
    trail is not copied. Then every open item but the newest ``keep_open`` is closed
    through ``close_many``, as in ``build``.
    """
    from beffroi.store import connect

    started = time.perf_counter()
    conn = connect(dst)  # the schema, by the real migrations
    conn.execute("ATTACH ? AS src", (str(src),))
    m_off = conn.execute("SELECT coalesce(max(id), 0) FROM src.members").fetchone()[0]
    q_off = conn.execute("SELECT coalesce(max(id), 0) FROM src.queue").fetchone()[0]
    with conn:
        for table in COPIED_AS_IS:
            cols = ", ".join(_columns(conn, table))
            conn.execute(f"INSERT OR REPLACE INTO {table} ({cols}) SELECT {cols} FROM src.{table}")
        conn.execute("CREATE TEMP TABLE copies (k INTEGER PRIMARY KEY)")
        conn.executemany("INSERT INTO copies VALUES (?)", [(k,) for k in range(copies)])
        conn.execute(
            "CREATE TEMP TABLE idmap (k INTEGER, old INTEGER, new INTEGER PRIMARY KEY,"
            " UNIQUE (k, old))"
        )
        conn.execute(
            "INSERT INTO idmap (k, old, new) SELECT c.k, i.id,"
            " row_number() OVER (ORDER BY i.created_at, i.id, c.k)"
            " FROM src.items i CROSS JOIN copies c"
        )
        suffix = "CASE WHEN c.k = 0 THEN '' ELSE '~' || c.k END"
        members = _columns(conn, "members")
        values = {
            "id": f"m.id + c.k * {m_off}",
            "external_id": f"m.external_id || {suffix}",
            "handle": f"m.handle || {suffix}",
            "person_id": f"m.person_id + c.k * {m_off}",
        }
        conn.execute(
            f"INSERT INTO members ({', '.join(members)}) SELECT "
            + ", ".join(values.get(c, f"m.{c}") for c in members)
            + " FROM src.members m CROSS JOIN copies c ORDER BY c.k, m.id"
        )
        items = _columns(conn, "items")
        values = {
            "id": "x.new",
            "external_id": f"i.external_id || {suffix}",
            "member_id": f"i.member_id + c.k * {m_off}",
            "parent_external_id": f"i.parent_external_id || {suffix}",
            "thread_external_id": f"i.thread_external_id || {suffix}",
        }
        conn.execute(
            f"INSERT INTO items ({', '.join(items)}) SELECT "
            + ", ".join(values.get(c, f"i.{c}") for c in items)
            + " FROM idmap x JOIN copies c ON c.k = x.k JOIN src.items i ON i.id = x.old"
            " ORDER BY x.new"
        )
        out(f"  items copied in {time.perf_counter() - started:.0f} s")
        queue = _columns(conn, "queue")
        values = {
            "id": f"q.id + c.k * {q_off}",
            "item_id": "x.new",
            "reply_item_id": "(SELECT r.new FROM idmap r WHERE r.k = c.k AND r.old = q.reply_item_id)",
            "previous_queue_id": f"q.previous_queue_id + c.k * {q_off}",
        }
        conn.execute(
            f"INSERT INTO queue ({', '.join(queue)}) SELECT "
            + ", ".join(values.get(c, f"q.{c}") for c in queue)
            + " FROM src.queue q CROSS JOIN copies c"
            " JOIN idmap x ON x.k = c.k AND x.old = q.item_id ORDER BY x.new"
        )
        inter = [c for c in _columns(conn, "interactions") if c != "id"]
        values = {
            "member_id": f"t.member_id + c.k * {m_off}",
            "target_external_id": f"t.target_external_id || {suffix}",
        }
        conn.execute(
            f"INSERT INTO interactions ({', '.join(inter)}) SELECT "
            + ", ".join(values.get(c, f"t.{c}") for c in inter)
            + " FROM src.interactions t CROSS JOIN copies c ORDER BY t.created_at, c.k"
        )
    conn.execute("DETACH src")
    closed = close_all_but_newest(conn, keep_open, END)
    conn.execute("ANALYZE")
    counts = _counts(conn) | {"closed_old": closed, "seconds": round(time.perf_counter() - started)}
    conn.close()
    out(f"  {counts}")
    return counts


def _counts(conn) -> dict:
    return {
        "items": conn.execute("SELECT count(*) FROM items").fetchone()[0],
        "members": conn.execute("SELECT count(*) FROM members").fetchone()[0],
        "open": conn.execute(
            "SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')"
        ).fetchone()[0],
    }


def ensure_replicated(path: Path, src: Path, copies: int, **kwargs) -> Path:
    """``path`` holding ``copies`` copies of the city in ``src``, built if missing."""
    path = Path(path)
    if not path.exists():
        partial = path.with_name(path.name + ".partial")
        partial.unlink(missing_ok=True)
        replicate(src, partial, copies, **kwargs)
        partial.rename(path)
    return path


def ensure_city(path: Path, items: int, **kwargs) -> Path:
    """``path`` holding the city's history of about ``items`` items, built if missing."""
    path = Path(path)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        for p in (partial, state_path(partial)):
            p.unlink(missing_ok=True)
        build(partial, items, **kwargs)
        state_path(partial).rename(state_path(path))
        partial.rename(path)
    return path


def _counts_of(path: Path) -> int:
    from beffroi.store import connect

    conn = connect(path, readonly=True)
    try:
        return conn.execute("SELECT count(*) FROM items").fetchone()[0]
    finally:
        conn.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--db", type=Path, help=f"default: {DATA}/city-<size>.db")
    parser.add_argument(
        "--copies-of", type=Path, help="bulk path: copies of this collected city (see replicate)"
    )
    args = parser.parse_args(argv)
    path = args.db or default_path(args.items)
    if args.copies_of:
        have = _counts_of(args.copies_of)
        copies = max(1, round(args.items / have))
        print(f"{copies} copies of {args.copies_of} ({have:,} items) -> {path}")
        ensure_replicated(path, args.copies_of, copies)
        return 0
    print(f"city of ~{args.items:,} items over {args.days} days -> {path}")
    ensure_city(path, args.items, days=args.days)
    return 0


if __name__ == "__main__":
    sys.exit(main())
