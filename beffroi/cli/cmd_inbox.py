"""``beffroi inbox``: the response queue from the command line (counters, overdue sweep)."""

from __future__ import annotations

from beffroi.cli.commands import summary
from beffroi.cli.wiring import add_database_options, open_database, settings_from
from beffroi.inbox import counters, sweep_overdue
from beffroi.labels import duration
from beffroi.store import connect, now_utc


def register(sub) -> None:
    p = sub.add_parser(
        "inbox",
        help=summary("inbox"),
        description="Show the response queue's counters, or run the overdue sweep once "
        "(the scheduler runs it every alerts.sweep_minutes): overdue items are marked and "
        "the on-duty manager gets one digest of those not alerted yet.",
    )
    p.add_argument("action", choices=["status", "sweep"], help="what to do")
    add_database_options(p)
    p.set_defaults(handler=run)


def run(args) -> int:
    settings = settings_from(args.config)
    if args.action == "status":
        # Counting changes nothing: read-only, so it works on a read-only file too.
        conn = connect(args.db or settings.database_path, readonly=True)
    else:
        conn = open_database(settings, args.db)
    try:
        now = now_utc()
        if args.action == "sweep":
            result = sweep_overdue(conn, settings, now)
            print(f"newly overdue: {result.marked}, alerted in one digest: {result.alerted}")
            if result.error:
                print(f"alert not sent: {result.error}")
                return 1
            return 0
        c = counters(conn, settings, now)
        print(f"open: {c.open}")
        print(f"overdue: {c.overdue}")
        print(f"answered today: {c.answered_today}")
        print(
            f"median first response this week (business hours): {duration(c.median_response_seconds_week)}"
        )
        return 0
    finally:
        conn.close()
