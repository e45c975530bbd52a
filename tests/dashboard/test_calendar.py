"""The Calendar page through Streamlit's AppTest, on the simulated city."""

from __future__ import annotations

import json
from datetime import date, time, timedelta

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from beffroi.scheduler.drafts import create_draft
from beffroi.scheduler.outbox import publish_cycle
from beffroi.store import now_utc, set_meta, to_db
from beffroi.store import publishing as pub
from tests.city_config import city_toml, open_city, sandbox_accounts_toml
from tests.dashboard.conftest import APP, PASSWORD, add_staff
from tests.dashboard.test_app import all_text, login, open_page
from tests.scheduler.drafting import approved_draft
from tests.scheduler.sandbox_city import collectors_for, network_for

CONFIG = (
    city_toml()
    + sandbox_accounts_toml("x", "facebook")
    + """[[rendezvous]]
key = "jeudi_economie"
name = "Jeudi de l'économie"
accounts = ["facebook_ville", "x_ville"]
recurrence = { kind = "weekly", days = ["thu"], time = 11:00:00 }
hashtags = ["#jeudideleconomie"]

[sandbox]
citizens = 10
history_days = 1
"""
)


@pytest.fixture
def city(tmp_path, monkeypatch):
    config, settings, conn = open_city(tmp_path, CONFIG)
    add_staff(conn, lea="comms", chef="comms_lead", claire="community_manager")
    now = now_utc()
    network = network_for(settings, now)
    # A one-off post published half an hour ago, and one whose fate the network cannot tell.
    for text, minutes in (("Fermeture de la mairie à 16 h", 30), ("Marché de Noël", 20)):
        approved_draft(
            conn,
            settings,
            {"x_ville": text},
            now=now - timedelta(hours=2),
            fixed_at=now - timedelta(minutes=minutes),
            title=text,
        )
    collectors = collectors_for(settings, now_utc)
    publish_cycle(
        conn,
        settings,
        {"x_ville": collectors["x_ville"]},
        now=now - timedelta(minutes=25),
        worker="t",
    )
    publish_cycle(conn, settings, {}, now=now, worker="t")
    uncertain = conn.execute("SELECT id FROM publications WHERE status = 'approved'").fetchone()[0]
    pub.claim_publication(conn, uncertain, "dead:1", now)
    pub.record_needs_person(conn, uncertain, '{"marker": "m", "network": "inconnu"}', now)
    # A draft waiting for approval.
    create_draft(
        conn,
        settings,
        username="lea",
        role="comms",
        now=now,
        series_key="jeudi_economie",
        texts={"x_ville": "Rencontre avec les commerçants", "facebook_ville": "Rencontre !"},
        title="Commerçants",
    )
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))
    yield settings, conn, uncertain
    conn.close()
    network.close()
    st.cache_data.clear()
    st.cache_resource.clear()


def calendar_as(user):
    at = login(AppTest.from_file(APP, default_timeout=20).run(), user, PASSWORD)
    return open_page(at, "calendar")


def next_thursday_eleven(settings) -> date:
    """The day of the series' next occurrence, Paris time: today if it is Thursday before 11:00."""
    local = now_utc().astimezone(settings.tz)
    ahead = (3 - local.weekday()) % 7
    if ahead == 0 and local.time() >= time(11):
        ahead = 7
    return local.date() + timedelta(days=ahead)


def test_calendar_shows_published_scheduled_and_missing_occurrences(city):
    settings, _, _ = city
    at = calendar_as("lea")
    assert at.title[0].value == "Calendrier des rendez-vous"
    # Both one-off posts are minutes old: in the week on show, unless it just turned Monday.
    for label, minutes in (("Fermeture de la mairie à 16 h — publié", 30),
                           ("Marché de Noël — à vérifier par une personne", 20)):  # fmt: skip
        day = (now_utc() - timedelta(minutes=minutes)).astimezone(settings.tz).date()
        at.date_input(key="cal_day").set_value(day).run()
        assert label in " ".join(e.label for e in at.expander).replace("\\", "")
        assert label.split(" — ")[0] in all_text(at)
    # The next Thursday can fall in next week (on a Sunday, say): the manager moves to it.
    at.date_input(key="cal_day").set_value(next_thursday_eleven(settings)).run()
    labels = " ".join(e.label for e in at.expander).replace("\\", "")
    assert "Jeudi de l'économie — brouillon manquant" in labels
    assert any("n'a jamais tourné" in w.value for w in at.warning)
    # Community managers have no calendar.
    cm = calendar_as("claire")
    assert cm.title[0].value != "Calendrier des rendez-vous"


def test_draft_editor_counts_characters_and_saves(city):
    settings, conn, _ = city
    at = calendar_as("lea")
    at.text_area(key="draft_text_None_x_ville").input("é" * 300).run()
    captions = " ".join(c.value for c in at.caption)
    assert "Aperçu X (x_ville) — 319 / 280 caractères" in captions
    assert any("Trop long pour X" in e.value for e in at.error)
    at.text_area(key="draft_text_None_x_ville").input("Jeudi, les artisans").run()
    at.text_area(key="draft_text_None_facebook_ville").input("Jeudi, les artisans !").run()
    at.text_input(key="draft_title_None").input("Artisans").run()
    at.button(key="draft_save_None").click().run()
    row = conn.execute("SELECT * FROM drafts WHERE title = 'Artisans'").fetchone()
    assert row["status"] == "draft" and row["created_by"] == "lea"
    assert "Jeudi, les artisans" in row["texts"]


def test_only_an_approver_approves_and_settles_uncertain_posts(city):
    settings, conn, uncertain = city
    waiting = conn.execute("SELECT id FROM drafts WHERE title = 'Commerçants'").fetchone()[0]
    lea = calendar_as("lea")
    assert any("Seuls la responsable" in i.value for i in lea.info)
    assert not [b for b in lea.button if b.key == f"approve_{waiting}"]
    chef = calendar_as("chef")
    chef.button(key=f"approve_{waiting}").click().run()
    assert conn.execute(
        "SELECT status, approved_by FROM drafts WHERE id = ?", (waiting,)
    ).fetchone()[:] == ("approved", "chef")
    chef.button(key=f"np_retry_{uncertain}").click().run()
    row = conn.execute(
        "SELECT status, resolved_by FROM publications WHERE id = ?", (uncertain,)
    ).fetchone()
    assert tuple(row) == ("approved", "chef")


def test_pause_and_resume_a_series(city):
    settings, conn, _ = city
    # The service is alive: no warning about it.
    beat = {"at": to_db(now_utc()), "pid": 1, "host": "mairie"}
    set_meta(conn, "scheduler.heartbeat", json.dumps(beat))
    at = calendar_as("lea")
    assert not any("service beffroi" in w.value.lower() for w in at.warning)
    at.button(key="pause_jeudi_economie").click().run()
    assert conn.execute(
        "SELECT paused, paused_by FROM series WHERE key = 'jeudi_economie'"
    ).fetchone()[:] == (1, "lea")
    at = calendar_as("lea")
    assert any("En pause" in w.value for w in at.warning)
    at.button(key="pause_jeudi_economie").click().run()
    assert conn.execute("SELECT paused FROM series WHERE key = 'jeudi_economie'").fetchone()[0] == 0
