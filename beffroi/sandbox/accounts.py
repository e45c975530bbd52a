"""The simulated city's accounts as a configuration writes them, for the demo and tests.

``sandbox_settings`` and ``sandbox_config`` turn the example configuration (or any other)
into one whose accounts are the simulated city's five, so that every room's tests can run
a full cycle without internet.
"""

from __future__ import annotations

from pathlib import Path

# The five accounts of the simulated city, as a configuration writes them (the keys of the
# example configuration's accounts, so its rendez-vous keep theirs).
SANDBOX_ACCOUNTS: tuple[dict, ...] = (
    {"key": "x_ville", "network": "sandbox", "simulates": "x", "handle": "marcqenbaroeul"},
    {
        "key": "facebook_ville",
        "network": "sandbox",
        "simulates": "facebook",
        "handle": "VilledeMarcqenBaroeul",
    },
    {
        "key": "instagram_ville",
        "network": "sandbox",
        "simulates": "instagram",
        "handle": "marcqenbaroeul",
    },
    {
        "key": "bluesky_ville",
        "network": "sandbox",
        "simulates": "bluesky",
        "handle": "marcqenbaroeul.bsky.social",
    },
    {
        "key": "mastodon_ville",
        "network": "sandbox",
        "simulates": "mastodon",
        "handle": "marcqenbaroeul",
    },
)


def sandbox_settings(database: str | Path, **sandbox):
    """Settings of the example city on the simulated accounts, with ``database``.

    For tests of every room: ``sandbox_settings(tmp_path / "beffroi.db", citizens=40,
    history_days=5)`` builds a small city in a fraction of a second.
    """
    import tomllib

    from beffroi.config import example_config_path, settings_from_dict

    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    return settings_from_dict(sandbox_config(data, database, **sandbox))


def sandbox_config(data: dict, database: str | Path, **sandbox) -> dict:
    """A configuration mapping whose accounts are the simulated city's.

    ``data`` is a configuration (e.g. the example's, parsed); its real accounts are
    replaced by the five sandbox ones, rendez-vous keep only those accounts, and
    ``sandbox`` overrides keys of the ``[sandbox]`` section (seed, citizens...). Tests of
    other rooms use it to run full cycles against the simulated city.
    """
    keys = {a["key"] for a in SANDBOX_ACCOUNTS}
    rendezvous = []
    for rdv in data.get("rendezvous", []):
        accounts = [k for k in rdv.get("accounts", []) if k in keys]
        if accounts:
            rendezvous.append({**rdv, "accounts": accounts})
    return {
        **data,
        "accounts": [dict(a) for a in SANDBOX_ACCOUNTS],
        "rendezvous": rendezvous,
        "database": {**data.get("database", {}), "path": str(database)},
        "sandbox": {**data.get("sandbox", {}), **sandbox},
    }
