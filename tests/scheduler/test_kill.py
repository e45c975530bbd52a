"""Kill the publishing service with SIGKILL, many times, at random points; restart each time.

The simulated city's network is slowed on purpose (``set_delay``): on one account the post is
recorded *after* the delay (a kill during it means nothing was received), on the other
*before* it (a kill during it means the network has the post but the service never learnt its
id). Kills also land before any call, between calls and after a call's answer.

At the end, every post the city meant to publish is on the network exactly once, or its row
waits for a person; none twice, none lost without a trace.
"""

from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

import pytest

from beffroi.sandbox import SandboxNetwork, state_path
from beffroi.scheduler.drafts import resolve_publication
from beffroi.scheduler.outbox import FIXED_GRACE, CycleReport, plan_series, publish_cycle
from beffroi.store import now_utc, to_db
from tests.city_config import city_toml, open_city, sandbox_accounts_toml
from tests.scheduler.drafting import approved_draft
from tests.scheduler.sandbox_city import network_for

KILLS = int(os.environ.get("BEFFROI_KILL_TEST_KILLS", "40"))
SERIES_DRAFTS = 25  # x 2 accounts
ONE_OFF_DRAFTS = 20  # x 1 account
EXPECTED = SERIES_DRAFTS * 2 + ONE_OFF_DRAFTS
NETWORK_DELAY = 0.3

# A post not tried within its grace is rightly missed, and the test would wait for it in
# vain: every post must stay within its grace for as long as the test may last. The one-off
# posts' grace is the outbox's fixed one (two hours from their time, a few seconds after the
# start), so the test may last that long; the series' drafts are planned on occurrences a few
# minutes old, with a longer grace (see ``kill_city``).
TEST_TIMEOUT_SECONDS = int(FIXED_GRACE.total_seconds())
GRACE = timedelta(hours=3)
PLAN_AHEAD = GRACE - timedelta(minutes=SERIES_DRAFTS + 5)  # the drafts' occurrences are due

CONFIG = (
    city_toml()
    + sandbox_accounts_toml("x", "facebook")
    + f"""# Every minute, every day (a public holiday too: the test runs on any day). Each cycle
# materialises the occurrences up to the alert horizon: an hour, not the default 48 (2,880
# occurrences computed every second, processor taken from the work under test).
[[rendezvous]]
key = "minute"
name = "Chaque minute"
accounts = ["x_ville", "facebook_ville"]
recurrence = {{ kind = "cron", cron = "* * * * *" }}
hashtags = ["#marcq"]
grace_minutes = {GRACE // timedelta(minutes=1)}
alert_hours_before = 1
skip_closed_days = false

[scheduler]
publish_every_seconds = 1
heartbeat_seconds = 5
max_publish_attempts = 5
trust_network_absence = {{trust}}

[sandbox]
citizens = 10
history_days = 1
"""
)


PERSON = {"username": "chef", "role": "comms_lead"}
# No progress at all for this long (times the machine's measured slowness, see ``slowness``)
# while the service itself got STALL_CPU_SECONDS of processor time means it is stuck, not
# slow: settle() gives up and says so. On a loaded machine the service may get almost no
# processor for minutes; waiting on its own CPU time, not on the clock, does not mistake
# that for a stuck service. A service blocked without using the processor (a lock never
# released) is given up on after STALL_WALL_SECONDS whatever its CPU time.
STALL_SECONDS = 45
STALL_CPU_SECONDS = 10.0
STALL_WALL_SECONDS = 600
# On an idle machine the service prints its "holds" line this soon after being spawned.
NOMINAL_START_SECONDS = 1.5
# A service silent this long (times the slowness measured so far) does not start: hung.
START_PATIENCE_SECONDS = 120


def started(proc, cfg, scale: float = 1.0) -> float:
    """Wait for the service's "holds" line; the seconds it took. A service that exits (or
    prints anything else) first fails the test with its exit code, what it wrote and its
    log (a crash log, if any, is named in the log: it is in the test session's folder).
    One that prints nothing for START_PATIENCE_SECONDS times the slowness measured so far
    is hung: the test fails there, not at a fixed overall deadline."""
    begun = time.monotonic()
    patience = START_PATIENCE_SECONDS * scale
    ready, _, _ = select.select([proc.stdout], [], [], patience)
    line = proc.stdout.readline() if ready else f"(nothing printed in {patience:.0f} s)"
    if "holds" not in line:
        proc.kill()
        out, _ = proc.communicate(timeout=60)
        raise AssertionError(
            f"the service did not start (exit code {proc.returncode} after "
            f"{time.monotonic() - begun:.1f} s): {line!r}{out}\n{service_log(cfg)}"
        )
    return time.monotonic() - begun


