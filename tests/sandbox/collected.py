"""The simulated city collected through the normal pipeline, as the demo does."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from beffroi.collectors.sandbox import SandboxCollector
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
    collectors = [
        SandboxCollector.for_account(settings, a, now=lambda: now) for a in settings.accounts
    ]
    collect_all(conn, collectors, hooks=ingest_hooks(settings), now=lambda: now)
    return settings, conn
