"""``beffroi demo``: the whole product on the simulated city, no account or internet needed.

The demo database is filled by the normal pipeline (``collect_all`` with the inbox's
hooks) reading the simulated networks, so it is built exactly the way production data is.
Then the scheduler service and the dashboard run as child processes until Ctrl-C.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import tomllib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from beffroi.analytics import ensure_key_file
from beffroi.cli.cmd_dashboard import check_can_listen
from beffroi.cli.commands import summary
from beffroi.cli.demo_history import SETTLED_AFTER, settle_history
from beffroi.cli.demo_links import seed_demo_links
from beffroi.cli.demo_mail import start_mailbox
from beffroi.cli.demo_posts import seed_demo_posts
from beffroi.cli.errors import UsageError
from beffroi.cli.toml_write import dumps
from beffroi.cli.wiring import collectors_for, open_database
from beffroi.config import example_config_path, load_settings
from beffroi.inbox import ingest_hooks
from beffroi.sandbox import (
    CityProfile,
    SandboxError,
    SandboxNetwork,
    sandbox_config,
    state_path,
)
from beffroi.sandbox.history import CITIZEN_MESSAGES_PER_DAY
from beffroi.scheduler import AlreadyRunning, ServiceLock, collect_all
from beffroi.store import now_utc, upsert_staff

DEFAULT_DB = Path("demo-data") / "beffroi-demo.db"
CONFIG_NAME = "beffroi-demo.toml"
DASHBOARD_PORT = 8501
SMTP_PORT = 8025
# The networks the weekly series are cross-posted to in the demo, beside the example's own.
CROSS_POSTED_NETWORKS = ("bluesky", "mastodon")
PORT_SEARCH = 50  # a taken default port: the next free one among this many
# Live activity at the history's own pace: a city hears from a citizen about every twenty
# minutes, not every few seconds (the open count would climb from 105 to 256 in 40 min).
LIVE_EVERY_SECONDS = round(86400 / CITIZEN_MESSAGES_PER_DAY)
# Demo-only logins, printed on the terminal: never use these passwords anywhere else.
DEMO_LOGINS = (
    ("cm", "community_manager", "Camille (community manager)", "demo-cm-2026"),
    ("comms", "comms", "Hugo (communication)", "demo-comms-2026"),
    ("lead", "comms_lead", "Sophie (responsable communication)", "demo-lead-2026"),
    ("direction", "director", "Direction générale", "demo-direction-2026"),
    ("admin", "admin", "Administrateur", "demo-admin-2026"),
)
DEMO_COLLECT_SECONDS = 10.0  # the simulated networks post every few seconds


def register(sub) -> None:
    p = sub.add_parser(
        "demo",
        help=summary("demo"),
        description="Write a demo configuration with five simulated accounts (X, Facebook, "
        "Instagram, Bluesky, Mastodon), build 90 days of the simulated city's history, fill the demo database "
        "through the normal collection pipeline, create one login per role (printed), then "
        "run the scheduler service and the dashboard until Ctrl-C. Running it again reuses "
        "the demo database (only new live activity is added) unless --fresh.",
    )
    p.add_argument("--db", help=f"demo database file (default: {DEFAULT_DB})")
    p.add_argument("--seed-only", action="store_true", help="build the data and stop")
    p.add_argument(
        "--port",
        type=int,
        help=f"dashboard port (default {DASHBOARD_PORT}, or the next free one)",
    )
    p.add_argument("--fresh", action="store_true", help="delete the demo data and start over")
    p.add_argument(
        "--mail-port",
        type=int,
        help="port of the demo's local mailbox, where alerts and reports go "
        f"(default {SMTP_PORT}, or the next free one)",
    )
    p.set_defaults(handler=run)


def demo_paths(args) -> tuple[Path, Path]:
    db = Path(args.db or DEFAULT_DB).expanduser().resolve()
    config = Path(args.config).expanduser().resolve() if args.config else db.parent / CONFIG_NAME
    return db, config


def write_demo_config(db: Path, config: Path, mail_port: int = SMTP_PORT) -> None:
    """The example configuration's themes, services, series and SLA, on simulated accounts."""
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    data = cross_post_series(sandbox_config(data, db))
    data["sandbox"]["live_every_seconds"] = LIVE_EVERY_SECONDS
    data["smtp"] = {
        "host": "localhost",
        "port": mail_port,
        "sender": "beffroi-demo@localhost",
        "starttls": False,
    }
    header = (
        "Beffroi demo configuration, written by `beffroi demo` (rewritten at each run).\n"
        "Five simulated accounts; mail goes to localhost:"
        f"{mail_port}, where the running demo keeps it in {config.parent / 'mail'}."
    )
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(dumps(data, header), encoding="utf-8")


