"""``beffroi demo``: the demo database is built by the normal pipeline, once, and runs."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from beffroi.cli.main import main
from beffroi.config import load_settings
from beffroi.dashboard.auth import login
from beffroi.sandbox import SandboxNetwork, state_path
from tests.conftest import free_port


def counts(db: Path) -> dict:
    conn = sqlite3.connect(db)
    try:
        return {
            "members": conn.execute("SELECT count(*) FROM members").fetchone()[0],
            "items": conn.execute("SELECT count(*) FROM items").fetchone()[0],
            "distinct": conn.execute(
                "SELECT count(*) FROM (SELECT DISTINCT network, external_id FROM items)"
            ).fetchone()[0],
            "by_kind": dict(
                ((r[0], r[1], r[2]), r[3])
                for r in conn.execute(
                    "SELECT network, kind, direction, count(*) FROM items GROUP BY 1, 2, 3"
                )
            ),
            "queue": conn.execute("SELECT count(*) FROM queue").fetchone()[0],
            "open": conn.execute(
                "SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')"
            ).fetchone()[0],
            "ids": {r[0] for r in conn.execute("SELECT external_id FROM items")},
            "staff_audit": conn.execute(
                "SELECT count(*) FROM audit WHERE action = 'staff_upsert'"
            ).fetchone()[0],
        }
    finally:
        conn.close()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """One seeded demo database (about two seconds), shared by the read-only tests."""
    folder = tmp_path_factory.mktemp("demo")
    db = folder / "demo.db"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert main(["demo", "--seed-only", "--db", str(db)]) == 0
    return db, folder / "beffroi-demo.toml", printed.getvalue()


def test_seed_only_builds_a_demo_database_through_the_pipeline(demo, capsys):
    db, config, _ = demo
    found = counts(db)
    assert found["members"] >= 600
    assert found["items"] == found["distinct"] > 10_000
    for network, kind, direction in [
        ("x", "mention", "in"), ("x", "reply", "in"), ("x", "dm", "in"), ("x", "post", "out"),
        ("facebook", "comment", "in"), ("facebook", "dm", "in"), ("facebook", "post", "out"),
        ("facebook", "reply", "out"), ("instagram", "comment", "in"),
        ("instagram", "mention", "in"), ("instagram", "ugc", "in"), ("instagram", "dm", "out"),
        ("bluesky", "mention", "in"), ("bluesky", "reply", "in"), ("bluesky", "dm", "in"),
        ("bluesky", "post", "out"), ("bluesky", "reply", "out"),
        ("mastodon", "mention", "in"), ("mastodon", "reply", "in"), ("mastodon", "dm", "in"),
        ("mastodon", "post", "out"), ("mastodon", "reply", "out"),
    ]:  # fmt: skip
        assert found["by_kind"].get((network, kind, direction), 0) > 0, (network, kind)
    inbound = sum(n for (_, k, d), n in found["by_kind"].items() if d == "in" and k != "ugc")
    assert found["queue"] == inbound >= 5000  # every citizen message entered the queue
    # Bluesky and Mastodon say who liked and reposted (favourited and reblogged).
    conn = sqlite3.connect(db)
    try:
        engagement = {
            (r[0], r[1]): r[2]
            for r in conn.execute("SELECT account, kind, count(*) FROM interactions GROUP BY 1, 2")
        }
    finally:
        conn.close()
    print(engagement)
    for account in ("bluesky_ville", "mastodon_ville"):
        for kind in ("reaction", "share"):
            assert engagement.get((account, kind), 0) > 0, (account, kind)
    assert 0 < found["open"] <= found["queue"]
    settings = load_settings(config)
    assert settings.database_path == db
    assert [a.simulates for a in settings.accounts] == [
        "x",
        "facebook",
        "instagram",
        "bluesky",
        "mastodon",
    ]
    assert (settings.smtp.host, settings.smtp.port) == ("localhost", 8025)
    assert [r.key for r in settings.rendezvous] == [
        "instamoment",
        "jeudi_economie",
        "minute_culturelle",
    ]


def test_demo_logins_work_and_are_printed(demo):
    db, _, out = demo
    assert "demo-cm-2026" in out and "demo-direction-2026" in out and "members" in out
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    member = login(conn, "cm", "demo-cm-2026").member
    assert member is not None and member.role == "community_manager"
    roles = {r[0] for r in conn.execute("SELECT role FROM staff")}
    assert roles == {"community_manager", "comms", "comms_lead", "director", "admin"}
    assert login(conn, "admin", "wrong-password").member is None
    conn.close()


def test_collect_after_the_demo_adds_only_live_activity(demo, capsys):
    db, config, _ = demo
    before = counts(db)
    settings = load_settings(config)
    with SandboxNetwork(state_path(settings.database_path)) as network:
        new_id = network.post_citizen_message(
            "x_ville", "mention", "@marcqenbaroeul nid de poule énorme rue Pasteur, danger !"
        )
    assert main(["--config", str(config), "collect"]) == 0
    after = counts(db)
    added = after["ids"] - before["ids"]
    assert new_id in added
    assert all("-L" in i or "-I" in i for i in added)  # live or injected, never history again
    assert after["items"] == after["distinct"] == before["items"] + len(added)
    assert after["members"] - before["members"] <= len(added)
    # And a second pass right away costs one call per stream and adds nothing.
    capsys.readouterr()
    assert main(["--config", str(config), "collect"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 20 and all("API calls   1" in line for line in lines)  # 20 streams
    assert counts(db)["items"] - after["items"] <= 3  # at most the seconds of live activity


def test_doctor_checks_the_simulated_accounts(demo, capsys):
    _, config, _ = demo
    capsys.readouterr()
    assert main(["--config", str(config), "doctor"]) == 0
    out = capsys.readouterr().out
    for network in ("x", "facebook", "instagram", "bluesky", "mastodon"):
        assert f"simulated {network}," in out


def test_running_the_demo_again_reuses_its_database(demo, capsys):
    db, config, _ = demo
    before = counts(db)
    assert main(["demo", "--seed-only", "--db", str(db)]) == 0
    assert "reusing" in capsys.readouterr().out
    after = counts(db)
    assert after["items"] - before["items"] < 10
    assert after["staff_audit"] == before["staff_audit"] == 5


@pytest.mark.slow
def test_the_demo_runs_and_stops_cleanly_on_sigterm(tmp_path):
    db, port = tmp_path / "demo.db", free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        # Its own mail port: mail must never land in a demo a developer is running.
        [
            sys.executable,
            "-m",
            "beffroi",
            "demo",
            "--db",
            str(db),
            "--port",
            str(port),
            "--mail-port",
            str(free_port()),
        ],  # fmt: skip
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    lines = []
    deadline = time.monotonic() + 60
    try:
        for line in process.stdout:
            lines.append(line)
            if "Ctrl-C stops the demo" in line or time.monotonic() > deadline:
                break
        assert any("Ctrl-C" in line for line in lines), "".join(lines)
        process.send_signal(signal.SIGTERM)
        rest, _ = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == 0, "".join(lines) + rest
    assert "stopped" in rest
    assert "demo-admin-2026" in "".join(lines)
    with socket.socket() as probe:  # the dashboard child is gone with it
        assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_the_demo_has_rendez_vous_drafts_and_a_post_due_soon(demo):
    """Approved drafts cover the next occurrences, one waits for approval, and the one-off
    post goes out once through the real publishing cycle when its time comes."""
    from datetime import timedelta

    from beffroi.cli.demo_posts import ONE_OFF, seed_demo_posts
    from beffroi.cli.wiring import collectors_for
    from beffroi.scheduler import publish_cycle
    from beffroi.store import from_db

    db, config, printed = demo
    settings = load_settings(config)
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        drafts = conn.execute("SELECT * FROM drafts ORDER BY id").fetchall()
        series = len(settings.rendezvous)
        assert len(drafts) == 3 * series + 1 and "rendez-vous drafts" in printed
        by_status = {}
        for d in drafts:
            by_status.setdefault(d["status"], []).append(d)
        assert len(by_status["approved"]) == 2 * series + 1 and len(by_status["draft"]) == series
        (one_off,) = [d for d in drafts if d["fixed_at"]]
        assert seed_demo_posts(conn, settings, from_db(one_off["created_at"])) == 0  # once only
        due = from_db(one_off["fixed_at"])
        collectors = {c.account: c for c in collectors_for(settings)}
        for _ in range(2):  # the service's next minutes: the second cycle has nothing to do
            publish_cycle(conn, settings, collectors, now=due + timedelta(seconds=30), worker="t")
        rows = conn.execute(
            "SELECT status, external_id FROM publications WHERE draft_id = ?", (one_off["id"],)
        ).fetchall()
        assert len(rows) == 4 and all(r["status"] == "published" and r["external_id"] for r in rows)
        published = {c.account: c.published() for c in collectors.values()}
        for account in ("bluesky_ville", "mastodon_ville"):  # on the newer networks too
            assert [p.text for p in published[account] if p.kind == "post"] == [ONE_OFF]
    finally:
        conn.close()


def test_fresh_starts_over(demo):
    """Last of the file: it rebuilds the shared demo database."""
    db, _, _ = demo
    conn = sqlite3.connect(db)
    conn.execute("INSERT INTO meta (key, value) VALUES ('marker', 'old')")
    conn.commit()
    conn.close()
    assert main(["demo", "--seed-only", "--fresh", "--db", str(db)]) == 0
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM meta WHERE key = 'marker'").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM items").fetchone()[0] > 10_000
    assert conn.execute("SELECT count(*) FROM staff").fetchone()[0] == 5
    conn.close()


def test_the_demo_mailbox_keeps_what_beffroi_sends(tmp_path):
    from beffroi.cli.demo_mail import start_mailbox
    from beffroi.config.settings import SMTP
    from beffroi.mailer import send_mail
    from beffroi.sandbox import sandbox_settings

    port = free_port()
    said = []
    mailbox = start_mailbox(tmp_path / "mail", port, said.append)
    assert start_mailbox(tmp_path / "other", port, said.append) is None  # port taken
    assert said[-1].startswith(f"port {port} is in use")
    try:
        settings = sandbox_settings(tmp_path / "b.db").model_copy(
            update={"smtp": SMTP(host="localhost", port=port, sender="demo@localhost")}
        )
        send_mail(settings, ["voirie@example.org"], "Signalement transmis", "Nid de poule")
    finally:
        mailbox.stop()
    [saved] = list((tmp_path / "mail").glob("*.eml"))
    assert b"Signalement transmis" in saved.read_bytes()
    assert said[-1] == "mail to voirie@example.org: Signalement transmis"


def test_a_broken_simulated_network_file_is_one_clear_sentence(tmp_path, capsys):
    """The simulated city fails with its own error (it knows nothing of collectors); the
    command line still says it in one line, as it did when that error was a collector's."""
    db = tmp_path / "demo.db"
    state_path(db).write_text("not a database, sorry" * 100)
    assert main(["demo", "--seed-only", "--db", str(db)]) != 0
    err = capsys.readouterr().err
    assert "not a usable simulated network file" in err and "Traceback" not in err
