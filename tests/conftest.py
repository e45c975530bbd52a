"""Shared fixtures: real SQLite files in a temporary folder, the example configuration.

What a fresh clone cannot have is skipped with one line naming what to get: Debian's
Chromium (tests marked ``browser``), the recorded API traffic in ``../shared/fixtures``, and
the git history holding main's code (59cd8f0), the oracle of the "identical to main" tests.
CI sets ``BEFFROI_REQUIRE_BROWSER=1`` and ``BEFFROI_REQUIRE_FIXTURES=1`` (``.ci/run``), which
turn those skips into failures.
"""

from __future__ import annotations

import os
import shutil
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


REQUIRE_BROWSER = "BEFFROI_REQUIRE_BROWSER"
REQUIRE_FIXTURES = "BEFFROI_REQUIRE_FIXTURES"
MISSING_FIXTURES = "needs ../shared/fixtures beside the checkout (recorded API traffic)"
MISSING_CHROMIUM = "needs Chromium: apt-get install chromium"


def missing(requirement: str, message: str) -> None:
    """Skip the running test with ``message``, or fail it when CI requires the part."""
    if os.environ.get(requirement) == "1":
        pytest.fail(f"{message} ({requirement}=1)", pytrace=False)
    pytest.skip(message)


def shared_fixture(relative: str) -> Path:
    """A real recorded API response from ../shared/fixtures; skipped when the folder is
    absent (a fresh clone), failed when it is absent under BEFFROI_REQUIRE_FIXTURES=1 or
    when the folder is there but the file is not."""
    if not SHARED_FIXTURES.is_dir():
        missing(REQUIRE_FIXTURES, MISSING_FIXTURES)
    path = SHARED_FIXTURES / relative
    if not path.exists():
        raise FileNotFoundError(f"recorded fixture {relative} not found in {SHARED_FIXTURES}")
    return path


def chromium() -> str | None:
    """Debian's Chromium on the PATH, the one Playwright drives (never a downloaded one)."""
    return shutil.which("chromium")


def pytest_runtest_setup(item):
    if item.get_closest_marker("browser") and chromium() is None:
        missing(REQUIRE_BROWSER, MISSING_CHROMIUM)


# The test harness's own knobs (no secret among them): a printed seed must replay its run.
TEST_KNOBS = (
    REQUIRE_BROWSER,
    REQUIRE_FIXTURES,
    "BEFFROI_KILL_TEST_SEED",
    "BEFFROI_KILL_TEST_KILLS",
)


@pytest.fixture(scope="session")
def _state_home(tmp_path_factory):
    return tmp_path_factory.mktemp("state-home")


@pytest.fixture(autouse=True)
def _own_state_folder(monkeypatch, _state_home):
    """Memos of passed database checks (``beffroi.store.check_memo``) and crash logs go to
    a folder of the test session, never to the developer's own ``~/.local/state``."""
    monkeypatch.setenv("XDG_STATE_HOME", str(_state_home))


@pytest.fixture(autouse=True)
def _no_real_secrets(monkeypatch):
    """Tests never see the developer's real tokens (nor any BEFFROI_ variable but the knobs)."""
    for name in list(os.environ):
        if name.startswith("BEFFROI_") and name not in TEST_KNOBS:
            monkeypatch.delenv(name, raising=False)


class _Inbox:
    """Messages received by the local aiosmtpd server."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        import email
        from email import policy

        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"


def free_port() -> int:
    """A TCP port nobody listens on now: tests never use fixed ports a developer's demo holds."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on localhost (aiosmtpd); yields (host, port, received messages)."""
    from aiosmtpd.controller import Controller

    port = free_port()
    handler = _Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield "127.0.0.1", port, handler.messages
    finally:
        controller.stop()


def settings_with(base, **sections):
    """A copy of settings with some sections replaced (settings are frozen)."""
    return base.model_copy(update=sections)


def mailing(base, smtp_server, sender: str, **sections):
    """``base`` sending its mail from ``sender`` through the tests' SMTP server (the
    ``smtp_server`` fixture's value), with other sections (alerts, reports) replaced too."""
    from beffroi.config.settings import SMTP

    host, port, _ = smtp_server
    return settings_with(base, smtp=SMTP(host=host, port=port, sender=sender), **sections)
