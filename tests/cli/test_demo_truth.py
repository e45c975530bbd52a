"""``beffroi demo`` tells the truth (issue 14): live traffic at the history's rate, an inbox
that opens on the last two days (not a three-month backlog), free ports chosen, a second
demo refused before it touches the running one, one address printed."""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from beffroi.cli.errors import UsageError
from beffroi.cli.main import main
from beffroi.config import load_settings
from beffroi.sandbox import state_path
from beffroi.store import from_db
from tests.cli.test_demo import demo  # noqa: F401 (the seeded demo, shared)
from tests.conftest import free_port
from tests.dashboard.server import wait_until_up


def test_live_traffic_comes_at_the_history_s_own_rate(demo):  # noqa: F811
    db, config, _ = demo
    settings = load_settings(config)
    network = sqlite3.connect(state_path(db))
    try:
        citizens = network.execute(
            "SELECT count(*) FROM messages WHERE direction = 'in'"
        ).fetchone()[0]
    finally:
        network.close()
    history_every = settings.sandbox.history_days * 86400 / citizens  # seconds per message
    live_every = settings.sandbox.live_every_seconds
    print(f"history: one citizen message every {history_every:.0f} s; live: {live_every:.0f} s")
    assert 0.7 * history_every <= live_every <= 1.5 * history_every


def test_the_inbox_opens_on_the_last_two_days_not_a_backlog(demo):  # noqa: F811
    db, _, out = demo
    now = datetime.now(UTC)
    conn = sqlite3.connect(db)
    try:
        opened = [
            from_db(r[0])
            for r in conn.execute(
                "SELECT i.created_at FROM queue q JOIN items i ON i.id = q.item_id "
                "WHERE q.status IN ('new', 'assigned')"
            )
        ]
        overdue = conn.execute(
            "SELECT count(*) FROM queue WHERE status IN ('new', 'assigned') AND due_at < ?",
            (now.strftime("%Y-%m-%d %H:%M:%S"),),
        ).fetchone()[0]
        settled = conn.execute(
            "SELECT count(*) FROM queue WHERE status = 'closed' AND closed_by = 'cm' "
            "AND closed_reason = 'handled_elsewhere'"
        ).fetchone()[0]
        audited = conn.execute(
            "SELECT count(*) FROM audit WHERE action = 'close' AND actor = 'cm'"
        ).fetchone()[0]
    finally:
        conn.close()
    print(f"open: {len(opened)}, overdue: {overdue}, settled by cm: {settled}")
    assert opened and min(opened) > now - timedelta(days=2, hours=1)
    assert len(opened) <= 60 and overdue <= 40
    assert settled > 30 and audited == settled
    assert f"{settled} older messages the team had dealt with" in out


def listening(port: int) -> socket.socket:
    sock = socket.socket()
    sock.bind(("127.0.0.1", port))
    sock.listen()
    return sock


def test_a_taken_port_is_skipped_unless_it_was_asked_for():
    from beffroi.cli.cmd_demo import choose_port

    taken = free_port()
    with listening(taken):
        chosen = choose_port(None, taken, "--mail-port")
        assert chosen != taken and taken < chosen <= taken + 50
        with pytest.raises(UsageError, match=f"port {taken} is already in use"):
            choose_port(taken, 8025, "--mail-port")
    assert choose_port(taken, 8025, "--mail-port") == taken


def demo_process(db: Path, port: int, mail_port: int, cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "beffroi", "demo", "--db", str(db), "--port", str(port),
         "--mail-port", str(mail_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"}, cwd=cwd,
    )  # fmt: skip


def read_lines(process: subprocess.Popen, into: list[str]) -> threading.Thread:
    thread = threading.Thread(target=lambda: into.extend(process.stdout), daemon=True)
    thread.start()
    return thread


@pytest.mark.slow
def test_a_second_demo_refuses_before_touching_the_running_one(tmp_path, capsys):
    db, port = tmp_path / "demo.db", free_port()
    first = demo_process(db, port, free_port(), tmp_path)
    lines: list[str] = []
    reader = read_lines(first, lines)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/", first, timeout=120)
        config = tmp_path / "beffroi-demo.toml"
        written = config.read_bytes()
        conn = sqlite3.connect(db)
        logins = conn.execute("SELECT username, password_hash FROM staff ORDER BY 1").fetchall()
        conn.close()
        capsys.readouterr()
        for extra in ([], ["--fresh"], ["--seed-only"]):
            second = ["demo", "--db", str(db), "--port", str(free_port()),
                      "--mail-port", str(free_port()), *extra]  # fmt: skip
            assert main(second) != 0
            said = capsys.readouterr()
            assert "a demo is already running on" in said.err and str(db) in said.err
            assert said.out == ""  # nothing built, collected or written
            assert config.read_bytes() == written
            assert db.exists() and state_path(db).exists()
        conn = sqlite3.connect(db)
        assert conn.execute("SELECT username, password_hash FROM staff ORDER BY 1").fetchall() == (
            logins
        )
        conn.close()
        time.sleep(3)  # what the children print at start is printed by now
    finally:
        first.send_signal(signal.SIGTERM)
        try:
            first.wait(timeout=60)
        finally:
            if first.poll() is None:
                first.kill()
                first.wait()
        reader.join(timeout=10)
    out = "".join(lines)
    assert first.returncode == 0, out
    addresses = [line for line in out.splitlines() if "http://" in line or "https://" in line]
    assert addresses == [f"dashboard: http://localhost:{port}"], out
