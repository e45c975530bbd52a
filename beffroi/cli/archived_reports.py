"""The weekly reports archived beside the database, rewritten after an erasure.

The scheduler keeps each weekly PDF it mails in ``reports/`` beside the database. They
carry pseudonymised figures, but their theme examples quote citizens' words: after an
erasure, the weeks in which the person wrote are built again from the erased database (the
same figures, since the rows stay; their words are gone). Mailed copies are out of reach.
"""

from __future__ import annotations

import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path

from beffroi.config import Settings
from beffroi.store import from_db

PREFIX = "beffroi-rapport-semaine-"


def archive_folder(settings: Settings) -> Path:
    return settings.database_path.parent / "reports"


def reports_with(conn: sqlite3.Connection, settings: Settings, member_id: int) -> list[Path]:
    """The archived weekly reports of the weeks in which this member wrote."""
    folder = archive_folder(settings)
    if not folder.is_dir():
        return []
    days = {
        from_db(row[0]).astimezone(settings.tz).date()
        for row in conn.execute("SELECT created_at FROM items WHERE member_id = ?", (member_id,))
    }
    mondays = sorted({day - timedelta(days=day.weekday()) for day in days})
    paths = [folder / f"{PREFIX}{monday.isoformat()}.pdf" for monday in mondays]
    return [path for path in paths if path.is_file()]


def rewrite(conn: sqlite3.Connection, settings: Settings, paths: list[Path], now: datetime) -> int:
    """Build each report again from the database as it is now; return how many."""
    from beffroi.analytics.report import build_report, choose_period, render_pdf

    for path in paths:
        monday = date.fromisoformat(path.stem.removeprefix(PREFIX))
        period = choose_period("week", settings, now, monday)
        path.write_bytes(render_pdf(build_report(conn, settings, period, now)))
    return len(paths)
