"""The test cities' configurations, written from shared pieces: each test keeps only what is
its own (its rendez-vous, scheduler or sandbox settings) beside the pieces below."""

from __future__ import annotations

import sqlite3
import tomllib
from pathlib import Path

from beffroi.config import Settings, example_config_path, load_settings, settings_from_dict
from beffroi.sandbox import sandbox_config
from beffroi.store import connect, sync_accounts

# The city's handles on the networks the simulated city stands in for.
HANDLES = {
    "x": "marcqenbaroeul",
    "facebook": "VilledeMarcqenBaroeul",
    "instagram": "marcqenbaroeul",
    "bluesky": "marcqenbaroeul.bsky.social",
    "mastodon": "marcqenbaroeul",
}


def city_toml(database: str = "beffroi.db") -> str:
    """The ``[city]`` and ``[database]`` tables of Marcq-en-Barœul, the database beside the file."""
    return (
        '[city]\nname = "Marcq-en-Barœul"\ntimezone = "Europe/Paris"\n\n'
        f'[database]\npath = "{database}"\n\n'
    )


def sandbox_accounts_toml(*networks: str) -> str:
    """One simulated account per network, keyed ``<network>_ville``, with the city's handle."""
    return "".join(
        f'[[accounts]]\nkey = "{network}_ville"\nnetwork = "sandbox"\n'
        f'simulates = "{network}"\nhandle = "{HANDLES[network]}"\n\n'
        for network in networks
    )


def sandbox_toml(**values: float) -> str:
    """The ``[sandbox]`` table with these keys (citizens, history_days, live_every_seconds...)."""
    return "[sandbox]\n" + "".join(f"{key} = {value}\n" for key, value in values.items()) + "\n"


def meta_accounts_toml(facebook_streams: list[str] | None = None) -> str:
    """The city's Facebook Page (1001) and Instagram professional account, both read with
    the Page token of BEFFROI_META_PAGE_TOKEN, as the Graph tests imitate them."""
    listed = ", ".join(f'"{stream}"' for stream in facebook_streams or ())
    streams = f"streams = [{listed}]\n" if facebook_streams else ""
    return (
        '[[accounts]]\nkey = "facebook_ville"\nnetwork = "facebook"\nhandle = "VilledeMarcq"\n'
        f'external_id = "1001"\ntoken_env = "BEFFROI_META_PAGE_TOKEN"\n{streams}\n'
        '[[accounts]]\nkey = "instagram_ville"\nnetwork = "instagram"\n'
        'handle = "marcqenbaroeul"\nexternal_id = "17841400000000001"\n'
        'token_env = "BEFFROI_META_PAGE_TOKEN"\n\n'
    )


def open_city(
    tmp_path: Path, toml: str, name: str = "beffroi.toml"
) -> tuple[Path, Settings, sqlite3.Connection]:
    """Write the configuration, load it, open its database with the accounts synced.

    Returns (configuration path, settings, connection).
    """
    config = tmp_path / name
    config.write_text(toml, encoding="utf-8")
    settings = load_settings(config)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    return config, settings, conn


def open_simulated_city(database: Path, **sandbox) -> tuple[Settings, sqlite3.Connection]:
    """The example city with the simulated city's accounts (``sandbox_config``; ``sandbox``
    sets citizens, history_days...), its database at ``database`` opened, accounts synced."""
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    settings = settings_from_dict(sandbox_config(data, database, **sandbox))
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    return settings, conn
