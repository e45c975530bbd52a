"""The simulated city collected through the normal pipeline, as the demo does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from beffroi.collectors.sandbox import sandbox_collectors
from beffroi.inbox import ingest_hooks
from beffroi.sandbox import sandbox_settings
from beffroi.scheduler.collection import collect_all
from beffroi.store import connect, sync_accounts


def collected_city(database: Path, now: datetime, **sandbox):
    """(settings, open connection) of the simulated city built and collected at ``now``,
    with the inbox's hooks; ``sandbox`` sets its size (citizens, history_days)."""
    settings = sandbox_settings(database, **sandbox)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    collect_city(conn, settings, now)
    return settings, conn


def collect_city(conn, settings, at: datetime):
    """The simulated city built and collected at ``at``, as ``beffroi collect`` does
    (the sandbox collectors, ``collect_all`` and the inbox's hooks), on that clock."""
    collectors = sandbox_collectors(settings, now=lambda: at)
    return collect_all(conn, collectors, hooks=ingest_hooks(settings), now=lambda: at)
