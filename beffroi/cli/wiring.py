"""Build the parts of Beffroi from a configuration: settings, database, collectors, hooks.

This is the only place that knows how the rooms fit together; the commands, the scheduler
service and the dashboard all get their parts from here.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from beffroi.cli.errors import UsageError
from beffroi.collectors import Collector, build_collector
from beffroi.config import NETWORKS, Settings, load_settings
from beffroi.store import connect, sync_accounts


def settings_from(config: str | None) -> Settings:
    return load_settings(config)


def add_database_options(parser, *, network: bool = False) -> None:
    """``--db`` (another database file than the configuration's, for ``open_database``) and,
    with ``network``, ``--network`` (only that network's accounts, for ``collectors_for``)."""
    if network:
        parser.add_argument(
            "--network", "-n", help="only this network (x, facebook, instagram, ...)"
        )
    parser.add_argument("--db", help="database file (default: the configuration's)")


def open_database(settings: Settings, path: str | Path | None = None) -> sqlite3.Connection:
    """Open (creating and migrating if needed) the configured database, accounts synced."""
    conn = connect(path or settings.database_path)
    sync_accounts(conn, settings)
    return conn


def collectors_for(settings: Settings, network: str | None = None) -> list[Collector]:
    if network is not None and network not in NETWORKS:
        raise UsageError(f"unknown network '{network}'; choose one of: {', '.join(NETWORKS)}")
    accounts = settings.enabled_accounts(network)
    if network is not None and not accounts:
        raise UsageError(f"no enabled account for network '{network}' in the configuration")
    return [build_collector(settings, account) for account in accounts]
