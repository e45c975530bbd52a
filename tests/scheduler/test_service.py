"""The service as a real process: one per database, jobs recorded, clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from apscheduler.triggers.interval import IntervalTrigger

from beffroi.config import load_settings
from beffroi.scheduler.service import JobSpec, SchedulerService
from beffroi.store import connect, get_meta
from tests.city_config import city_toml, open_city, sandbox_accounts_toml, sandbox_toml

CONFIG = """
[city]
name = "Ville"
[database]
path = "b.db"
[scheduler]
publish_every_seconds = 1
heartbeat_seconds = 1
"""


def write_config(tmp_path, extra: str = ""):
    cfg = tmp_path / "b.toml"
    cfg.write_text(CONFIG + extra)
    return cfg


def start_run(cfg, *extra):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.Popen(
        [sys.executable, "-m", "beffroi", "--config", str(cfg), "run", *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def wait_started(proc) -> str:
    line = proc.stdout.readline()
    assert "holds" in line, line + proc.stderr.read()
    return line


def wait_until(condition, seconds: float, step: float = 0.1) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a condition, never a fixed
    sleep: the loaded machine only makes it wait longer); whether it held."""
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(step)
    return True


def job_finished(conn, job: str) -> bool:
    """A run of ``job`` is recorded as finished (ok or error)."""
    return bool(
        conn.execute(
            "SELECT 1 FROM job_runs WHERE job = ? AND status != 'running'", (job,)
        ).fetchone()
    )


def test_second_service_on_same_database_refuses_and_names_the_holder(tmp_path):
    cfg = write_config(tmp_path)
    first = start_run(cfg)
    try:
        wait_started(first)
        second = subprocess.run(
            [sys.executable, "-m", "beffroi", "--config", str(cfg), "run"],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert second.returncode == 2
        assert f"pid {first.pid}" in second.stderr
        assert "already running" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        out, err = first.communicate(timeout=30)
    assert first.returncode == 0, err
    assert "stopped" in err
    # The lock is free again: a new service starts.
    third = start_run(cfg)
    try:
        wait_started(third)
    finally:
        third.send_signal(signal.SIGTERM)
        third.communicate(timeout=30)
    assert third.returncode == 0


def test_lock_of_a_killed_service_is_taken_over(tmp_path):
    cfg = write_config(tmp_path)
    first = start_run(cfg)
    wait_started(first)
    first.send_signal(signal.SIGKILL)
    first.communicate(timeout=30)
    second = start_run(cfg)
    try:
        line = wait_started(second)
        assert str(second.pid) in line
    finally:
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=30)
    assert second.returncode == 0


def test_heartbeat_and_jobs_recorded_and_a_failing_job_does_not_stop_the_service(tmp_path):
    settings = load_settings(write_config(tmp_path))
    calls = []

    def broken(conn, now):
        calls.append(now)
        raise RuntimeError("boom access_token=SECRET123")

    service = SchedulerService(
        settings, extra_jobs=[JobSpec("broken", broken, IntervalTrigger(seconds=1))]
    )
    service.start()
    try:
        wait_until(lambda: len(calls) >= 2, 10)
    finally:
        assert service.stop() == []
    assert len(calls) >= 2
    conn = connect(settings.database_path)
    rows = conn.execute("SELECT job, status, error FROM job_runs").fetchall()
    errors = [r for r in rows if r["job"] == "broken"]
    assert errors and all(r["status"] == "error" for r in errors)
    assert "SECRET123" not in errors[0]["error"] and "boom" in errors[0]["error"]
    assert {"publish", "heartbeat"} <= {r["job"] for r in rows if r["status"] == "ok"}
    assert f'"pid": {os.getpid()}' in get_meta(conn, "scheduler.heartbeat")
    assert not conn.execute("SELECT 1 FROM job_runs WHERE status = 'running'").fetchone()


SANDBOX_CONFIG = (
    city_toml("b.db")
    + sandbox_accounts_toml("x", "instagram")
    + sandbox_toml(citizens=10, history_days=1, live_every_seconds=0.5)
)


