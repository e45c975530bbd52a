"""``beffroi report``: the directors' report for a week or a month, as PDF, HTML or CSV."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.output import check_output_file
from beffroi.cli.wiring import settings_from
from beffroi.store import connect, now_utc


def register(sub) -> None:
    p = sub.add_parser(
        "report",
        help=summary("report"),
        description="Write the directors' report: headline figures and their change, charts, "
        "themes raised by citizens (pseudonymised examples), events and attendance. Without "
        "--date, the last complete week (Monday to Sunday) or calendar month.",
    )
    p.add_argument("--period", choices=("week", "month"), default="week")
    p.add_argument("--format", dest="fmt", choices=("pdf", "html", "csv"), default="pdf")
    p.add_argument("--out", required=True, metavar="PATH", help="file to write")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="any day of the period to report")
    p.set_defaults(handler=run)


def run(args) -> int:
    # Imported here: pandas and the PDF stack load for this command only.
    from beffroi.analytics import ReportError, build_report, choose_period, render_report

    settings = settings_from(args.config)
    day = None
    if args.date is not None:
        try:
            day = date.fromisoformat(args.date)
        except ValueError:
            raise UsageError(f"--date must look like 2026-11-23, not '{args.date}'") from None
        if not date(1970, 1, 8) <= day <= date(9998, 12, 1):
            raise UsageError(f"--date must be a day between 1970 and 9998, not '{args.date}'")
    out = Path(args.out).expanduser()
    check_output_file(out)
    now = now_utc()
    # Read-only: a report never changes the database (it works on a read-only file too).
    connect(settings.database_path, readonly=True).close()
    try:
        period = choose_period(args.period, settings, now, day)
        conn = connect(settings.database_path, readonly=True)
        try:
            report = build_report(conn, settings, period, now)
        finally:
            conn.close()
        content = render_report(report, args.fmt)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    try:
        out.write_bytes(content)
    except OSError as exc:
        raise UsageError(f"cannot write the report to {out}: {exc.strerror or exc}") from None
    print(f"{out} ({period.label})")
    return 0
