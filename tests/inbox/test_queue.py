from datetime import timedelta

import pytest

from beffroi.inbox import (
    Filters,
    QueueError,
    close,
    counters,
    distribute,
    escalate,
    get_entry,
    history,
    list_entries,
    notes_on_message,
    reopen,
    sweep_overdue,
    thread,
)
from beffroi.inbox import assign as assign_item
from beffroi.store.queue import claim_send, record_send_failure
from tests.inbox.helpers import (
    MONDAY_9,
    add_managers,
    citizen,
    city_reply,
    ingest,
    later,
    message,
    queue_row,
    with_smtp,
)

MARKET = "Le marché est ouvert dimanche ?"


def market_question(db, settings) -> int:
    """A citizen asks m1, the market question, at 9:00 on Monday: its queue row's id."""
    ingest(db, settings, message("m1", MARKET))
    return queue_row(db, "m1")["id"]


def test_triage_runs_in_the_page_transaction_and_no_reply_items_start_closed(db, example_settings):
    ingest(
        db,
        example_settings,
        message("m1", "Fuite d'eau rue de Lille, c'est dangereux"),
        message("m2", "Merci beaucoup ❤️"),
        message("m3", "Gagnez des bitcoins, cliquez ici"),
    )
    urgent, thanks, spam = (queue_row(db, e) for e in ("m1", "m2", "m3"))
    assert (urgent["status"], urgent["priority"], urgent["needs_reply"]) == ("new", "urgent", 1)
    assert urgent["triage_rule"].startswith("urgent:")
    assert urgent["due_at"] == "2026-11-30 09:00:00"
    assert (thanks["status"], thanks["closed_reason"], thanks["closed_by"]) == (
        "closed",
        "no_reply_needed",
        "triage",
    )
    assert (spam["status"], spam["closed_reason"]) == ("closed", "spam")


def test_close_reopen_keeps_history(db, example_settings):
    qid = market_question(db, example_settings)
    close(db, qid, "handled_elsewhere", actor="alice", now=later(5))
    with pytest.raises(QueueError, match="clos"):
        close(db, qid, "duplicate", actor="bob", now=later(6))
    reopen(db, qid, actor="bob", now=later(10))
    assert queue_row(db, "m1")["status"] == "new"
    actions = [(h["actor"], h["action"]) for h in history(db, qid)]
    assert actions == [("alice", "close"), ("bob", "reopen")]
    with pytest.raises(QueueError, match="inconnu"):
        close(db, qid, "bored", actor="bob")


def test_assignment_by_hand_and_round_robin_per_theme(db, example_settings):
    add_managers(db, "alice", "bruno", "chloe")
    ingest(
        db,
        example_settings,
        message("p1", "Les poubelles débordent rue Nationale"),
        message("p2", "Dépôt sauvage avenue Foch, c'est inadmissible"),
        message("c1", "Le concert est complet ?"),
        message("p3", "Encombrants pas ramassés, pourquoi ?"),
        message("x1", "Le lampadaire est éteint ?"),
    )
    given = distribute(db, actor="lead", now=later(1))
    by_ext = {e: queue_row(db, e)["assignee"] for e in ("p1", "p2", "p3", "c1", "x1")}
    # each theme rotates on its own: propreté alice, bruno, chloe; culture starts at alice
    assert sorted([by_ext["p1"], by_ext["p2"], by_ext["p3"]]) == ["alice", "bruno", "chloe"]
    assert by_ext["c1"] == "alice"
    assert len(given) == 5
    assert all(queue_row(db, e)["status"] == "assigned" for e in by_ext)
    qid = queue_row(db, "c1")["id"]
    assign_item(db, qid, "chloe", actor="lead", now=later(2))
    mine = list_entries(db, example_settings, Filters(assignee="chloe"), now=later(3))
    assert queue_row(db, "c1")["id"] in [e["queue_id"] for e in mine]
    with pytest.raises(QueueError, match="pas un membre actif"):
        assign_item(db, qid, "mallory", actor="lead")


def test_a_native_reply_closes_the_item_with_its_real_response_time(db, example_settings):
    market_question(db, example_settings)
    ingest(db, example_settings, city_reply("r1", "m1", at=later(47)), stream="replies")
    row = queue_row(db, "m1")
    assert (row["status"], row["replied_by"], row["response_seconds"]) == (
        "replied",
        "réseau",
        2820,
    )
    assert row["business_response_seconds"] == 2820
    assert [h["action"] for h in history(db, row["id"])] == ["reply_native"]


