"""One small collected city for every benchmark's small run."""

from __future__ import annotations

import pytest

from tests.benchmarks.city_db import small_city


@pytest.fixture(scope="session")
def city_path(tmp_path_factory):
    return small_city(tmp_path_factory.mktemp("bench-city"))
