"""Internal notes, mentions and links to a message on the Inbox page, driven through
Streamlit's AppTest on a real database."""

from __future__ import annotations

from beffroi.inbox import close, unseen_mentions
from tests.inbox.helpers import add_managers, app, button, ingest, later, message, queue_row, texts

HOSTILE_NOTE = "**gras** <b>x</b> @bruno regarde"


def test_a_note_with_a_mention_reaches_the_colleague_who_opens_it(db, example_settings):
    add_managers(db, "alice", "bruno")
    ingest(
        db,
        example_settings,
        message("m1", "Le marché est ouvert dimanche ?"),
        message("m2", "Une poubelle déborde rue de Lille"),
    )
    qid = queue_row(db, "m2")["id"]
    at = app(db, example_settings, later(5))
    at.selectbox(key="inbox_selected").set_value(qid).run()
    at.text_area(key=f"inbox_note_text_{qid}").input(HOSTILE_NOTE)
    button(at, "Ajouter la note").click().run()
    assert not at.exception
    assert "Note enregistrée. 1 collègue(s) prévenu(s)." in texts(at)
    assert HOSTILE_NOTE in texts(at)  # shown as typed, never as Markdown or HTML
    assert "gras" not in "".join(m.value for m in at.markdown)
    assert unseen_mentions(db, "bruno") == 1

    # Bruno: a counter and the list; its button opens the message and the mention is read.
    other = app(db, example_settings, later(6), username="bruno")
    assert not other.exception
    [mentions] = [e for e in other.expander if e.label.startswith("Mentions")]
    assert mentions.label == "Mentions (1 nouvelle(s))"
    assert "Nouveau · Alice" in texts(other) and HOSTILE_NOTE in texts(other)
    button(other, f"Ouvrir le message n°{qid}").click().run()
    assert not other.exception
    assert other.selectbox(key="inbox_selected").value == qid
    assert other.query_params["item"] == str(qid)
    assert unseen_mentions(db, "bruno") == 0


def test_a_note_on_the_person_is_seen_on_their_other_messages(db, example_settings):
    add_managers(db, "alice")
    ingest(
        db,
        example_settings,
        message("m1", "Le marché est ouvert dimanche ?"),
        message("m2", "Et la piscine, elle ouvre quand ?"),
    )
    first, second = queue_row(db, "m1")["id"], queue_row(db, "m2")["id"]
    at = app(db, example_settings, later(5))
    at.selectbox(key="inbox_selected").set_value(first).run()
    at.text_area(key=f"inbox_note_text_{first}").input("Écrit souvent, très poli")
    at.radio(key=f"inbox_note_about_{first}").set_value("Cette personne (toutes ses conversations)")
    button(at, "Ajouter la note").click().run()
    at.selectbox(key="inbox_selected").set_value(second).run()
    assert not at.exception
    assert "Écrit souvent, très poli" in texts(at)
    assert "Notes internes (1)" in [e.label for e in at.expander]


def test_a_link_to_a_closed_message_opens_it_beside_the_list(db, example_settings):
    add_managers(db, "alice")
    ingest(
        db,
        example_settings,
        message("m1", "Le marché est ouvert dimanche ?"),
        message("m2", "Le bus 18 passe encore rue de Lille ?"),
        message("m3", "La piscine ouvre quand ?"),
    )
    qid = queue_row(db, "m1")["id"]
    close(db, qid, "duplicate", actor="alice", now=later(2))
    at = app(db, example_settings, later(5))
    at.query_params["item"] = str(qid)
    at.run()
    assert not at.exception
    assert f"Message n°{qid}" in [h.value for h in at.header]
    assert "Ce message, ouvert par un lien, n'est pas dans la liste affichée." in [
        c.value for c in at.caption
    ]
    # Choosing in the list afterwards is not undone by the link.
    other = queue_row(db, "m3")["id"]
    at.selectbox(key="inbox_selected").set_value(other).run()
    assert f"Message n°{other}" in [h.value for h in at.header]
    assert at.query_params["item"] == str(other)
    at.query_params["item"] = str(qid)  # the link again (a bookmark), then back to the list
    at.run()
    assert f"Message n°{qid}" in [h.value for h in at.header]
    button(at, "Revenir à la liste").click().run()
    assert f"Message n°{other}" in [h.value for h in at.header]


def test_unread_mentions_are_said_in_the_sidebar_of_every_page(city):
    """The shell (login, sidebar) through AppTest: Claire is mentioned on another page,
    sees the line there, and it goes once the Inbox showed her the message."""
    from beffroi.inbox import write_note
    from tests.dashboard.conftest import PASSWORD
    from tests.dashboard.test_app import login, open_page, start

    settings, _, conn = city
    at = open_page(login(start(), "claire", PASSWORD), "reports")
    assert [i.value for i in at.sidebar.info] == []
    opened = conn.execute(  # the message the Inbox opens first, and another one
        "SELECT id FROM queue WHERE status IN ('new', 'assigned') ORDER BY id"
    ).fetchall()
    write_note(conn, settings, "@claire regarde ça", actor="alex", queue_id=opened[-1][0])
    at.run()
    assert [i.value for i in at.sidebar.info] == [
        "1 mention(s) non lue(s) dans une note : voir « Mentions » en haut de la Boîte de "
        "réception."
    ]
    at = open_page(at, "inbox")
    at.selectbox(key="inbox_selected").set_value(opened[-1][0]).run()  # she opens it
    at = open_page(at, "reports")
    assert [i.value for i in at.sidebar.info] == []
