"""The dashboard on the simulated city, collected the way `beffroi collect` does it."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from beffroi.cli.wiring import collectors_for, open_database
from beffroi.config import load_settings
from beffroi.inbox import ingest_hooks
from beffroi.scheduler.collection import collect_all
from tests.city_config import city_toml, sandbox_accounts_toml, sandbox_toml
from tests.dashboard.conftest import add_staff
from tests.dashboard.test_app import PASSWORD, login, open_page, start
from tests.sandbox import collected

CONFIG = (
    city_toml("sim.db")
    + sandbox_accounts_toml("x", "instagram")
    + sandbox_toml(citizens=20, history_days=2)
)

# When the browser tests' city is built and collected: a Tuesday, 10:30 in Marcq. On the
# real clock the city (its open list, its first message) changed with the day and hour the
# tests ran: CI once found 7 open messages where the keyboard test needs 12.
CITY_NOW = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def collect_city(conn, settings, at: datetime = CITY_NOW):
    """The browser tests' city: collected at ``CITY_NOW`` unless told otherwise."""
    return collected.collect_city(conn, settings, at)


def test_simulated_city_in_the_inbox_and_health_panel(tmp_path, monkeypatch):
    config = tmp_path / "beffroi.toml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(config)
    conn = open_database(settings)
    reports = collect_all(conn, collectors_for(settings), hooks=ingest_hooks(settings))
    assert reports and all(r.status == "ok" for r in reports)
    add_staff(conn, claire="community_manager")
    instagram_queued = conn.execute(
        "SELECT count(*) FROM queue JOIN items ON items.id = queue.item_id"
        " WHERE items.account = 'instagram_ville' AND queue.status IN ('new', 'assigned')"
    ).fetchone()[0]
    assert instagram_queued > 0
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))
    try:
        at = login(start(), "claire", PASSWORD)
        assert not at.exception
        table = at.dataframe[0].value
        assert set(table["Réseau"]) == {"X", "Instagram"}  # never "Simulation"
        assert not any(a == "(auteur inconnu)" for a in table["Auteur"][:5])
        at.multiselect(key="inbox_networks").select("instagram").run()
        table = at.dataframe[0].value
        assert set(table["Réseau"]) == {"Instagram"} and len(table) == min(50, instagram_queued)

        at = open_page(at, "health")
        health = at.dataframe[0].value
        assert len(health) == len(reports) and set(health["État"]) == {"OK"}
        assert not at.error
    finally:
        conn.close()
        st.cache_data.clear()
        st.cache_resource.clear()


def test_the_simulated_citizens_on_bluesky_and_mastodon_in_the_inbox(tmp_path, monkeypatch):
    """The five networks in the inbox: labels, and the network filter keeps each one."""
    config = tmp_path / "beffroi.toml"
    config.write_text(
        city_toml("sim.db")
        + sandbox_accounts_toml("x", "facebook", "instagram", "bluesky", "mastodon")
        + "[sandbox]\ncitizens = 120\nhistory_days = 4\n",
        encoding="utf-8",
    )
    settings = load_settings(config)
    conn = open_database(settings)
    reports = collect_all(conn, collectors_for(settings), hooks=ingest_hooks(settings))
    assert reports and all(r.status == "ok" for r in reports)
    add_staff(conn, claire="community_manager")
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))
    try:
        at = login(start(), "claire", PASSWORD)
        assert not at.exception
        # Every status: a small city's few Mastodon messages may all be answered already.
        at.multiselect(key="inbox_statuses").set_value(
            ["new", "assigned", "replied", "closed"]
        ).run()
        for network, label in (("bluesky", "Bluesky"), ("mastodon", "Mastodon")):
            at.multiselect(key="inbox_networks").set_value([network]).run()
            table = at.dataframe[0].value
            assert len(table) > 0 and set(table["Réseau"]) == {label}, network
        at = open_page(at, "health")
        health = at.dataframe[0].value
        assert {"Bluesky", "Mastodon"} <= set(health["Réseau"])
        # "Pourquoi ce score ?" of a Bluesky liker says where the likes were given.
        liker = conn.execute(
            "SELECT member_id FROM interactions WHERE account = 'bluesky_ville' "
            "GROUP BY member_id ORDER BY count(*) DESC, member_id LIMIT 1"
        ).fetchone()[0]
        at = open_page(at, "community")
        at.selectbox(key="community_explain").set_value(liker).run()
        assert not at.exception
        captions = [c.value for c in at.caption if "par réseau" in c.value]
        assert captions and "Bluesky : " in captions[0], captions
    finally:
        conn.close()
        st.cache_data.clear()
        st.cache_resource.clear()
