"""Internal notes on a message and on a member, and the colleagues they mention: stored on
a real SQLite file, mailed through the real local SMTP server (aiosmtpd), audited without
their text, never in the directors' reports."""

from __future__ import annotations

import pytest

from beffroi.inbox import QueueError, describe_event, history, mentioned_in, write_note
from beffroi.store import upsert_staff
from beffroi.store.notes import (  # the reads the inbox shows
    mark_mentions_seen,
    mentions_of,
    notes_on_member,
    notes_on_message,
    unseen_mentions,
)
from tests.inbox.helpers import add_managers, ingest, later, message, queue_row, with_smtp


def _team(db):
    add_managers(db, "claire", "alex")
    upsert_staff(
        db,
        "nadia",
        display_name="Nadia Benali",
        role="community_manager",
        password_hash="argon2-hash-not-used-here",
        email="nadia@marcq.test",
    )


def test_mentions_are_the_colleagues_named_with_an_at_sign():
    staff = ["claire", "alex", "nadia"]
    assert mentioned_in("@Nadia tu peux voir ? cc @alex. Pas @bob ni mail@claire", staff) == [
        "nadia",
        "alex",
    ]


def test_a_note_on_a_message_notifies_and_mails_the_mentioned_colleague(
    db, example_settings, smtp_server
):
    settings = with_smtp(example_settings, smtp_server)
    _team(db)
    ingest(db, settings, message("m1", "Le bus 18 ne passe plus rue Nationale"))
    qid = queue_row(db, "m1")["id"]
    done = write_note(
        db, settings, "@nadia tu connais ce monsieur ?", actor="claire", queue_id=qid,
        mention=["alex"], now=later(2),
    )  # fmt: skip
    assert done.mentioned == ("nadia", "alex") and done.not_mailed == ()
    assert done.message == "Note enregistrée. 2 collègue(s) prévenu(s)."
    [note] = notes_on_message(db, qid)
    assert (note["author"], note["body"], note["kind"]) == (
        "claire",
        "@nadia tu connais ce monsieur ?",
        "note",
    )
    # Nadia sees it in her mentions (and her counter) until she opens it.
    assert unseen_mentions(db, "nadia") == 1 and unseen_mentions(db, "alex") == 1
    assert [m["queue_id"] for m in mentions_of(db, "nadia")] == [qid]
    assert mark_mentions_seen(db, "nadia", [note["id"]], now=later(3)) == 1
    assert unseen_mentions(db, "nadia") == 0 and unseen_mentions(db, "alex") == 1
    assert mentions_of(db, "nadia")[0]["seen_at"] == later(3)
    # Mailed to Nadia (she has an address); Alex has none: the dashboard's list only.
    _, _, received = smtp_server
    assert [m["To"] for m in received] == ["nadia@marcq.test"]
    assert "Claire vous a mentionné·e" in received[0]["Subject"]
    assert "@nadia tu connais ce monsieur ?" in received[0].get_content()
    assert "message n°" in received[0].get_content()
    # Audited, in words, without the note's text.
    [event] = [e for e in history(db, qid) if e["action"] == "note_add"]
    assert "connais" not in str(event["detail"])
    who, what, detail = describe_event(event, {"claire": "Claire", "nadia": "Nadia Benali",
                                               "alex": "Alex"}, {})  # fmt: skip
    assert (who, what, detail) == (
        "Claire",
        "Note interne ajoutée",
        "collègue(s) prévenu(s) : Nadia Benali, Alex",
    )


def test_a_mail_server_down_keeps_the_note_and_says_so(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    settings = settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"port": 1})})
    _team(db)
    ingest(db, settings, message("m1", "Une question"))
    qid = queue_row(db, "m1")["id"]
    done = write_note(db, settings, "Pour @nadia", actor="claire", queue_id=qid, now=later(1))
    assert done.not_mailed == ("nadia",)
    assert "n'a pas pu partir" in done.message
    assert unseen_mentions(db, "nadia") == 1  # she still sees it in the dashboard
    error = db.execute("SELECT mail_error FROM note_mentions").fetchone()[0]
    assert error and "127.0.0.1:1" in error


def test_a_note_on_a_member_and_the_refusals(db, example_settings):
    _team(db)
    ingest(db, example_settings, message("m1", "Bonjour"))
    member = db.execute("SELECT member_id FROM items WHERE external_id = 'm1'").fetchone()[0]
    write_note(db, example_settings, "Écrit souvent le soir", actor="alex", member_id=member,
               now=later(1))  # fmt: skip
    assert [n["body"] for n in notes_on_member(db, member)] == ["Écrit souvent le soir"]
    with pytest.raises(QueueError, match="vide"):
        write_note(db, example_settings, "   ", actor="alex", member_id=member)
    # Mentioning oneself or someone who is not on the staff notifies nobody.
    done = write_note(db, example_settings, "@alex @inconnu", actor="alex", member_id=member)
    assert done.mentioned == ()


def test_notes_never_reach_the_directors_report(db, example_settings):
    """The weekly report is built from the same database: a note's words are not in it."""
    from beffroi.analytics.indicators import period_containing
    from beffroi.analytics.report import build_report, render_csv, render_html

    _team(db)
    ingest(db, example_settings, message("m1", "Le bus 18 ne passe plus"))
    qid = queue_row(db, "m1")["id"]
    write_note(db, example_settings, "Confidentiel zorglubesque", actor="claire", queue_id=qid,
               now=later(1))  # fmt: skip
    now = later(60 * 24)
    period = period_containing("week", now.date(), example_settings.tz)
    report = build_report(db, example_settings, period, now)
    assert "Rapport hebdomadaire" in render_html(report)
    for text in (repr(report), render_html(report), render_csv(report)):
        assert "zorglubesque" not in text


def test_the_mention_mail_links_to_the_message_where_the_dashboard_has_an_address(
    db, example_settings, smtp_server
):
    """A mention mail said "Retrouvez-la dans Beffroi" and nothing to click: with the
    dashboard's address configured ([dashboard] public_url), it carries the message's link,
    the one the Inbox shows in the address bar."""
    settings = with_smtp(example_settings, smtp_server)
    dashboard = settings.dashboard.model_copy(update={"public_url": "https://beffroi.marcq.test/"})
    settings = settings.model_copy(update={"dashboard": dashboard})
    _team(db)
    ingest(db, settings, message("m1", "Le bus 18 ne passe plus rue Nationale"))
    qid = queue_row(db, "m1")["id"]
    write_note(db, settings, "@nadia à voir", actor="claire", queue_id=qid, now=later(2))
    _, _, received = smtp_server
    link = f"https://beffroi.marcq.test/inbox?item={qid}"  # as a person clicks it
    assert f"Ouvrir le message : {link}" in received[0].get_content().splitlines()


def test_the_dashboard_address_must_be_a_web_address():
    from pydantic import ValidationError

    from beffroi.config.settings import Dashboard

    assert Dashboard(public_url=" ").public_url is None
    with pytest.raises(ValidationError, match="must start with https://"):
        Dashboard(public_url="beffroi.ville.fr")
