"""Fixtures for the collector tests: HTTP interception and a sleep that does not wait."""

import pytest
import responses

from tests.collectors.graph_http import Sleeps


@pytest.fixture
def rsps():
    """Intercepts every request made through ``requests`` (the clients' own HTTP layer)."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def sleeps():
    return Sleeps()


def pytest_terminal_summary(terminalreporter):
    """The mutation suite's figures (``test_mutations.py``), when it ran."""
    import sys

    module = sys.modules.get("tests.collectors.test_mutations")
    if module is not None and module.TALLY["mutations"]:
        terminalreporter.write_line(module.summary())
