"""The Inbox page driven through Streamlit's AppTest on a real database."""

from __future__ import annotations

from beffroi.store import upsert_staff
from tests.inbox.helpers import (
    add_managers,
    app,
    button,
    city_reply,
    ingest,
    later,
    message,
    queue_row,
    texts,
    with_smtp,
)


def test_counters_list_and_citizen_text_never_as_markdown(db, example_settings):
    ingest(
        db,
        example_settings,
        message("m1", "**Fuite** d'eau <script>alert(1)</script> rue de Lille"),
        message("m2", "Le marché est ouvert dimanche ?"),
        message("m3", "Merci !"),
    )
    at = app(db, example_settings, later(90))
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ouverts"] == "2" and metrics["En retard"] == "1"
    assert "<script>" not in "".join(m.value for m in at.markdown)
    assert "**Fuite** d'eau <script>alert(1)</script> rue de Lille" in texts(at)
    frame = at.dataframe[0].value
    assert list(frame["n°"]) == [queue_row(db, "m1")["id"], queue_row(db, "m2")["id"]]
    assert frame["Priorité"][0] == "Urgente"


def test_assign_close_and_reopen_from_the_page(db, example_settings):
    add_managers(db, "alice", "bruno")
    ingest(db, example_settings, message("m1", "Le marché est ouvert dimanche ?"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, example_settings, later(5))
    button(at, "Me l'attribuer").click().run()
    assert not at.exception
    assert (queue_row(db, "m1")["status"], queue_row(db, "m1")["assignee"]) == ("assigned", "alice")
    at.selectbox(key=f"inbox_reason_{qid}").set_value("duplicate")
    button(at, "Clore").click().run()
    assert (queue_row(db, "m1")["status"], queue_row(db, "m1")["closed_reason"]) == (
        "closed",
        "duplicate",
    )
    # closed items leave the open list; show them with the status filter and reopen
    at.multiselect(key="inbox_statuses").set_value(["closed"]).run()
    button(at, "Rouvrir ce message").click().run()
    assert queue_row(db, "m1")["status"] == "assigned"
    assert not at.exception


def test_saved_reply_inserted_with_first_name_and_service(db, example_settings):
    ingest(db, example_settings, message("m1", "Les poubelles débordent rue de Lille"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, example_settings, later(5))
    tpl = at.selectbox(key=f"inbox_tpl_{qid}")
    assert tpl.options[0].startswith("Dépôt sauvage")  # the theme's own templates come first
    button(at, "Insérer").click().run()
    reply = at.text_area(key=f"inbox_reply_{qid}").value
    assert reply.startswith("Bonjour Camille1,")
    assert "Service propreté" in reply


def test_escalation_from_the_page(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    ingest(db, settings, message("m1", "Dépôt sauvage de matelas rue Jean Jaurès"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, settings, later(5))
    assert at.selectbox(key=f"inbox_service_{qid}").value == "proprete"
    at.text_input(key=f"inbox_note_{qid}").input("Urgent, devant l'école")
    button(at, "Transmettre").click().run()
    assert not at.exception
    assert queue_row(db, "m1")["service"] == "proprete"
    assert len(smtp_server[2]) == 1


def test_a_director_sees_the_queue_but_no_actions(db, example_settings):
    ingest(db, example_settings, message("m1", "Le marché est ouvert dimanche ?"))
    at = app(db, example_settings, later(5), username="dir", role="comms")
    assert not at.exception
    assert not [b for b in at.button if b.label in ("Envoyer la réponse", "Clore")]


def test_bulk_close_reaches_inbox_zero(db, example_settings):
    ingest(
        db,
        example_settings,
        message("m1", "Le marché est ouvert dimanche ?"),
        message("m2", "Le marché est ouvert dimanche ??"),
    )
    ids = [queue_row(db, e)["id"] for e in ("m1", "m2")]
    at = app(db, example_settings, later(5))
    at.multiselect(key="inbox_bulk_ids").set_value(ids)
    at.selectbox(key="inbox_bulk_reason").set_value("duplicate").run()
    button(at, "Clore la sélection").click().run()
    assert not at.exception
    assert {queue_row(db, e)["closed_reason"] for e in ("m1", "m2")} == {"duplicate"}
    assert any("Boîte vide" in s.value for s in at.success)
    assert {m.label: m.value for m in at.metric}["Ouverts"] == "0"
    assert not at.info  # not also "no message matches these filters"
    at.multiselect(key="inbox_statuses").set_value(["closed"]).run()
    assert not at.success and at.dataframe  # the closed ones are still there to reopen


def test_assignment_lists_start_with_me_and_hold_only_inbox_staff(db, example_settings):
    add_managers(db, "alice", "bruno", "zoe")
    upsert_staff(db, "anne", display_name="Anne", role="director", password_hash="unused")
    ingest(db, example_settings, message("m1", "Le marché est ouvert dimanche ?"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, example_settings, later(5), username="zoe")
    for key in ("inbox_bulk_assignee", f"inbox_assignee_{qid}"):
        assert at.selectbox(key=key).value == "zoe"
        # People by name, not username; no director.
        assert at.selectbox(key=key).options == ["Zoe", "Alice", "Bruno"]
    at.multiselect(key="inbox_bulk_ids").set_value([qid]).run()
    button(at, "Attribuer la sélection").click().run()
    assert queue_row(db, "m1")["assignee"] == "zoe"
    history = at.dataframe[-1].value  # the message's "Historique des actions"
    assert list(history[["Qui", "Action", "Détail"]].iloc[-1]) == [
        "Zoe",
        "Attribué",
        "à Zoe ; action groupée",
    ]


def test_a_message_answered_later_in_its_conversation_says_so(db, example_settings):
    """A long private conversation: a window around the message, not the whole history, and
    a hint (with the reason preselected) when the city wrote after it."""
    dms = [
        message(f"d{n}", f"Message numéro {n} ?", kind="dm", thread="conv", at=later(n))
        for n in range(1, 31)
    ]
    ingest(db, example_settings, *dms, stream="dms")
    reply = city_reply("c1", None, at=later(40), thread="conv", text="Bonjour, c'est noté.")
    # The city's answer is recorded on the network, after message 30 only: d1..d29 stay
    # open in a database filled before answers closed earlier messages of a conversation.
    db.execute("UPDATE queue SET previous_queue_id = NULL")
    ingest(db, example_settings, reply.__class__(**{**reply.__dict__, "kind": "dm"}), stream="dms")
    target = queue_row(db, "d20")
    assert target["status"] == "new"
    at = app(db, example_settings, later(60))
    at.selectbox(key="inbox_selected").set_value(target["id"]).run()
    assert not at.exception
    assert any("La ville a déjà écrit" in i.value for i in at.info)
    assert at.selectbox(key=f"inbox_reason_{target['id']}").value == "handled_elsewhere"
    thread = [t.value for t in at.text if " · " in t.value and "numéro" in t.value]
    assert thread[0].endswith("Message numéro 17 ?") and "▶" in thread[3]
    assert len(thread) <= 12
    captions = " ".join(c.value for c in at.caption)
    assert "16 message(s) plus ancien(s)" in captions
    button(at, "Clore").click().run()
    assert queue_row(db, "d20")["closed_reason"] == "handled_elsewhere"


def test_a_reply_x_would_refuse_is_said_before_writing_with_the_x_app_link(db, example_settings):
    """Issue 12: since 23 February 2026 X accepts a reply only to a post that @mentions or
    quotes the city. The raw tweet is written from docs.x.com (a Post with no mention)."""
    from dataclasses import replace

    item = message("t1", "Le parking de la mairie est fermé ce week-end ?", kind="reply")
    item = replace(
        item,
        permalink="https://x.com/camille/status/t1",
        raw={"id": "t1", "text": item.text},
    )
    ingest(db, example_settings, item, message("m2", "@villedemarcq le marché est ouvert ?"))
    at = app(db, example_settings, later(5))
    assert not at.exception
    warnings = [w.value for w in at.warning]
    assert any(w.startswith("X refuse cette réponse") for w in warnings)
    assert "23 février 2026" in "".join(warnings)
    links = [e.proto for e in at.get("link_button") if e.proto.label.startswith("Répondre")]
    assert [(link.label, link.url) for link in links] == [
        ("Répondre dans l'application X", "https://x.com/camille/status/t1")
    ]


def test_colleagues_see_who_reads_and_who_writes(db, example_settings):
    for user, name in (("claire", "Claire Martin"), ("bruno", "Bruno Petit")):
        upsert_staff(db, user, display_name=name, role="community_manager", password_hash="-")
    ingest(db, example_settings, message("m1", "Le marché est ouvert dimanche ?"))
    qid = queue_row(db, "m1")["id"]
    claire = app(db, example_settings, later(5), username="claire")
    bruno = app(db, example_settings, later(5), username="bruno")
    claire.run()  # a rerun (or the fragment's refresh) reads who is there now
    assert "En ce moment : Bruno Petit lit ce message." in texts(claire)
    assert list(claire.dataframe[0].value["En cours"]) == ["Bruno Petit lit"]
    assert "Claire Martin lit ce message" in texts(bruno.run())
    bruno.text_area(key=f"inbox_reply_{qid}").input("Bonjour, oui de 8 h à 13 h.").run()
    claire.run()
    assert "En ce moment : Bruno Petit écrit une réponse." in texts(claire)
    assert list(claire.dataframe[0].value["En cours"]) == ["Bruno Petit écrit"]
    # Two minutes without a heartbeat from Bruno: he is gone.
    gone = app(db, example_settings, later(8), username="claire")
    assert "Bruno Petit" not in texts(gone)
    assert list(gone.dataframe[0].value["En cours"]) == [""]


def test_next_and_previous_message_buttons(db, example_settings):
    ingest(
        db,
        example_settings,
        message("m1", "Le marché est ouvert dimanche ?"),
        message("m2", "Les poubelles débordent rue de Lille"),
    )
    at = app(db, example_settings, later(5))
    order = list(at.dataframe[0].value["n°"])
    assert at.selectbox(key="inbox_selected").value == order[0]
    button(at, "Message suivant").click().run()
    assert at.selectbox(key="inbox_selected").value == order[1]
    button(at, "Message suivant").click().run()  # the last one stays
    assert at.selectbox(key="inbox_selected").value == order[1]
    button(at, "Message précédent").click().run()
    assert at.selectbox(key="inbox_selected").value == order[0]