def test_run_collects_the_simulated_city_every_few_seconds(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text(SANDBOX_CONFIG)
    proc = start_run(cfg, "--collect-every", "1")
    try:
        line = wait_started(proc)
        assert "collect:x_ville" in line and "collect:instagram_ville" in line
        conn = connect(tmp_path / "b.db", migrate=False)

        def passes() -> int:
            return conn.execute(
                "SELECT count(DISTINCT id) FROM job_runs WHERE job = 'collect:x_ville' "
                "AND status = 'ok'"
            ).fetchone()[0]

        assert wait_until(lambda: passes() >= 3, 30, step=0.2), passes()
        items = conn.execute("SELECT count(*) FROM items WHERE account = 'x_ville'").fetchone()[0]
        streams = conn.execute(
            "SELECT DISTINCT stream FROM collection_runs WHERE account = 'x_ville'"
        ).fetchall()
        assert items > 0 and len(streams) >= 2
        assert not conn.execute("SELECT 1 FROM collection_runs WHERE status = 'error'").fetchone()
        conn.close()
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err


def test_bad_collect_every_and_unknown_job_are_one_sentence(tmp_path):
    cfg = write_config(tmp_path)
    for extra, expected in (
        (["--collect-every", "0"], "positive number of seconds"),
        (["--only", "publish,dance"], "unknown job 'dance'"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "beffroi", "--config", str(cfg), "run", *extra],
            capture_output=True,
            text=True,
            timeout=30,
        )
        assert done.returncode == 2 and expected in done.stderr
        assert "Traceback" not in done.stderr


PUBLISHING_CONFIG = (
    city_toml("b.db")
    + sandbox_accounts_toml("x")
    + """[scheduler]
publish_every_seconds = 1
stop_timeout_seconds = {timeout}
[sandbox]
citizens = 10
history_days = 1
"""
)


@pytest.mark.parametrize("timeout, outcome", [(10, "finished"), (0.2, "abandoned")])
def test_sigterm_during_a_publication_finishes_or_abandons_it_cleanly(tmp_path, timeout, outcome):
    from beffroi.sandbox import SandboxNetwork, state_path
    from beffroi.store import now_utc
    from tests.scheduler.drafting import approved_draft
    from tests.scheduler.sandbox_city import network_for

    cfg, settings, conn = open_city(tmp_path, PUBLISHING_CONFIG.format(timeout=timeout), "b.toml")
    now = now_utc()
    network = network_for(settings, now)
    network.set_delay("x_ville", "publish", 1.5, moment="before")
    for n in range(2):
        texts = {"x_ville": f"Annonce {n}"}
        approved_draft(conn, settings, texts, now=now, fixed_at=now + timedelta(seconds=1))
    proc = start_run(cfg, "--only", "publish")
    try:
        wait_started(proc)
        publishing = "SELECT 1 FROM publications WHERE status = 'publishing'"
        wait_until(lambda: conn.execute(publishing).fetchone(), 20, step=0.05)
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    assert proc.returncode == 0, err
    statuses = [r[0] for r in conn.execute("SELECT status FROM publications ORDER BY id")]
    runs = {r[0] for r in conn.execute("SELECT status FROM job_runs")}
    with SandboxNetwork(state_path(settings.database_path)) as seen:
        received = seen.published()
    if outcome == "finished":
        # The post in flight is finished; the next one waits for the next start.
        assert statuses == ["published", "approved"] and len(received) == 1
        assert "running" not in runs and "abandoned" not in runs
    else:
        # Left mid-call: the row says so, and the next start asks the network first.
        assert "abandoned: publish" in err
        assert statuses == ["publishing", "approved"]
        assert "abandoned" in runs and "running" not in runs
        assert received == []
    conn.close()
    network.close()


def test_retention_purge_runs_as_a_job_and_deletes_expired_citizen_messages(tmp_path):
    from datetime import UTC, datetime

    from beffroi.collectors import Author, Item, Page
    from beffroi.inbox import ingest_page

    settings = load_settings(write_config(tmp_path))
    conn = connect(settings.database_path)
    old = datetime.now(UTC) - timedelta(days=settings.retention.items_days + 10)
    fresh = datetime.now(UTC) - timedelta(days=1)
    items = [
        Item("x", "x_ville", f"m{n}", "mention", "in", "Bonjour", when, Author("x", "u1", "u"))
        for n, when in enumerate([old, fresh])
    ]
    ingest_page(conn, "x_ville", "mentions", Page(items, None))
    service = SchedulerService(settings, only=["retention_purge"])
    service.start()
    try:
        wait_until(lambda: job_finished(conn, "retention_purge"), 10)
    finally:
        service.stop()
    run = conn.execute(
        "SELECT status, detail FROM job_runs WHERE job = 'retention_purge'"
    ).fetchone()
    assert run["status"] == "ok", run["detail"]
    # The État page shows this detail to staff: a French sentence, not a Python repr.
    assert run["detail"] == "1 message supprimé, 1 ligne de file supprimée"
    assert [r[0] for r in conn.execute("SELECT external_id FROM items")] == ["m1"]
    conn.close()


def test_sla_sweep_runs_as_a_job(tmp_path):
    settings = load_settings(write_config(tmp_path, "[alerts]\nsweep_minutes = 1\n"))
    service = SchedulerService(settings, only=["sla_sweep"])
    assert [spec.name for spec in service.job_specs()] == ["sla_sweep"]
    service.start()
    conn = connect(settings.database_path)
    try:
        wait_until(lambda: job_finished(conn, "sla_sweep"), 10)
    finally:
        service.stop()
    run = conn.execute("SELECT status, error FROM job_runs WHERE job = 'sla_sweep'").fetchone()
    assert tuple(run) == ("ok", None)
    conn.close()
