"""``beffroi collect``: one collection pass of every enabled account."""

from __future__ import annotations

import sys

from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import add_database_options, collectors_for, open_database, settings_from
from beffroi.config import NETWORKS
from beffroi.inbox import after_ingestion, ingest_hooks
from beffroi.scheduler import collect_all
from beffroi.store import now_utc


def register(sub) -> None:
    p = sub.add_parser(
        "collect",
        help=summary("collect"),
        description="Run one collection pass: every stream of every enabled account (or of "
        "one network with --network). Prints, per stream, how many items were fetched, how "
        "many were new, how many API calls it cost and any error. Safe to interrupt and "
        "re-run: nothing is lost or doubled.",
    )
    add_database_options(p, network=True)
    p.set_defaults(handler=run)


def run(args) -> int:
    settings = settings_from(args.config)
    # The database is checked first: building a collector may create files beside it
    # (the simulated city's state), which must not happen for a wrong or damaged path.
    if args.network is not None and args.network not in NETWORKS:
        raise UsageError(f"unknown network '{args.network}'; choose one of: {', '.join(NETWORKS)}")
    if args.network is not None and not settings.enabled_accounts(args.network):
        raise UsageError(f"no enabled account for network '{args.network}' in the configuration")
    conn = open_database(settings, args.db)
    try:
        collectors = collectors_for(settings, args.network)
        reports = collect_all(
            conn,
            collectors,
            hooks=ingest_hooks(settings),
            on_report=lambda r: print(r.line(), flush=True),
        )
        # Hides queued by the moderation rules during the pages' transactions go out now.
        moderation = after_ingestion(conn, settings, now_utc())
        if moderation:
            print(moderation, flush=True)
    finally:
        conn.close()
    errors = [r for r in reports if r.status == "error"]
    total_new = sum(r.new for r in reports)
    print(f"{len(reports)} streams, {total_new} new items, {len(errors)} errors", file=sys.stderr)
    return 1 if errors else 0