def cross_post_series(data: dict) -> dict:
    """The demo's weekly series also go to Bluesky and Mastodon, as a city of 2026 that
    followed its citizens there would post them (one outbox row per network each week)."""
    keys = [a["key"] for a in data["accounts"] if a.get("simulates") in CROSS_POSTED_NETWORKS]
    for rdv in data.get("rendezvous", []):
        rdv["accounts"] = [*rdv["accounts"], *(k for k in keys if k not in rdv["accounts"])]
    return data


def remove_demo_data(db: Path) -> None:
    for path in (db, state_path(db)):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def seed(
    db: Path, config: Path, *, fresh: bool = False, mail_port: int = SMTP_PORT, out=print
) -> dict:
    """Write the configuration, build the simulated city, collect it; return the counts."""
    if db.exists() and db.is_dir():
        raise UsageError(f"{db} is a folder, not a database file")
    for folder in sorted({db.parent, config.parent}):
        if not folder.exists():
            try:
                folder.mkdir(parents=True)
            except OSError as exc:
                raise UsageError(
                    f"cannot create the demo folder {folder}: {exc.strerror}; "
                    "choose another place with --db"
                ) from None
            out(f"created the folder {folder} for the demo")
    if db.exists() and not os.access(db, os.W_OK) or not os.access(db.parent, os.W_OK):
        raise UsageError(f"the demo cannot write {db}; choose another place with --db")
    if fresh:
        remove_demo_data(db)
    write_demo_config(db, config, mail_port)
    settings = load_settings(config)
    ensure_key_file(settings)  # the dashboard, the CLI and mailed reports share pseudonyms
    started = time.monotonic()
    try:
        network = SandboxNetwork(state_path(settings.database_path))
    except SandboxError as exc:
        raise UsageError(str(exc)) from None
    try:
        reused = network.built
        if reused:
            out(f"simulated city: reusing {network.path}")
        else:
            out(
                f"simulated city: building {settings.sandbox.citizens} citizens and "
                f"{settings.sandbox.history_days} days of history (seed {settings.sandbox.seed})..."
            )
            count = network.build(CityProfile.from_settings(settings), now_utc())
            out(f"  {count} messages on the simulated networks")
    finally:
        network.close()
    out(f"collecting into {settings.database_path} ...")
    conn = open_database(settings)
    # argon2 is slow on purpose: hash the demo passwords while the collection runs.
    with ThreadPoolExecutor(max_workers=1) as pool:
        hashes = pool.submit(_missing_login_hashes, settings.database_path)
        try:
            collect_all(
                conn,
                collectors_for(settings),
                hooks=ingest_hooks(settings),
                on_report=lambda r: out("  " + r.line()),
            )
            _create_logins(conn, hashes.result())
            links = seed_demo_links(conn, settings, now_utc())
            if links:
                out(f"  {links} links between one person's accounts confirmed by the lead")
            if not reused:
                settled = settle_history(conn, now_utc())
                days = SETTLED_AFTER.days
                out(f"  {settled} older messages the team had dealt with, closed as handled "
                    f"elsewhere by cm (the inbox opens on the last {days} days)")  # fmt: skip
            posts = seed_demo_posts(conn, settings, now_utc())
            if posts:
                out(f"  {posts} rendez-vous drafts written by comms and approved by the lead")
            counts = demo_counts(conn)
        finally:
            conn.close()
    counts["seconds"] = round(time.monotonic() - started, 1)
    return counts