def test_a_reply_collected_before_its_message_still_closes_it(db, example_settings):
    ingest(db, example_settings, city_reply("r1", "m1", at=later(30)), stream="replies")
    market_question(db, example_settings)
    row = queue_row(db, "m1")
    assert (row["status"], row["response_seconds"]) == ("replied", 1800)


def test_a_follow_up_after_the_reply_is_a_new_item_linked_to_the_previous(db, example_settings):
    market_question(db, example_settings)
    ingest(db, example_settings, city_reply("r1", "m1", at=later(20)), stream="replies")
    ingest(
        db,
        example_settings,
        message("m2", "Et il y a un parking ?", at=later(60), parent="r1", thread="m1"),
    )
    first, second = queue_row(db, "m1"), queue_row(db, "m2")
    assert first["status"] == "replied"
    assert (second["status"], second["previous_queue_id"]) == ("new", first["id"])
    shown = thread(db, get_entry(db, example_settings, second["id"]))
    assert [(t["direction"], t["text"]) for t in shown] == [
        ("in", "Le marché est ouvert dimanche ?"),
        ("out", "Bonjour !"),
        ("in", "Et il y a un parking ?"),
    ]
    # someone else in the same thread is not linked
    ingest(
        db,
        example_settings,
        message("m3", "Moi aussi je veux savoir ?", at=later(61), thread="m1", author=citizen(2)),
    )
    assert queue_row(db, "m3")["previous_queue_id"] is None


def test_a_double_click_never_claims_twice_and_a_failure_keeps_the_draft(db, example_settings):
    qid = market_question(db, example_settings)
    claim_send(db, qid, "Oui, de 8h à 13h.", actor="alice", now=later(5))
    with pytest.raises(QueueError, match="en cours d'envoi"):
        claim_send(db, qid, "Oui, de 8h à 13h.", actor="alice", now=later(5))
    record_send_failure(db, qid, "403 Forbidden: duplicate content", actor="alice", now=later(5))
    row = queue_row(db, "m1")
    assert (row["reply_draft"], row["last_error"], row["sending_since"]) == (
        "Oui, de 8h à 13h.",
        "403 Forbidden: duplicate content",
        None,
    )
    assert row["status"] == "new"


def test_escalation_mails_the_service_and_waits_in_assigned(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    ingest(db, settings, message("m1", "Dépôt sauvage de matelas rue Jean Jaurès"))
    qid = queue_row(db, "m1")["id"]
    escalate(db, settings, qid, "proprete", actor="alice", note="Déjà signalé hier", now=later(3))
    _, _, received = smtp_server
    assert len(received) == 1
    mail = received[0]
    assert mail["To"] == "proprete@example.org"
    body = mail.get_content()
    assert "Dépôt sauvage de matelas rue Jean Jaurès" in body
    assert "https://x.com/i/web/status/m1" in body and "@citoyen1" in body
    assert "Déjà signalé hier" in body
    row = queue_row(db, "m1")
    assert (row["status"], row["service"], row["escalated_by"]) == ("assigned", "proprete", "alice")
    assert [h["action"] for h in history(db, qid)] == ["escalate", "note_add"]
    # The note for the service stays on the message (it used to be only in the e-mail).
    kept = notes_on_message(db, qid)
    assert [(n["kind"], n["service"], n["author"], n["body"]) for n in kept] == [
        ("service", "proprete", "alice", "Déjà signalé hier")
    ]
    with pytest.raises(QueueError, match="Service inconnu"):
        escalate(db, settings, qid, "nowhere", actor="alice")


def test_escalation_with_a_dead_mail_server_changes_nothing(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    settings = settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"port": 1})})
    ingest(db, settings, message("m1", "Dépôt sauvage de matelas rue Jean Jaurès"))
    qid = queue_row(db, "m1")["id"]
    with pytest.raises(QueueError, match="n'a pas pu partir"):
        escalate(db, settings, qid, "proprete", actor="alice")
    assert queue_row(db, "m1")["status"] == "new"


