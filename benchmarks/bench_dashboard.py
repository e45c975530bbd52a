"""The real dashboard on a big city, in Chromium: cold start, each page's first paint after
a write, memory with five staff sessions.

    .venv/bin/python benchmarks/bench_dashboard.py --db /work/bench-data/city-1m.db

Starts ``beffroi dashboard`` (a new process) on a copy-free configuration pointing at the
database, logs in through the login form in Debian's Chromium (Playwright), and measures:

- cold start: from the process start to the Boîte de réception's heading and list drawn,
  the database file first evicted from the OS page cache (``posix_fadvise DONTNEED``, this
  file only: the rest of the machine keeps its cache);
- for each page: an item written by another connection (as a collection pass does), then
  the click in the navigation until the page's heading is drawn and Streamlit has stopped
  running its script; the État de la collecte page is the baseline (ratio);
- memory: the dashboard process's resident set (with its children) once five sessions
  have each drawn every page.

Timings are single measurements of a real browser, median of ``--rounds`` rounds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
import tomllib
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from beffroi.cli.toml_write import dumps  # noqa: E402
from beffroi.collectors import (  # noqa: E402
    Author,
    Item,
    Page,  # noqa: E402
)
from beffroi.config import example_config_path  # noqa: E402
from beffroi.inbox import ingest_page  # noqa: E402
from beffroi.sandbox import sandbox_config  # noqa: E402
from beffroi.store import connect, upsert_staff  # noqa: E402
from benchmarks.page_cache import evict  # noqa: E402
from tests.dashboard.server import dashboard_process, wait_until_up  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
USER, PASSWORD = "bench-admin", "mot-de-passe-du-banc"
PAGES = [  # (navigation label, heading drawn)
    ("État de la collecte", "État de la collecte"),
    ("Boîte de réception", "Boîte de réception"),
    ("Calendrier des rendez-vous", "Calendrier des rendez-vous"),
    ("Communauté", "Communauté"),
    ("Rapports", "Rapports"),
]


def prepare(db: Path, folder: Path) -> Path:
    """A configuration for ``db`` (the simulated city's accounts) and an admin login."""
    from beffroi.dashboard.auth import hash_password

    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    config = folder / "beffroi.toml"
    config.write_text(dumps(sandbox_config(data, db)), encoding="utf-8")
    conn = connect(db)
    upsert_staff(
        conn,
        USER,
        display_name="Banc d'essai",
        role="admin",
        password_hash=hash_password(PASSWORD),
        actor="benchmark",
    )
    conn.close()
    return config


def write_one(db: Path, n: int) -> None:
    """What a collection pass does to the database: one new message, committed."""
    conn = connect(db)
    now = datetime.now(UTC).replace(microsecond=0)
    item = Item(
        "x", "x_ville", f"bench-{time.time_ns()}-{n}", "mention", "in",
        "Bonjour, une question sur la piscine", now,
        Author("x", f"bench-author-{n}", f"banc{n}", None),
    )  # fmt: skip
    ingest_page(conn, "x_ville", "mentions", Page([item], None))
    conn.close()


def rss_mb(pid: int) -> float:
    """Resident memory of a process and its children, in MB."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for p in pids:
        for line in Path(f"/proc/{p}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


def drawn(page, heading: str, timeout_ms: float) -> None:
    """The heading is visible and Streamlit has finished the page's script (the app's
    ``data-test-script-state``, which Streamlit's own browser tests wait on)."""
    from playwright.sync_api import expect

    expect(page.get_by_role("heading", name=heading).first).to_be_visible(timeout=timeout_ms)
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=timeout_ms,
    )


def login(page, url: str, timeout_ms: float) -> None:
    page.goto(url)
    page.get_by_label("Identifiant").fill(USER)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def run(db: Path, rounds: int = 3, sessions: int = 5, timeout_s: float = 120, out=print) -> dict:
    from playwright.sync_api import sync_playwright

    timeout_ms = timeout_s * 1000
    folder = Path(tempfile.mkdtemp(prefix="bench-dashboard-"))
    config = prepare(db, folder)
    items = connect(db, readonly=True).execute("SELECT count(*) FROM items").fetchone()[0]
    evict(db)
    started = time.perf_counter()
    dashboard = dashboard_process(config, folder / "dashboard.log", stop_timeout=15)
    figures: dict = {"items": items}
    with dashboard as (url, process), sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            wait_until_up(url, process, timeout_s)
            up = time.perf_counter() - started
            login(page, url, timeout_ms)
            drawn(page, "Boîte de réception", timeout_ms)
            page.locator("[data-testid=data-grid-canvas]").first.wait_for(timeout=timeout_ms)
            figures["cold start"] = time.perf_counter() - started
            out(f"{db}: {items:,} items")
            out(
                f"  cold start to the Boîte drawn: {figures['cold start']:.2f} s "
                f"(server answering after {up:.2f} s, login form filled by the script)"
            )
            times: dict[str, list[float]] = {label: [] for label, _ in PAGES}
            for n in range(rounds):
                for label, heading in PAGES:
                    write_one(db, n)
                    t0 = time.perf_counter()
                    page.get_by_role("link", name=label).first.click()
                    drawn(page, heading, timeout_ms)
                    times[label].append(time.perf_counter() - t0)
            baseline = statistics.median(times[PAGES[0][0]])
            out(f"  first paint after a write (median of {rounds}):")
            for label, _ in PAGES:
                took = statistics.median(times[label])
                figures[label] = took
                out(f"    {label:<28} {took:6.2f} s   {took / baseline:5.1f}x État")
            others = [browser.new_page(locale="fr-FR") for _ in range(sessions - 1)]
            for other in others:
                login(other, url, timeout_ms)
                drawn(other, "Boîte de réception", timeout_ms)
                for label, heading in PAGES:
                    other.get_by_role("link", name=label).first.click()
                    drawn(other, heading, timeout_ms)
            figures["rss"] = rss_mb(process.pid)
            out(f"  memory with {sessions} sessions, every page drawn: {figures['rss']:.0f} MB")
        finally:
            browser.close()
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sessions", type=int, default=5)
    args = parser.parse_args(argv)
    run(args.db, args.rounds, args.sessions)
    return 0


if __name__ == "__main__":
    sys.exit(main())