def _missing_login_hashes(db: Path) -> dict[str, str]:
    """Password hashes of the demo logins the database does not have yet."""
    from beffroi.dashboard import hash_password

    conn = sqlite3.connect(db)
    try:
        rows = conn.execute("SELECT username, role FROM staff WHERE active = 1").fetchall()
    finally:
        conn.close()
    present = {(r[0], r[1]) for r in rows}
    return {
        username: hash_password(password)
        for username, role, _, password in DEMO_LOGINS
        if (username, role) not in present
    }


def _create_logins(conn, hashes: dict[str, str]) -> None:
    for username, role, name, _ in DEMO_LOGINS:
        if username in hashes:
            upsert_staff(
                conn,
                username,
                display_name=name,
                role=role,
                password_hash=hashes[username],
                actor="demo",
            )


def demo_counts(conn) -> dict:
    """What the demo database holds: members, items per network and kind, open queue."""
    by_kind = conn.execute(
        "SELECT network, kind, direction, count(*) FROM items GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    ).fetchall()
    return {
        "members": conn.execute("SELECT count(*) FROM members").fetchone()[0],
        "items": conn.execute("SELECT count(*) FROM items").fetchone()[0],
        "by_kind": {(r[0], r[1], r[2]): r[3] for r in by_kind},
        "open_queue": conn.execute(
            "SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')"
        ).fetchone()[0],
        "needs_reply_open": conn.execute(
            "SELECT count(*) FROM queue WHERE status IN ('new', 'assigned') "
            "AND coalesce(needs_reply, 1) = 1"
        ).fetchone()[0],
    }


def print_summary(counts: dict, config: Path) -> None:
    print(f"\ndemo database ready in {counts['seconds']} s: {counts['items']} items, "
          f"{counts['members']} members, {counts['open_queue']} open queue items "
          f"({counts['needs_reply_open']} needing a reply or not triaged)")  # fmt: skip
    for (network, kind, direction), n in counts["by_kind"].items():
        print(f"  {network:<10} {kind:<8} {direction:<3} {n:>6}")
    print(f"\nconfiguration: {config}")
    print("demo logins (demo only, never reuse these passwords):")
    for username, role, _, password in DEMO_LOGINS:
        print(f"  {username:<10} {password:<22} {role}")


def run(args) -> int:
    db, config = demo_paths(args)
    # First of all: a demo already running on this database or configuration is left as it
    # is (no rebuild, no --fresh deletion, no new logins, no configuration rewritten).
    with demo_lock(db, config):
        port = choose_port(args.port, DASHBOARD_PORT, "--port")
        mail_port = choose_port(args.mail_port, SMTP_PORT, "--mail-port")
        counts = seed(db, config, fresh=args.fresh, mail_port=mail_port)
        print_summary(counts, config)
        if args.seed_only:
            return 0
        return serve(config, port, mail_port)


class demo_lock:  # noqa: N801 (used as a ``with`` statement, like ``open``)
    """Hold ``<db>.demo.lock`` and ``<config>.demo.lock`` for the demo's life; the kernel
    frees them when it exits, however it exits (``scheduler.ServiceLock``)."""

    def __init__(self, db: Path, config: Path) -> None:
        self.db = db
        self.locks = [ServiceLock(f"{db}.demo"), ServiceLock(f"{config}.demo")]

    def __enter__(self) -> demo_lock:
        taken = []
        try:
            for lock in self.locks:
                lock.acquire()
                taken.append(lock)
        except AlreadyRunning as exc:
            for lock in taken:
                lock.release()
            pid, since = exc.holder.get("pid", "?"), exc.holder.get("since", "?")
            raise UsageError(
                f"a demo is already running on {self.db} (pid {pid}, since {since} UTC): "
                "stop it with Ctrl-C in its terminal, or start another one elsewhere with "
                "--db OTHER_FOLDER/demo.db"
            ) from None
        return self

    def __exit__(self, *exc) -> None:
        for lock in self.locks:
            lock.release()


def choose_port(asked: int | None, default: int, option: str) -> int:
    """The port asked for, refused in one sentence if taken; none asked: ``default``, or
    the next free one after it (a second demo must not mail into the first one's box)."""
    if asked is not None:
        try:
            check_can_listen("127.0.0.1", asked)
        except UsageError:
            raise UsageError(
                f"port {asked} is already in use; choose another with {option}, "
                "or leave it out to take a free one"
            ) from None
        return asked
    for port in range(default, default + PORT_SEARCH):
        try:
            check_can_listen("127.0.0.1", port)
        except UsageError:
            continue
        return port
    raise UsageError(
        f"ports {default} to {default + PORT_SEARCH - 1} are all in use; choose one with {option}"
    )


# ---------------------------------------------------------------------- the running demo


def _child(config: Path, *command: str, quiet: bool = False) -> subprocess.Popen:
    """A ``beffroi`` child; ``quiet``: its standard output is not shown (the dashboard's
    own address line: the demo prints the one address to open), its errors still are."""
    return subprocess.Popen(
        [sys.executable, "-m", "beffroi", "--config", str(config), *command],
        stdout=subprocess.DEVNULL if quiet else None,
    )


def _exited_early(process: subprocess.Popen, seconds: float = 3.0) -> bool:
    """True if the child stopped at once (a held lock or a busy port exits immediately)."""
    try:
        process.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        return False
    return True


def _start_services(config: Path, port: int) -> list[subprocess.Popen]:
    """Start the scheduler service (``beffroi run``) and the dashboard as children.

    Raises UsageError, after stopping whatever did start, when either stops at once: a demo
    without its collector or its dashboard would only look as if it worked.
    """
    scheduler = _child(config, "run", "--collect-every", str(DEMO_COLLECT_SECONDS))
    if _exited_early(scheduler):
        raise UsageError(
            f"beffroi run stopped at once (exit code {scheduler.returncode}); see its message above"
        )
    dashboard = _child(config, "dashboard", "--port", str(port), quiet=True)
    if _exited_early(dashboard, 1.0):
        _stop_children([scheduler])
        raise UsageError(
            f"the dashboard stopped at once (exit code {dashboard.returncode}); "
            f"is port {port} free? Try: beffroi demo --port {port + 1}"
        )
    print(f"\ndashboard: http://localhost:{port}")
    return [scheduler, dashboard]


def serve(config: Path, port: int, mail_port: int = SMTP_PORT) -> int:
    """Run the scheduler and the dashboard until Ctrl-C or SIGTERM, then stop both."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set())
    children: list[subprocess.Popen] = []
    mailbox = None
    try:
        mailbox = start_mailbox(config.parent / "mail", mail_port, lambda t: print(t, flush=True))
        children = _start_services(config, port)
        print("Ctrl-C stops the demo.", flush=True)
        while not stop.is_set():
            if all(c.poll() is not None for c in children):
                print("beffroi demo: the services stopped", file=sys.stderr)
                return 1
            stop.wait(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        signal.signal(signal.SIGTERM, previous)
        _stop_children(children)
        if mailbox is not None:
            mailbox.stop()
    print("beffroi demo: stopped")
    return 0


def _stop_children(children: list[subprocess.Popen]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    deadline = time.monotonic() + 15
    for child in children:
        try:
            child.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
