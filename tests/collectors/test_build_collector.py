"""``build_collector``: every network the configuration accepts has its collector class, and
building one imports only its own network's module (a city without X never loads tweepy)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from beffroi.collectors import COLLECTOR_CLASSES, build_collector
from beffroi.config.settings import NETWORKS


def test_every_configurable_network_names_a_collector_class():
    assert set(COLLECTOR_CLASSES) == set(NETWORKS)
    for network, (module, name) in COLLECTOR_CLASSES.items():
        collector_class = getattr(importlib.import_module(module), name)
        assert callable(collector_class.for_account), network


def test_an_unknown_network_is_refused(example_settings):
    account = example_settings.accounts[0].model_copy(update={"network": "myspace"})
    with pytest.raises(ValueError, match="myspace"):
        build_collector(example_settings, account)


def test_building_the_simulated_city_imports_no_network_client(tmp_path):
    code = f"""
import sys, tomllib
from beffroi.collectors import build_collector
from beffroi.config import example_config_path, settings_from_dict
from beffroi.sandbox import sandbox_config
data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
settings = settings_from_dict(sandbox_config(data, {str(tmp_path / "b.db")!r}))
for account in settings.accounts:
    build_collector(settings, account)
print(sorted(m for m in {CLIENTS!r} if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


# The network clients' own packages, which only their collector modules import.
CLIENTS = ("tweepy", "pyfacebook", "atproto", "mastodon", "instaloader")
