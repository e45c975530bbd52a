"""The demo's weekly series are cross-posted to Bluesky and Mastodon: the demo configuration
targets them, the scheduler publishes each occurrence exactly once per network (one outbox
row per account) and the Calendar shows every network's row. A real SQLite file and the
simulated city (no recorded fixture), with a frozen clock."""

from __future__ import annotations

import tomllib
from collections import Counter
from datetime import UTC, datetime, timedelta

from beffroi.cli.cmd_demo import write_demo_config
from beffroi.cli.demo_posts import seed_demo_posts
from beffroi.collectors.sandbox import sandbox_collectors
from beffroi.config import settings_from_dict
from beffroi.sandbox import CityProfile, SandboxNetwork, state_path
from beffroi.scheduler.outbox import publish_cycle
from beffroi.scheduler.series import occurrences
from beffroi.store import connect, sync_accounts, to_db
from tests.scheduler.sandbox_city import calendar_entries

START = datetime(2026, 10, 5, 8, 0, tzinfo=UTC)  # a Monday
SERIES = ("instamoment", "jeudi_economie", "minute_culturelle")


def demo_settings(folder):
    db, config = folder / "beffroi-demo.db", folder / "beffroi-demo.toml"
    write_demo_config(db, config)
    data = tomllib.loads(config.read_text(encoding="utf-8"))
    data["sandbox"] |= {"citizens": 10, "history_days": 1}
    data["alerts"], data["smtp"] = {}, {"host": "127.0.0.1", "port": 9}
    return settings_from_dict(data, source=config)


def test_the_demo_configuration_cross_posts_every_weekly_series_to_bluesky_and_mastodon(tmp_path):
    settings = demo_settings(tmp_path)
    networks = {a.key: a.simulates for a in settings.accounts}
    for rdv in settings.rendezvous:
        if rdv.key in SERIES:
            assert {"bluesky", "mastodon"} <= {networks[k] for k in rdv.accounts}, rdv.key
            assert len(rdv.accounts) == len(set(rdv.accounts))


def test_each_occurrence_goes_out_once_per_network_and_the_calendar_shows_each(tmp_path):
    settings = demo_settings(tmp_path)
    clock = [START]
    network = SandboxNetwork(state_path(settings.database_path))
    network.build(CityProfile.from_settings(settings), START)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    collectors = {c.account: c for c in sandbox_collectors(settings, now=lambda: clock[0])}
    try:
        assert seed_demo_posts(conn, settings, START) > 0
        end = START + timedelta(days=8)
        due = sorted(
            o
            for rdv in settings.rendezvous
            if rdv.key in SERIES
            for o in occurrences(rdv, settings, START, end)
        )
        # Every cycle runs twice (two service passes close together) and every 6 hours.
        steps = sorted(
            {START + timedelta(hours=6 * i) for i in range(4 * 8)}
            | {o + timedelta(minutes=m) for o in due for m in (1, 2)}
        )
        for at in steps:
            clock[0] = at
            publish_cycle(conn, settings, collectors, now=at, worker="test")
        rows = conn.execute(
            "SELECT series_key, occurrence, account, status FROM publications "
            "WHERE series_key IN (?, ?, ?)",
            SERIES,
        ).fetchall()
        per_account = Counter((r[0], r[1], r[2]) for r in rows)
        assert set(per_account.values()) == {1}
        first_week = {
            rdv.key: occurrences(rdv, settings, START, START + timedelta(days=7))
            for rdv in settings.rendezvous
            if rdv.key in SERIES
        }
        for rdv in settings.rendezvous:
            if rdv.key not in SERIES:
                continue
            for occurrence in first_week[rdv.key]:
                got = {r[2]: r[3] for r in rows if r[0] == rdv.key and r[1] == to_db(occurrence)}
                assert got == {k: "published" for k in rdv.accounts}, (rdv.key, occurrence)
        for account in ("bluesky_ville", "mastodon_ville"):
            posts = network.published(account)
            markers = Counter(p.marker for p in posts)
            assert all(p.count == 1 for p in posts) and set(markers.values()) == {1}
            series_posts = [p for p in posts if p.kind == "post" and "n°" in p.text]
            assert len(series_posts) == sum(len(o) for o in first_week.values())
        entries = calendar_entries(conn, settings, START, START + timedelta(days=7), end)
        shown = [e for e in entries if e.key in SERIES]
        assert {e.key for e in shown} == set(SERIES)
        for entry in shown:
            assert entry.state == "published"
            accounts = {r["account"] for r in entry.rows}
            assert {"bluesky_ville", "mastodon_ville"} <= accounts, entry.key
    finally:
        conn.close()
        network.close()
