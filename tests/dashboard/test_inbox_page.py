"""The Inbox page driven through Streamlit's AppTest on a real database."""

from __future__ import annotations

from tests.inbox.helpers import (
    add_managers,
    app,
    button,
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
    button(at, "Insérer la réponse enregistrée").click().run()
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