def cpu_seconds(pid: int) -> float:
    """Processor time (user + system) the process has had: /proc/PID/stat, fields 14-15."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def slowness(start_seconds: float) -> float:
    """How much slower than an idle machine this one is now (at least 1): deadlines scale."""
    return max(1.0, start_seconds / NOMINAL_START_SECONDS)


def settle(cfg, conn, remaining, scale: float) -> None:
    """Run the service undisturbed until ``remaining()`` is 0, then stop it with SIGTERM.

    The wait has no fixed deadline: it lasts as long as the service makes progress (the
    count goes down), and fails only after ``STALL_SECONDS`` (scaled) without any during
    which the service had ``STALL_CPU_SECONDS`` of processor time (see ``stalled``).
    """
    proc = spawn(cfg)
    scale = max(scale, slowness(started(proc, cfg, scale)))
    left, changed, cpu_then = remaining(), time.monotonic(), cpu_seconds(proc.pid)
    while left and not stalled(time.monotonic() - changed, cpu_seconds(proc.pid) - cpu_then, scale):
        time.sleep(0.2)
        now_left = remaining()
        if now_left != left:
            left, changed, cpu_then = now_left, time.monotonic(), cpu_seconds(proc.pid)
    waited, cpu = time.monotonic() - changed, cpu_seconds(proc.pid) - cpu_then
    proc.send_signal(signal.SIGTERM)
    proc.communicate(timeout=60 * scale)
    assert proc.returncode == 0, service_log(cfg)
    assert not left, (
        f"{left} not settled: no progress for {waited:.0f} s, {cpu:.1f} s of processor time\n"
        + service_log(cfg)
    )


def stalled(wall: float, cpu: float, scale: float) -> bool:
    """No progress for ``wall`` seconds, during which the service had ``cpu`` seconds of
    processor time: stuck only if it was given the processor and still did nothing."""
    if wall < STALL_SECONDS * scale:
        return False
    return cpu >= STALL_CPU_SECONDS or wall >= STALL_WALL_SECONDS


def rows_with_status(conn, *statuses: str) -> int:
    marks = ", ".join("?" for _ in statuses)
    return conn.execute(
        f"SELECT count(*) FROM publications WHERE draft_id IS NOT NULL AND status IN ({marks})",  # noqa: S608
        statuses,
    ).fetchone()[0]


def claimed_by(conn, pid: int) -> bool:
    """Whether the service with this pid holds a publication (its identity is host:pid)."""
    return bool(
        conn.execute(
            "SELECT count(*) FROM publications WHERE status = 'publishing' AND claimed_by LIKE ?",
            (f"%:{pid}",),
        ).fetchone()[0]
    )


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


_SPAWNED: list[subprocess.Popen] = []


@pytest.fixture(autouse=True)
def _no_service_left_behind():
    """A failing test leaves no service running (it would go on publishing, unreaped)."""
    yield
    while _SPAWNED:
        proc = _SPAWNED.pop()
        if proc.poll() is None:
            proc.kill()
            proc.communicate(timeout=60)


def spawn(cfg):
    """The service, its log (stderr) going to a file beside the configuration.

    Not to a pipe: the service logs every cycle at INFO, and a pipe nobody reads while
    settle() polls fills up (64 KiB) and blocks the service in the middle of its work.
    """
    log = (cfg.parent / "service.log").open("a")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "beffroi", "--config", str(cfg), "run", "--only", "publish"],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            env=dict(os.environ, PYTHONUNBUFFERED="1"),
        )
        _SPAWNED.append(proc)
        return proc
    finally:
        log.close()


def service_log(cfg, tail: int = 4000) -> str:
    return (cfg.parent / "service.log").read_text(errors="replace")[-tail:]


def kill_city(tmp_path, trust: str):
    """The city the kill test publishes for: its configuration, the simulated network built,
    the series' and the one-off drafts approved. Returns (configuration path, settings,
    connection, network, the moment the drafts were approved)."""
    cfg, settings, conn = open_city(tmp_path, CONFIG.replace("{trust}", trust))
    now = now_utc()
    network = network_for(settings, now)
    for n in range(SERIES_DRAFTS):
        texts = {"x_ville": f"Rendez-vous {n}", "facebook_ville": f"Rendez-vous {n} !"}
        approved_draft(conn, settings, texts, now=now, series_key="minute")
    for n in range(ONE_OFF_DRAFTS):
        texts = {"x_ville": f"Annonce {n}"}
        approved_draft(conn, settings, texts, now=now, fixed_at=now + timedelta(seconds=2 + n))
    # The series' drafts are attached to its oldest due occurrences within the grace. Planned
    # by the service's first cycle, those are at the grace's very edge: one not tried within
    # a minute is missed. Planned as if PLAN_AHEAD later, they are a few minutes old and
    # stay within the grace for PLAN_AHEAD, longer than the test may last.
    plan_series(conn, settings, now + PLAN_AHEAD, CycleReport())
    return cfg, settings, conn, network, now


def draft_statuses(conn) -> Counter:
    return Counter(
        r[0] for r in conn.execute("SELECT status FROM publications WHERE draft_id IS NOT NULL")
    )


def test_no_post_passes_its_grace_however_long_the_kill_test_lasts(tmp_path):
    """On a loaded machine the kill test may last until its timeout. A post the service has
    not tried yet must still be within its grace then: past it the outbox rightly records it
    ``missed`` (never published, never for a person), and the kill test waits for it in
    vain. That was run 9 of the last ten (``BEFFROI_KILL_TEST_SEED=146931``, load 15 on
    2 cores): a row still unsettled while the service kept running. The drafts were then
    planned by the service's first cycle, at the grace's edge: a post not tried 61 s later
    was missed, 20 of 70 after 10 minutes.

    The service's first cycle, then one at the test's last possible moment, nothing sent in
    between (the processor went to other jobs): every post is still due, none missed."""
    _, settings, conn, network, now = kill_city(tmp_path, "false")
    network.close()
    publish_cycle(conn, settings, {}, now=now, worker="first start")
    not_yet_due = conn.execute(
        "SELECT count(*) FROM publications WHERE draft_id IS NOT NULL AND occurrence > ?",
        (to_db(now),),
    ).fetchone()[0]
    assert not_yet_due == 0, "every series post is due at the first start"
    last = now + timedelta(seconds=TEST_TIMEOUT_SECONDS)
    report = publish_cycle(conn, settings, {}, now=last, worker="last moment")
    assert draft_statuses(conn) == {"approved": EXPECTED}, report
    conn.close()


@pytest.mark.slow
# Every wait inside is on a condition with a deadline scaled to the machine's measured
# slowness (a start, a claim, progress, the processor time the service got), so a hang
# fails there. This is only the harness's last resort: a fixed 1,500 s failed a sound run
# at load 15 on 2 cores (starts of 70 s instead of 1.5, 40 kills: over 25 minutes).
@pytest.mark.timeout(TEST_TIMEOUT_SECONDS)
@pytest.mark.parametrize(
    "trust", ["true", "false"], ids=["network-proves-absence", "always-ask-a-person"]
)
def test_sigkill_at_random_points_never_publishes_twice_nor_loses_a_post(tmp_path, trust):
    cfg, settings, conn, network, now = kill_city(tmp_path, trust)
    network.set_delay("x_ville", "publish", NETWORK_DELAY, moment="before")
    network.set_delay("facebook_ville", "publish", NETWORK_DELAY, moment="after")

    # Replay a failing run with BEFFROI_KILL_TEST_SEED=<the seed it printed>.
    seed = int(os.environ.get("BEFFROI_KILL_TEST_SEED") or random.randrange(10**6))
    print(f"KILL TEST seed {seed} (replay: BEFFROI_KILL_TEST_SEED={seed})")
    rng = random.Random(seed)
    kills, found_publishing, scale = 0, 0, 1.0
    expected = EXPECTED

    def all_done() -> bool:
        return rows_with_status(conn, "published", "needs_person") >= expected

    begun = time.monotonic()
    while kills < KILLS:
        # Kill points are tied to the service's work, not to the clock: on a loaded machine
        # a fixed pause after the start would always land before the first network call.
        mode = rng.choices(["early", "in_flight", "after_progress"], [0.15, 0.45, 0.40])[0]
        pause = rng.uniform(0.0, NETWORK_DELAY * 1.5 if mode == "in_flight" else 0.3)
        progress = rng.randint(1, 3)
        published_before = rows_with_status(conn, "published")
        proc = spawn(cfg)
        scale = slowness(started(proc, cfg, scale))
        if mode == "in_flight":  # this run's claim: the kill lands before, during or after the call
            wait_until(lambda p=proc.pid: claimed_by(conn, p) or all_done(), 30 * scale)
        elif mode == "after_progress":  # between calls, after some posts went out
            wait_until(
                lambda b=published_before, n=progress: (
                    rows_with_status(conn, "published") >= b + n or all_done()
                ),
                30 * scale,
            )
        time.sleep(pause)
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=30)
        kills += 1
        found_publishing += conn.execute(
            "SELECT count(*) FROM publications WHERE status = 'publishing'"
        ).fetchone()[0]

    published_during_kills = conn.execute(
        "SELECT count(*) FROM publications WHERE status = 'published'"
    ).fetchone()[0]
    # A last, undisturbed run settles everything, then stops cleanly on SIGTERM.
    network.set_delay("x_ville", "publish", 0)
    network.set_delay("facebook_ville", "publish", 0)
    settle(cfg, conn, lambda: expected - rows_with_status(conn, "published", "needs_person"), scale)
    elapsed = time.monotonic() - begun

    rows = [dict(r) for r in conn.execute("SELECT * FROM publications WHERE draft_id IS NOT NULL")]
    with SandboxNetwork(state_path(settings.database_path)) as seen:
        posts = seen.published()
    per_marker = Counter(p.marker for p in posts)
    duplicates = sum(count - 1 for count in per_marker.values() if count > 1)
    by_marker = {r["marker"]: r for r in rows}
    published = [r for r in rows if r["status"] == "published"]
    for_person = [r for r in rows if r["status"] == "needs_person"]
    unsettled = [r for r in rows if r["status"] not in ("published", "needs_person")]
    orphans = [p for p in posts if p.marker not in by_marker]
    lost = [r for r in published if per_marker[r["marker"]] != 1] + unsettled
    audit = Counter(
        r[0] for r in conn.execute("SELECT action FROM audit WHERE target_kind = 'publication'")
    )
    figures = {
        "trust_network_absence": trust,
        "seed": seed,
        "kills": kills,
        "posts_planned": expected,
        "rows_with_a_draft": len(rows),
        "posts_received_by_network": len(posts),
        "published": len(published),
        "published_while_being_killed": published_during_kills,
        "duplicates": duplicates,
        "lost": len(lost) + len(orphans),
        "left_for_a_person": len(for_person),
        "rows_found_publishing_after_a_kill": found_publishing,
        "reconciled_found_on_network": audit["reconcile_found"],
        "reconciled_never_received": audit["reconcile_absent"],
        "seconds": round(elapsed, 1),
        "slowness": round(scale, 1),
    }
    print("KILL TEST", json.dumps(figures))
    (tmp_path / "figures.json").write_text(json.dumps(figures))
    assert duplicates == 0, figures
    assert not orphans, figures
    assert not lost, (figures, lost[:3])
    assert len(rows) == expected, figures
    assert len(published) + len(for_person) == expected, figures
    for row in published:
        post = next(p for p in posts if p.marker == row["marker"])
        assert post.external_id == row["external_id"] and post.account == row["account"]
    for row in for_person:
        assert per_marker[row["marker"]] <= 1
        assert json.loads(row["facts"])["marker"] == row["marker"]
    if for_person:
        # What a person does on the Calendar page: look on the network, then decide.
        for row in for_person:
            if per_marker[row["marker"]]:
                post = next(p for p in posts if p.marker == row["marker"])
                link = f"sandbox://{post.network}/{post.account}/{post.external_id}"
                resolve_publication(
                    conn, row["id"], "published", link=link, **PERSON, now=now_utc()
                )
            else:
                resolve_publication(conn, row["id"], "retry", **PERSON, now=now_utc())
        settle(cfg, conn, lambda: expected - rows_with_status(conn, "published"), scale)
        with SandboxNetwork(state_path(settings.database_path)) as seen:
            after = Counter(p.marker for p in seen.published())
        statuses = draft_statuses(conn)
        assert statuses == {"published": expected}, statuses
        assert set(after.values()) == {1} and len(after) == expected, after
    # The kills interrupted real work: rows in flight, and most posts went out meanwhile.
    assert found_publishing > 0, figures
    assert published_during_kills >= 5, figures
    conn.close()
    network.close()
