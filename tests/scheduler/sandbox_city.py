"""The simulated city for scheduler tests: a configuration, its settings and a clock."""

from __future__ import annotations

import tomllib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from beffroi.collectors.sandbox import SandboxCollector, sandbox_collectors
from beffroi.config import example_config_path, settings_from_dict
from beffroi.sandbox import CityProfile, SandboxNetwork, sandbox_config, state_path
from beffroi.scheduler.calendar import Entry, build_entries
from beffroi.scheduler.outbox import tracked_since
from beffroi.store import connect, sync_accounts, to_db
from beffroi.store.calendar import (
    approved_series_drafts,
    fixed_drafts_between,
    publications_between,
    series_states,
)

SMALL = {"citizens": 10, "history_days": 1}


class Clock:
    """A frozen clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def city_data(folder, **overrides) -> dict:
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    data = sandbox_config(data, folder / "beffroi.db", **SMALL)
    # No mail server outside the tests' own: alerts are recorded without e-mail.
    data["alerts"] = {}
    data["smtp"] = {"host": "127.0.0.1", "port": 9}
    for key, value in overrides.items():
        data[key] = value
    return data


def city_settings(folder, **overrides):
    return settings_from_dict(city_data(folder, **overrides), source=folder / "beffroi.toml")


def network_for(settings, now: datetime) -> SandboxNetwork:
    """The simulated network's state, built (small history) at ``now``."""
    network = SandboxNetwork(state_path(settings.database_path))
    network.build(CityProfile.from_settings(settings), now)
    return network


def collectors_for(settings, clock) -> dict[str, SandboxCollector]:
    return {c.account: c for c in sandbox_collectors(settings, now=clock)}


@contextmanager
def scheduler_city(folder, start: datetime) -> Iterator[tuple]:
    """The simulated city built at ``start``, its accounts synced: yields (settings, clock,
    network, conn, collectors), the clock at ``start``; closed on the way out."""
    settings = city_settings(folder)
    clock = Clock(start)
    network = network_for(settings, start)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    try:
        yield settings, clock, network, conn, collectors_for(settings, clock)
    finally:
        conn.close()
        network.close()


def calendar_entries(conn, settings, start: datetime, end: datetime, now: datetime) -> list[Entry]:
    """The Calendar's entries between ``start`` and ``end``, read as its page reads them."""
    return build_entries(
        settings,
        publications_between(conn, to_db(start), to_db(end)),
        approved_series_drafts(conn),
        fixed_drafts_between(conn, to_db(start), to_db(end)),
        series_states(conn),
        start,
        end,
        now,
        tracked_since(conn),
    )
