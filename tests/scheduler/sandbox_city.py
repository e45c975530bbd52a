"""The simulated city for scheduler tests: a configuration, its settings and a clock."""

from __future__ import annotations

import tomllib
from datetime import datetime

from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import example_config_path, settings_from_dict
from beffroi.sandbox import CityProfile, SandboxNetwork, sandbox_config, state_path

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
    return {
        a.key: SandboxCollector.for_account(settings, a, now=clock)
        for a in settings.enabled_accounts()
    }
