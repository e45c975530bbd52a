"""The full cycle on the simulated city: collection, triage, the Inbox page, the network.

Nothing here is a stand-in: the sandbox network is a real SQLite file that the collector
reads and writes, the page runs in Streamlit's AppTest, mail goes to a real local SMTP server.
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest

from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import example_config_path
from beffroi.inbox import QueueError, escalate, ingest_hooks, send_reply, sweep_overdue
from beffroi.inbox.alerts import MAX_LISTED
from beffroi.sandbox import SandboxNetwork, from_text, state_path
from beffroi.scheduler import collect_all
from beffroi.store import connect, now_utc
from tests.city_config import open_simulated_city
from tests.inbox.helpers import add_managers, app, button, queue_row, texts, with_smtp

QUESTION = "Bonjour, le marché de Noël ouvre à quelle heure samedi ?"


@pytest.fixture
def city(tmp_path):
    settings, conn = open_simulated_city(tmp_path / "beffroi.db", citizens=40, history_days=5)
    collect(conn, settings)  # builds the simulated city and ingests its history
    network = SandboxNetwork(state_path(settings.database_path))
    yield settings, conn, network
    network.close()
    conn.close()


def collect(conn, settings):
    collectors = [SandboxCollector.for_account(settings, a) for a in settings.accounts]
    reports = collect_all(conn, collectors, hooks=ingest_hooks(settings))
    assert all(r.status == "ok" for r in reports), [r.line() for r in reports]


def city_replies(network, external_id):
    return network.conn.execute(
        "SELECT * FROM messages WHERE parent = ? AND direction = 'out'", (external_id,)
    ).fetchall()


def new_mention(settings, conn, network, text=QUESTION, minutes_ago=30, kind="mention"):
    ext = network.post_citizen_message(
        "x_ville", kind, text, handle="julie59", at=now_utc() - timedelta(minutes=minutes_ago)
    )
    collect(conn, settings)
    return ext


def test_history_is_triaged_and_mostly_answered_natively(city):
    settings, conn, _ = city
    statuses = dict(conn.execute("SELECT status, count(*) FROM queue GROUP BY status").fetchall())
    assert sum(statuses.values()) > 20
    assert statuses.get("replied", 0) > 0 and statuses.get("closed", 0) > 0
    untriaged = conn.execute("SELECT count(*) FROM queue WHERE needs_reply IS NULL").fetchone()[0]
    assert untriaged == 0
    native = conn.execute("SELECT count(*) FROM queue WHERE replied_by = 'réseau'").fetchone()[0]
    assert native == statuses["replied"]


def test_a_mention_is_triaged_assigned_and_answered_from_the_page(city):
    settings, conn, network = city
    add_managers(conn, "alice")
    ext = new_mention(settings, conn, network)
    row = queue_row(conn, ext)
    assert (row["status"], row["needs_reply"], row["theme"], row["priority"]) == (
        "new",
        1,
        "événements",
        "normal",
    )
    at = app(conn, settings)
    at.selectbox(key="inbox_selected").set_value(row["id"]).run()
    button(at, "Me l'attribuer").click().run()
    assert queue_row(conn, ext)["assignee"] == "alice"
    at.text_area(key=f"inbox_reply_{row['id']}").input("Bonjour, de 10 h à 20 h. À samedi !")
    button(at, "Envoyer la réponse").click().run()
    assert not at.exception
    sent = city_replies(network, ext)
    assert len(sent) == 1 and sent[0]["text"] == "Bonjour, de 10 h à 20 h. À samedi !"
    row = queue_row(conn, ext)
    asked = from_text(network.message(ext)["created_at"])
    expected = int((from_text(sent[0]["created_at"]) - asked).total_seconds())
    assert (row["status"], row["replied_by"], row["response_seconds"]) == (
        "replied",
        "alice",
        expected,
    )
    assert 1800 <= expected < 1900
    reply_item = conn.execute(
        "SELECT * FROM items WHERE id = ?", (row["reply_item_id"],)
    ).fetchone()
    assert (reply_item["direction"], reply_item["parent_external_id"]) == ("out", ext)
    # collecting again sees the reply on the network and changes nothing
    collect(conn, settings)
    assert len(city_replies(network, ext)) == 1
    assert queue_row(conn, ext)["replied_by"] == "alice"


def test_a_native_reply_closes_the_item(city):
    settings, conn, network = city
    ext = new_mention(settings, conn, network, minutes_ago=75)
    collector = SandboxCollector.for_account(settings, settings.account("x_ville"))
    asked = next(
        i for p in collector.fetch("mentions", None) for i in p.items if i.external_id == ext
    )
    native = collector.reply(asked, "Bonjour, de 10 h à 20 h !")  # written in the network's app
    collect(conn, settings)
    row = queue_row(conn, ext)
    expected = int((native.created_at - asked.created_at).total_seconds())
    assert (row["status"], row["replied_by"], row["response_seconds"]) == (
        "replied",
        "réseau",
        expected,
    )
    assert 75 * 60 <= expected < 80 * 60


def test_a_failing_send_keeps_the_draft_and_shows_the_error(city):
    settings, conn, network = city
    ext = new_mention(settings, conn, network)
    qid = queue_row(conn, ext)["id"]
    network.inject_failure("x_ville", "reply", "auth_expired")
    at = app(conn, settings)
    at.selectbox(key="inbox_selected").set_value(qid).run()
    at.text_area(key=f"inbox_reply_{qid}").input("Bonjour, de 10 h à 20 h.")
    button(at, "Envoyer la réponse").click().run()
    assert not at.exception
    row = queue_row(conn, ext)
    assert row["status"] == "new" and row["reply_draft"] == "Bonjour, de 10 h à 20 h."
    assert "simulated auth expired" in row["last_error"]
    assert "simulated auth expired" in texts(at)
    assert city_replies(network, ext) == []
    # the draft is still in the box after a reload, and the retry goes through once
    at = app(conn, settings)
    at.selectbox(key="inbox_selected").set_value(qid).run()
    assert at.text_area(key=f"inbox_reply_{qid}").value == "Bonjour, de 10 h à 20 h."
    button(at, "Envoyer la réponse").click().run()
    assert len(city_replies(network, ext)) == 1
    assert queue_row(conn, ext)["status"] == "replied"
    assert queue_row(conn, ext)["last_error"] is None


def test_two_sends_at_once_reach_the_network_once(city):
    settings, conn, network = city
    ext = new_mention(settings, conn, network)
    qid = queue_row(conn, ext)["id"]
    network.set_delay("x_ville", "reply", 0.5, "before")
    outcomes = []

    def click():
        own = connect(settings.database_path)
        try:
            send_reply(own, settings, qid, "Bonjour, de 10 h à 20 h.", actor="alice")
            outcomes.append("sent")
        except QueueError as exc:
            outcomes.append(str(exc))
        finally:
            own.close()

    threads = [threading.Thread(target=click) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["Une réponse à ce message est déjà en cours d'envoi.", "sent"]
    assert len(city_replies(network, ext)) == 1


def test_escalation_and_overdue_digest_on_the_simulated_city(city, smtp_server):
    settings, conn, network = city
    settings = with_smtp(settings, smtp_server)
    _, _, received = smtp_server
    ext = new_mention(
        settings, conn, network, "Dépôt sauvage de matelas rue Jean Jaurès", minutes_ago=1
    )
    qid = queue_row(conn, ext)["id"]
    escalate(conn, settings, qid, "proprete", actor="alice")
    assert received[-1]["To"] == "proprete@example.org"
    assert "Dépôt sauvage de matelas rue Jean Jaurès" in received[-1].get_content()
    assert "julie59" in received[-1].get_content()
    before = len(received)
    later = now_utc() + timedelta(days=30)
    first = sweep_overdue(conn, settings, later)
    assert first.alerted >= 1 and len(received) == before + 1
    body = received[-1].get_content()
    assert f"{first.alerted} message(s) de citoyens ont dépassé" in body
    # How many the 5-day city leaves late depends on the day it is simulated; the digest
    # lists the first MAX_LISTED and counts the rest, and the escalated message is in it.
    assert body.count("\n- n°") == min(first.alerted, MAX_LISTED)
    if first.alerted > MAX_LISTED:
        assert f"... et {first.alerted - MAX_LISTED} autre(s)" in body
    alerted = conn.execute(
        "SELECT detail FROM audit WHERE action = 'overdue_digest' ORDER BY id DESC LIMIT 1"
    ).fetchone()[0]
    assert qid in json.loads(alerted)["items"]
    again = sweep_overdue(conn, settings, later + timedelta(minutes=5))
    assert (again.marked, again.alerted) == (0, 0) and len(received) == before + 1


def test_the_whole_dashboard_answers_a_mention_once(tmp_path, monkeypatch):
    """Through the shell itself: log in, the inbox opens, answer, the network gets one reply."""
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    from tests.city_config import open_city, sandbox_accounts_toml
    from tests.dashboard.conftest import APP, add_staff

    text = example_config_path().read_text(encoding="utf-8")
    start = text.index("[[accounts]]")
    end = text.index("# ----", start)
    text = text[:start] + sandbox_accounts_toml("x", "facebook", "instagram") + text[end:]
    text = text.replace("citizens = 650", "citizens = 40").replace(
        "history_days = 90", "history_days = 5"
    )
    config, settings, conn = open_city(tmp_path, text)
    add_staff(conn, claire="community_manager")
    collect(conn, settings)
    network = SandboxNetwork(state_path(settings.database_path))
    try:
        ext = new_mention(settings, conn, network, minutes_ago=12)
        qid = queue_row(conn, ext)["id"]
        monkeypatch.setenv("BEFFROI_CONFIG", str(config))
        at = AppTest.from_file(APP, default_timeout=30).run()
        at.text_input(key="login_username").input("claire")
        at.text_input(key="login_password").input("mot-de-passe-sûr")
        at.button[0].click().run()
        assert at.title[0].value == "Boîte de réception"
        at.text_input(key="inbox_search").input("marché de Noël").run()
        before = list(at.selectbox(key="inbox_selected").options)
        at.selectbox(key="inbox_selected").set_value(qid).run()
        at.text_area(key=f"inbox_reply_{qid}").input("Bonjour, dès 10 h samedi !")
        next(b for b in at.button if b.label == "Envoyer la réponse").click().run()
        assert not at.exception
        assert len(city_replies(network, ext)) == 1
        row = queue_row(conn, ext)
        assert (row["status"], row["replied_by"]) == ("replied", "claire")
        assert 12 * 60 <= row["response_seconds"] < 14 * 60
        # the answered message left the open list
        assert any(o.startswith(f"n°{qid} ") for o in before)
        try:
            left = at.selectbox(key="inbox_selected").options
        except KeyError:  # nothing open matches the search any more
            left = []
        assert not any(o.startswith(f"n°{qid} ") for o in left)
    finally:
        network.close()
        conn.close()
        st.cache_data.clear()
        st.cache_resource.clear()
