"""The Inbox's reply box in AppTest on a real database: saved replies found by a search
and filled, the forwarding promise warned about, a reply over X's limit refused."""

from __future__ import annotations

from beffroi.inbox.reply_editor import NOT_FORWARDED
from tests.inbox.helpers import app, button, ingest, later, message, queue_row, texts
from tests.inbox.test_reply_editor import LONG


def test_saved_replies_are_searched_in_titles_and_texts_then_filled(db, example_settings):
    ingest(db, example_settings, message("m1", "Les poubelles débordent rue de Lille"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, example_settings, later(5))
    everything = at.selectbox(key=f"inbox_tpl_{qid}").options
    assert len(everything) >= 4
    at.text_input(key=f"inbox_tpl_search_{qid}").input("precisions").run()  # no accent typed
    assert not at.exception
    [found] = [s for s in at.selectbox if (s.key or "").startswith(f"inbox_tpl_{qid}_")]
    assert found.options == ["Demande de précisions (général)"]
    at.text_input(key=f"inbox_tpl_search_{qid}").input("encombrants").run()  # in a text only
    [found] = [s for s in at.selectbox if (s.key or "").startswith(f"inbox_tpl_{qid}_")]
    assert found.options == ["Dépôt sauvage / collecte (propreté)"]
    button(at, "Insérer").click().run()
    reply = at.text_area(key=f"inbox_reply_{qid}").value
    assert reply.startswith("Bonjour Camille1, merci de nous avoir signalé")
    assert "Service propreté" in reply and "{" not in reply
    at.text_input(key=f"inbox_tpl_search_{qid}").input("zzz introuvable").run()
    assert "Aucune réponse enregistrée ne correspond à cette recherche." in [
        c.value for c in at.caption
    ]


def test_a_reply_saying_forwarded_warns_until_it_is(db, example_settings):
    ingest(db, example_settings, message("m1", "Le marché est ouvert dimanche ?"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, example_settings, later(5))
    assert NOT_FORWARDED not in [w.value for w in at.warning]
    at.text_input(key=f"inbox_tpl_search_{qid}").input("accusé").run()
    button(at, "Insérer").click().run()
    assert "transmis à nos collègues" in at.text_area(key=f"inbox_reply_{qid}").value
    assert NOT_FORWARDED in [w.value for w in at.warning]
    at.text_area(key=f"inbox_reply_{qid}").input("Oui, de 8 h à 13 h.").run()
    assert NOT_FORWARDED not in [w.value for w in at.warning]


def test_a_464_character_reply_to_x_is_refused_on_the_page_and_kept(db, example_settings):
    ingest(db, example_settings, message("m1", "La déchetterie est ouverte le dimanche ?"))
    qid = queue_row(db, "m1")["id"]
    at = app(db, example_settings, later(5))
    at.text_area(key=f"inbox_reply_{qid}").input(LONG).run()
    button(at, "Envoyer la réponse").click().run()
    assert not at.exception
    assert "Réponse trop longue pour X : 464 caractères comptés pour 280 au plus" in texts(at)
    row = queue_row(db, "m1")
    assert (row["status"], row["reply_draft"]) == ("new", LONG)
