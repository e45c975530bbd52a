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


# The test harness's own knobs (no secret among them): a printed seed must replay its run.
TEST_KNOBS = ("BEFFROI_REQUIRE_BROWSER", "BEFFROI_KILL_TEST_SEED", "BEFFROI_KILL_TEST_KILLS")


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
