"""Shared fixtures: real SQLite files in a temporary folder, the example configuration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from beffroi.config import example_config_path, load_settings
from beffroi.store import connect

SHARED_FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"


@pytest.fixture
def example_settings():
    return load_settings(example_config_path())


@pytest.fixture
def db(tmp_path):
    conn = connect(tmp_path / "beffroi.db")
    yield conn
    conn.close()


def shared_fixture(relative: str) -> Path:
    """A real recorded API response from ../shared/fixtures; fail clearly when absent."""
    path = SHARED_FIXTURES / relative
    if not path.exists():
        raise FileNotFoundError(
            f"recorded fixture {relative} not found: the folder {SHARED_FIXTURES} "
            "(the project's shared/fixtures, beside the checkout) is missing"
        )
    return path


@pytest.fixture(autouse=True)
def _no_real_secrets(monkeypatch):
    """Tests never see the developer's real tokens."""
    for name in list(os.environ):
        if name.startswith("BEFFROI_") and name not in ("BEFFROI_REQUIRE_BROWSER",):
            monkeypatch.delenv(name, raising=False)
