"""Inbox zero on a small simulated city, through the Inbox page as a manager works it.

A 20-citizen, 2-day city is collected the way `beffroi collect` does it; then the page is
driven with AppTest until the open list is empty: the five most urgent are given to me in
one bulk action, a message the city already answered later in its conversation is closed
"Traité ailleurs", the others are answered with the theme's saved reply when there is one,
otherwise typed in the reply box. Answering a message also answers the same citizen's earlier
open messages of that conversation, so some leave the list without being opened. The simulated
network records every reply it receives: each reply sent from the page reached it exactly once,
and nothing else was sent.
"""

from __future__ import annotations

import sqlite3
import time

import streamlit as st

from beffroi.cli.wiring import open_database
from beffroi.config import load_settings
from beffroi.sandbox import state_path
from beffroi.store import upsert_staff
from tests.dashboard.test_sandbox_city import CONFIG, collect_city
from tests.inbox.helpers import app, button

TYPED = "Bonjour, merci pour votre message ! La réponse est sur marcq-en-baroeul.org."


def open_ids(conn) -> set[int]:
    return {r[0] for r in conn.execute("SELECT id FROM queue WHERE status IN ('new', 'assigned')")}


def test_the_open_queue_is_emptied_through_the_page(tmp_path, monkeypatch):
    started = time.monotonic()
    config = tmp_path / "beffroi.toml"
    config.write_text(CONFIG, encoding="utf-8")
    settings = load_settings(config)
    conn = open_database(settings)

    collect_city(conn, settings)
    upsert_staff(conn, "claire", display_name="Claire", role="community_manager", password_hash="-")
    backlog = open_ids(conn)
    assert len(backlog) >= 5, "the small city should leave some work"
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))
    try:
        at = app(conn, settings, username="claire")
        assert {m.label: m.value for m in at.metric}["Ouverts"] == str(len(backlog))

        five = at.dataframe[0].value["n°"][:5].tolist()
        at.multiselect(key="inbox_bulk_ids").set_value(five).run()
        button(at, "Attribuer la sélection").click().run()  # "me" is the default
        given = conn.execute("SELECT assignee FROM queue WHERE id IN (?, ?, ?, ?, ?)", five)
        assert {r[0] for r in given} == {"claire"}

        handled: dict[str, list[int]] = {"replied": [], "closed": []}
        for _ in range(len(backlog) + 5):  # a bound: a page that never empties fails
            if any("Boîte vide" in s.value for s in at.success):
                break
            qid = at.selectbox(key="inbox_selected").value
            if any("La ville a déjà écrit" in i.value for i in at.info):
                button(at, "Clore").click().run()  # "Traité ailleurs" is preselected
                handled["closed"].append(qid)
            else:
                saved = [s for s in at.selectbox if s.key == f"inbox_tpl_{qid}"]
                if saved and not saved[0].options[saved[0].index].endswith("(général)"):
                    button(at, "Insérer").click().run()
                else:
                    at.text_area(key=f"inbox_reply_{qid}").input(TYPED)
                button(at, "Envoyer la réponse").click().run()
                handled["replied"].append(qid)
            assert not at.exception
            # An urgent message carries its red "URGENT" banner (an st.error); nothing else may.
            errors = [e.value for e in at.error if not e.value.startswith("URGENT :")]
            assert not errors, (errors, [t.value for t in at.text][:3])
        assert open_ids(conn) == set()
        assert any("Boîte vide" in s.value for s in at.success)
        assert {m.label: m.value for m in at.metric}["Ouverts"] == "0"
        # The earlier messages a reply answered along with its own: same reply item, never sent.
        replies = dict(
            conn.execute(
                "SELECT id, reply_item_id FROM queue WHERE status = 'replied' AND replied_by = 'claire'"
            ).fetchall()
        )
        sent_from_page = {replies[q] for q in handled["replied"]}
        along = {q for q, reply in replies.items() if q not in handled["replied"]}
        assert {replies[q] for q in along} <= sent_from_page
        assert set(handled["replied"]) | set(handled["closed"]) | along == backlog
        reasons = conn.execute(
            "SELECT closed_reason FROM queue WHERE status = 'closed' AND closed_by = 'claire'"
        ).fetchall()
        assert [r[0] for r in reasons] == ["handled_elsewhere"] * len(handled["closed"])
        assert handled["replied"]
        print(
            f"inbox zero: {len(backlog)} open, {len(handled['replied'])} replied, "
            f"{len(along)} answered along, {len(handled['closed'])} closed, "
            f"{time.monotonic() - started:.1f} s"
        )

        # What the simulated network received: one reply per message answered from the page.
        answered_ext = dict(
            conn.execute(
                f"SELECT q.id, i.external_id FROM queue q JOIN items i ON i.id = q.item_id"
                f" WHERE q.id IN ({','.join('?' * len(handled['replied']))})",
                handled["replied"],
            ).fetchall()
        )
        network = sqlite3.connect(state_path(settings.database_path))
        sent = network.execute(
            "SELECT parent, count(*) FROM messages WHERE origin = 'api' AND direction = 'out'"
            " GROUP BY parent"
        ).fetchall()
        network.close()
        assert dict(sent) == {ext: 1 for ext in answered_ext.values()}
        assert time.monotonic() - started < 20
    finally:
        conn.close()
        st.cache_data.clear()
        st.cache_resource.clear()