def test_overdue_sweep_sends_one_digest_and_never_twice(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    ingest(
        db,
        settings,
        message("m1", "Fuite d'eau rue de Lille"),  # urgent: due 10:00 Paris
        message("m2", "Le marché est ouvert dimanche ?"),  # normal: due 13:00 Paris
        message("m3", "Merci !"),  # closed, never overdue
    )
    _, _, received = smtp_server
    first = sweep_overdue(db, settings, later(90))
    assert (first.marked, first.alerted) == (1, 1)
    second = sweep_overdue(db, settings, later(95))
    assert (second.marked, second.alerted) == (0, 0)
    third = sweep_overdue(db, settings, later(300))
    assert (third.marked, third.alerted) == (1, 1)
    assert len(received) == 2
    assert "Fuite d'eau rue de Lille" in received[0].get_content()
    assert "m2" not in received[0].get_content()
    assert "1 message(s) en retard" in received[1]["Subject"]
    assert queue_row(db, "m3")["overdue_at"] is None


def test_a_failed_digest_is_retried_by_the_next_sweep(db, example_settings, smtp_server):
    settings = with_smtp(example_settings, smtp_server)
    dead = settings.model_copy(update={"smtp": settings.smtp.model_copy(update={"port": 1})})
    ingest(db, settings, message("m1", "Fuite d'eau rue de Lille"))
    failed = sweep_overdue(db, dead, later(90))
    assert failed.alerted == 0 and failed.error
    retried = sweep_overdue(db, settings, later(95))
    assert retried.alerted == 1
    assert len(smtp_server[2]) == 1


def test_list_filters_search_and_counters(db, example_settings):
    ingest(
        db,
        example_settings,
        message("m1", MARKET),
        message("m2", "Fuite d'eau rue de Lille", at=MONDAY_9 + timedelta(minutes=1)),
        message("m3", "Les poubelles débordent", at=MONDAY_9 + timedelta(minutes=2)),
    )
    ingest(db, example_settings, city_reply("r3", "m3", at=later(12)), stream="replies")
    now = later(90)
    listed = list_entries(db, example_settings, now=now)
    assert [e["external_id"] for e in listed] == ["m2", "m1"]  # urgent first
    overdue = list_entries(db, example_settings, Filters(overdue_only=True), now=now)
    assert [e["external_id"] for e in overdue] == ["m2"]
    found = list_entries(db, example_settings, Filters(search="MARCHE"), now=now)
    assert [e["external_id"] for e in found] == ["m1"]
    assert list_entries(db, example_settings, Filters(search='"); DROP'), now=now) == []
    themed = list_entries(db, example_settings, Filters(themes=("événements",)), now=now)
    assert [e["external_id"] for e in themed] == ["m1"]
    c = counters(db, example_settings, now)
    assert (c.open, c.overdue, c.answered_today, c.median_response_seconds_week) == (2, 1, 1, 600)
    entry = get_entry(db, example_settings, queue_row(db, "m2")["id"])
    assert entry["author_label"] == "Camille1 Durand (@citoyen1)"


def test_answered_today_counts_a_reply_made_within_the_current_minute(db, example_settings):
    """The dashboard reads the counters as of the current minute (its cache key): a reply
    sent 30 s into that minute must already count (it lagged up to a minute)."""
    ingest(db, example_settings, message("m1", "Le marché est ouvert dimanche ?"))
    replied = MONDAY_9 + timedelta(minutes=20, seconds=30)
    ingest(db, example_settings, city_reply("r1", "m1", at=replied), stream="replies")
    minute = replied.replace(second=0)
    assert counters(db, example_settings, minute).answered_today == 1


def test_the_inbox_median_response_is_in_business_hours_like_the_reports(db, example_settings):
    """Friday 18:00 answered Monday 9:10 is 63 h by the wall clock, a few business minutes
    for the city; the inbox said the first, the Rapports page the second."""
    friday_evening = MONDAY_9 - timedelta(days=3) + timedelta(hours=9)
    ingest(
        db, example_settings, message("m1", "Le marché est ouvert dimanche ?", at=friday_evening)
    )
    ingest(db, example_settings, city_reply("r1", "m1", at=later(10)), stream="replies")
    row = queue_row(db, "m1")
    assert row["response_seconds"] > 60 * 3600 > row["business_response_seconds"]
    c = counters(db, example_settings, later(20))
    assert c.median_response_seconds_week == row["business_response_seconds"]


def test_a_dm_reply_without_parent_answers_the_open_message_of_its_conversation(
    db, example_settings
):
    ingest(
        db,
        example_settings,
        message("d1", "Bonjour, au sujet de mon dossier", kind="dm", thread="conv1"),
        stream="dms",
    )
    reply = city_reply("d2", None, at=later(30), thread="conv1")
    reply = reply.__class__(**{**reply.__dict__, "kind": "dm"})
    ingest(db, example_settings, reply, stream="dms")
    row = queue_row(db, "d1")
    assert (row["status"], row["replied_by"], row["response_seconds"]) == (
        "replied",
        "réseau",
        1800,
    )


def test_reopening_a_replied_item_keeps_the_first_response_time(db, example_settings):
    market_question(db, example_settings)
    ingest(db, example_settings, city_reply("r1", "m1", at=later(10)), stream="replies")
    qid = queue_row(db, "m1")["id"]
    reopen(db, qid, actor="alice", now=later(20))
    assert queue_row(db, "m1")["status"] == "new"
    ingest(db, example_settings, city_reply("r2", "m1", at=later(50)), stream="replies")
    row = queue_row(db, "m1")
    assert (row["status"], row["response_seconds"]) == ("replied", 600)
    assert [h["action"] for h in history(db, qid)] == ["reply_native", "reopen", "reply_native"]


def test_messages_from_members_marked_spam_start_closed(db, example_settings):
    market_question(db, example_settings)
    db.execute("UPDATE members SET is_spam = 1")
    ingest(db, example_settings, message("m2", "Et le parking, il est où ?", at=later(3)))
    assert (queue_row(db, "m2")["status"], queue_row(db, "m2")["closed_reason"]) == (
        "closed",
        "spam",
    )


def test_the_thread_leaves_out_other_peoples_comments(db, example_settings):
    post = city_reply(
        "p1", None, at=MONDAY_9 - timedelta(hours=2), thread="p1", text="Marché de Noël"
    )
    post = post.__class__(**{**post.__dict__, "kind": "post"})
    ingest(db, example_settings, post, stream="posts")
    ingest(
        db,
        example_settings,
        message("c1", "Il ouvre quand ?", parent="p1", thread="p1", kind="comment"),
        message(
            "c2",
            "Et le parking ?",
            parent="p1",
            thread="p1",
            kind="comment",
            author=citizen(2),
            at=later(1),
        ),  # fmt: skip
    )
    ingest(
        db, example_settings, city_reply("r2", "c2", at=later(5), thread="p1", text="Parking Foch")
    )
    ingest(db, example_settings, city_reply("r1", "c1", at=later(6), thread="p1", text="À 10 h"))
    shown = thread(db, get_entry(db, example_settings, queue_row(db, "c1")["id"]))
    assert [t["text"] for t in shown] == ["Marché de Noël", "Il ouvre quand ?", "À 10 h"]


def test_a_reply_also_answers_the_citizens_earlier_open_messages_of_the_conversation(
    db, example_settings
):
    """Three DMs, then one answer from the city: nothing of that conversation stays open."""
    ingest(
        db,
        example_settings,
        message("d1", "Bonjour, au sujet de mon dossier", kind="dm", thread="conv1"),
        message("d2", "Vous avez reçu mes papiers ?", kind="dm", thread="conv1", at=later(5)),
        message("d3", "Allô ?", kind="dm", thread="conv1", at=later(10)),
        message("x1", "Et mon autre demande ?", kind="dm", thread="conv2", at=later(6)),
        stream="dms",
    )
    reply = city_reply("c1", None, at=later(30), thread="conv1")
    ingest(db, example_settings, reply.__class__(**{**reply.__dict__, "kind": "dm"}), stream="dms")
    rows = {ext: queue_row(db, ext) for ext in ("d1", "d2", "d3", "x1")}
    assert {ext: r["status"] for ext, r in rows.items()} == {
        "d1": "replied",
        "d2": "replied",
        "d3": "replied",
        "x1": "new",  # another conversation
    }
    # Each message keeps its own response time; the latest is the one the reply answered.
    assert [rows[e]["response_seconds"] for e in ("d1", "d2", "d3")] == [1800, 1500, 1200]
    assert len({rows[e]["reply_item_id"] for e in ("d1", "d2", "d3")}) == 1


def test_bulk_assign_is_one_transaction_and_skips_what_closed_meanwhile(db, example_settings):
    from beffroi.inbox import assign_many

    add_managers(db, "alice")
    ingest(
        db,
        example_settings,
        message("m1", MARKET),
        message("m2", "La piscine ouvre quand ?"),
        message("m3", "Où retirer les sacs ?"),
    )
    ids = [queue_row(db, e)["id"] for e in ("m1", "m2", "m3")]
    close(db, ids[1], "handled_elsewhere", actor="bob", now=later(2))  # someone was quicker
    assert assign_many(db, ids, "alice", actor="bob", now=later(5)) == 2
    rows = [queue_row(db, e) for e in ("m1", "m2", "m3")]
    assert [(r["status"], r["assignee"]) for r in rows] == [
        ("assigned", "alice"),
        ("closed", None),
        ("assigned", "alice"),
    ]
    with pytest.raises(QueueError, match="membre actif"):
        assign_many(db, ids, "nobody", actor="bob", now=later(6))
