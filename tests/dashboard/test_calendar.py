"""The Calendar page through Streamlit's AppTest, on the simulated city."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from beffroi.scheduler import ACCEPTED_ODDLY
from beffroi.scheduler.drafts import create_draft
from beffroi.scheduler.outbox import publish_cycle
from beffroi.scheduler.series import next_occurrences
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
    """The day of the series' next occurrence, Paris time: a Thursday at 11:00 that is not a
    public holiday (the series skips those)."""
    rdv = next(r for r in settings.rendezvous if r.key == "jeudi_economie")
    return next_occurrences(rdv, settings, now_utc(), 1)[0].astimezone(settings.tz).date()


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
    assert "Aperçu X (@marcqenbaroeul) — 319 / 280 caractères" in captions
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


def test_saving_a_draft_says_so_clears_the_form_and_a_second_click_adds_nothing(city):
    settings, conn, _ = city
    at = calendar_as("lea")
    at.text_area(key="draft_text_None_x_ville").input("Jeudi, les artisans").run()
    at.text_area(key="draft_text_None_facebook_ville").input("Jeudi, les artisans !").run()
    at.text_input(key="draft_title_None").input("Artisans").run()
    at.button(key="draft_save_None").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["Brouillon enregistré."]
    # The form is empty again: a second click has nothing to save, so no duplicate draft.
    assert at.text_area(key="draft_text_None_x_ville").value == ""
    assert at.text_input(key="draft_title_None").value == ""
    at.button(key="draft_save_None").click().run()
    count = conn.execute("SELECT count(*) FROM drafts WHERE title = 'Artisans'").fetchone()[0]
    assert count == 1
    assert any("Écrivez au moins un texte" in e.value for e in at.error)


def test_approving_and_pausing_say_so_after_the_page_reloads(city):
    settings, conn, _ = city
    waiting = conn.execute("SELECT id FROM drafts WHERE title = 'Commerçants'").fetchone()[0]
    chef = calendar_as("chef")
    assert [t.label for t in chef.tabs][2] == "À approuver (1)"
    chef.button(key=f"approve_{waiting}").click().run()
    assert [s.value for s in chef.success] == ["Brouillon approuvé."]
    assert [t.label for t in chef.tabs][2] == "À approuver"
    chef.button(key="pause_jeudi_economie").click().run()
    assert [s.value for s in chef.success] == ["Série mise en pause."]


def test_an_approver_sends_a_draft_back_with_a_comment_the_author_reads(city):
    settings, conn, _ = city
    waiting = conn.execute("SELECT id FROM drafts WHERE title = 'Commerçants'").fetchone()[0]
    chef = calendar_as("chef")
    chef.text_input(key=f"sendback_comment_{waiting}").input("Ajoutez l'adresse du lieu").run()
    chef.button(key=f"sendback_{waiting}").click().run()
    assert [s.value for s in chef.success] == ["Brouillon renvoyé à son auteur."]
    row = conn.execute(
        "SELECT status, review_comment, reviewed_by FROM drafts WHERE id = ?", (waiting,)
    ).fetchone()
    assert tuple(row) == ("draft", "Ajoutez l'adresse du lieu", "chef")
    assert [t.label for t in chef.tabs][2] == "À approuver"  # no longer waiting for approval
    lea = calendar_as("lea")
    lea.selectbox(key="draft_pick").set_value(waiting).run()
    assert any("Ajoutez l'adresse du lieu" in w.value for w in lea.warning)
    # Editing it puts it back in the approver's list, comment cleared.
    lea.text_area(key=f"draft_text_{waiting}_x_ville").input("Rencontre, 12 rue Nationale").run()
    lea.button(key=f"draft_save_{waiting}").click().run()
    row = conn.execute("SELECT status, review_comment FROM drafts WHERE id = ?", (waiting,))
    assert tuple(row.fetchone()) == ("draft", None)
    assert [t.label for t in calendar_as("chef").tabs][2] == "À approuver (1)"


def test_accounts_are_named_not_keyed_and_a_series_draft_says_its_date(city):
    settings, conn, _ = city
    at = calendar_as("lea")
    waiting = conn.execute("SELECT id FROM drafts WHERE title = 'Commerçants'").fetchone()[0]
    at.selectbox(key="draft_pick").set_value(waiting).run()
    labels = [t.label for t in at.text_area]
    assert "Texte pour X (@marcqenbaroeul)" in labels
    assert not any("x_ville" in label for label in labels)
    # Not approved yet: it would take the next occurrence without an approved draft.
    thursday = next_thursday_eleven(settings)
    assert any(f"{thursday:%d/%m}" in i.value and "11:00" in i.value for i in at.info)


def test_a_post_accepted_oddly_shows_as_published_with_its_note(city):
    """The network took the post (2xx) without the id Beffroi expects: the outbox records it
    published with a note (``scheduler.ACCEPTED_ODDLY``, tested on the real outbox in
    tests/scheduler/test_publish_accepted_oddly.py); the Calendrier shows it published, with
    the note, never as a failure to publish again."""
    settings, conn, _ = city
    now = now_utc()
    approved_draft(
        conn, settings, {"x_ville": "Concert au parc"}, now=now - timedelta(hours=2),
        fixed_at=now - timedelta(minutes=25), title="Concert au parc",
    )  # fmt: skip
    publish_cycle(conn, settings, {}, now=now, worker="t")
    [row_id] = [r[0] for r in conn.execute(
        "SELECT p.id FROM publications p JOIN drafts d ON d.id = p.draft_id "
        "WHERE d.title = 'Concert au parc'")]  # fmt: skip
    assert pub.claim_publication(conn, row_id, "w:1", now)
    note = "X a accepté la publication sans en donner un identifiant lisible ; enregistrée comme publiée, sans nouvel envoi"
    pub.record_published(conn, row_id, None, now, facts=json.dumps({ACCEPTED_ODDLY: note}))
    at = calendar_as("lea")
    day = (now - timedelta(minutes=25)).astimezone(settings.tz).date()
    at.date_input(key="cal_day").set_value(day).run()
    labels = " ".join(e.label for e in at.expander).replace("\\", "")
    assert "Concert au parc — publié" in labels
    shown = " ".join(i.value for i in at.info).replace("\\", "")
    assert "Publiée, avec une remarque" in shown and "sans nouvel envoi" in shown
    assert "identifiant inconnu" in all_text(at)
    assert not any("Concert au parc" in e.value for e in at.error)
