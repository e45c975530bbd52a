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


MUTATION_SUITE = "tests.collectors.test_mutations"


def pytest_runtest_logreport(report):
    """Each phase of a mutation-suite test adds its duration to the suite's own time."""
    import sys

    module = sys.modules.get(MUTATION_SUITE)
    if module is not None and report.nodeid.split("::")[0].endswith("test_mutations.py"):
        module.SPENT.append(report.duration)


def pytest_terminal_summary(terminalreporter):
    """The mutation suite's figures (``test_mutations.py``), when it ran."""
    import sys

    module = sys.modules.get(MUTATION_SUITE)
    if module is not None and module.TALLY["mutations"]:
        terminalreporter.write_line(module.summary())
