"""Delivering the weekly report: last week's PDF archived beside the database and mailed to
``[reports] recipients``.

The analytics room builds and renders the report and returns bytes; delivery (where the file
is kept, what the mail says, sending it) is the scheduler's, which runs it once a week
(``service.weekly_report_if_due``).
"""

from __future__ import annotations

import sqlite3
import tempfile
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from beffroi.analytics import build_report, last_complete_period, render_report
from beffroi.config import Settings
from beffroi.mailer import send_mail
from beffroi.store import connect


@contextmanager
def _reading(conn_or_path: sqlite3.Connection | str | Path):
    if isinstance(conn_or_path, sqlite3.Connection):
        yield conn_or_path
        return
    conn = connect(conn_or_path, readonly=True)
    try:
        yield conn
    finally:
        conn.close()


def archive_folder(conn: sqlite3.Connection) -> Path:
    """The ``reports`` folder beside the database file: the directors' archive of what was
    sent (pseudonymised figures only). A database in memory gets a temporary folder."""
    database_file = conn.execute("PRAGMA database_list").fetchone()[2]
    return Path(database_file).parent / "reports" if database_file else Path(tempfile.mkdtemp())


def send_weekly_report(
    settings: Settings, conn_or_path: sqlite3.Connection | str | Path, now: datetime
) -> Path | None:
    """Build last week's PDF, keep it in the archive and mail it to the recipients.

    With no recipient configured, nothing is built and None is returned (a city may not want
    the mail). Raises ``beffroi.mailer.MailError`` when the SMTP server refuses; returns the
    PDF's path, one file per week, rewritten if sent again.
    """
    if not [r for r in settings.reports.recipients if r]:
        return None
    period = last_complete_period("week", now, settings.tz)
    with _reading(conn_or_path) as conn:
        report = build_report(conn, settings, period, now)
        folder = archive_folder(conn)
    start = period.start.astimezone(settings.tz).date().isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"beffroi-rapport-semaine-{start}.pdf"
    path.write_bytes(render_report(report, "pdf"))
    lines = [f"{h.label} : {h.shown()} ({h.change})" for h in report.headlines]
    body = (
        f"Bonjour,\n\nVoici le rapport hebdomadaire de {settings.city.name}, "
        f"{period.label}.\n\n" + "\n".join(lines) + "\n\nLe détail est dans le PDF joint.\n"
        "\n-- \nBeffroi"
    )
    send_mail(
        settings,
        settings.reports.recipients,
        f"Rapport hebdomadaire — {settings.city.name} — {period.label}",
        body,
        attachments=[path],
    )
    return path
