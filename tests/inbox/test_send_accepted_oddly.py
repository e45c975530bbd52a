"""Writes the network accepted but described oddly (issue 12): recorded as sent with a note,
never offered for a second send; nothing after the network call escapes as a traceback.

Real collectors (X through tweepy, Facebook through python-facebook-api), HTTP intercepted
with ``responses``; the answers are X's and Graph's documented success shapes with one
field wrong (WRITTEN here, no recording has them).
"""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
import responses

from beffroi.collectors import Author, Item
from beffroi.collectors.x.payloads import snowflake_time
from beffroi.inbox import send_reply
from beffroi.store import connect
from beffroi.store.queue import QueueError
from tests.collectors.graph_http import GRAPH, TOKEN, Clock, Sleeps
from tests.collectors.x_http import API, NOW, tid, x_collector
from tests.inbox.helpers import ingest, queue_row

ANSWER = "Oui, de 9 h à 12 h."


@pytest.fixture
def http():
    with responses.RequestsMock() as rsps:
        yield rsps


def mention(ext: str) -> Item:
    return Item("x", "x_ville", ext, "mention", "in", "@marcqenbaroeul ouvert dimanche ?",
                snowflake_time(ext), author=Author("x", "42", "jeanne"), thread_external_id=ext)  # fmt: skip


def audit(db, action: str) -> list[dict]:
    rows = db.execute("SELECT detail FROM audit WHERE action = ?", (action,)).fetchall()
    return [json.loads(r[0]) for r in rows]


@pytest.mark.parametrize(
    "data",
    [{"id": "0"}, {"id": "abc"}, {"id": ["1"]}, {"id": "9" * 30}, {"text": ANSWER}, "ok"],
    ids=["id 0", "id not digits", "id a list", "id past X ids", "no id", "data a text"],
)
def test_x_accepting_a_reply_with_an_odd_id_records_it_sent_and_refuses_a_second_send(
    db, example_settings, http, data
):
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    http.post(f"{API}/tweets", status=201, json={"data": data})
    sent = send_reply(db, example_settings, qid, ANSWER, actor="alice",
                      collector=x_collector(), now=NOW)  # fmt: skip
    row = queue_row(db, asked)
    assert (row["status"], row["sending_since"], row["replied_by"]) == ("replied", None, "alice")
    assert row["reply_item_id"] == sent.reply_item_id
    out = db.execute("SELECT * FROM items WHERE id = ?", (sent.reply_item_id,)).fetchone()
    assert (out["direction"], out["parent_external_id"], out["text"]) == ("out", asked, ANSWER)
    [note] = audit(db, "sent_unconfirmed")
    assert "X a accepté la réponse" in note["note"]
    with pytest.raises(QueueError, match="déjà reçu une réponse"):
        send_reply(db, example_settings, qid, ANSWER, actor="alice",
                   collector=x_collector(), now=NOW)  # fmt: skip
    assert len(http.calls) == 1  # never posted twice


PAGE = "19292868552"


def facebook():
    from beffroi.collectors.facebook import FacebookCollector

    return FacebookCollector("facebook_ville", account_id=PAGE, token=TOKEN, sleep=Sleeps(),
                             now=Clock(NOW))  # fmt: skip


def fb_comment(ext: str) -> Item:
    return Item("facebook", "facebook_ville", ext, "comment", "in", "Le marché est ouvert ?",
                NOW - timedelta(hours=1), author=Author("facebook", "77", None, "Jeanne"),
                thread_external_id=f"{PAGE}_1")  # fmt: skip


@pytest.mark.parametrize(
    "answer",
    [[1, 2], {"id": "1_2", "created_time": "9999-12-31T23:59:59+0000"}, {"id": {"a": 1}}],
    ids=["a list", "a reply dated 9999", "id an object"],
)
def test_a_facebook_reply_accepted_oddly_is_recorded_sent_never_a_traceback(
    db, example_settings, http, answer
):
    ingest(db, example_settings, fb_comment("1_1"))
    qid = queue_row(db, "1_1")["id"]
    http.post(GRAPH + "1_1/comments", json=answer)
    send_reply(db, example_settings, qid, ANSWER, actor="alice", collector=facebook(), now=NOW)
    row = queue_row(db, "1_1")
    assert (row["status"], row["sending_since"]) == ("replied", None)
    with pytest.raises(QueueError):
        send_reply(db, example_settings, qid, ANSWER, actor="alice", collector=facebook(),
                   now=NOW)  # fmt: skip
    assert len(http.calls) == 1


def test_a_database_failure_after_x_posted_is_a_sentence_and_the_row_is_not_left_sending(
    db, example_settings, http, tmp_path
):
    """X posts the reply, then the database refuses the write (another process holds the
    lock past the busy timeout): the manager reads a French sentence, not a traceback, and
    the message is marked answered as soon as the lock goes, never left "sending"."""
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    db.execute("PRAGMA busy_timeout = 50")
    other = connect(tmp_path / "beffroi.db")
    released = threading.Event()

    def posted(request):
        other.execute("BEGIN IMMEDIATE")  # the other writer takes the lock, X answers
        threading.Timer(0.5, lambda: (other.rollback(), released.set())).start()
        return 201, {}, json.dumps({"data": {"id": tid(0), "text": ANSWER}})

    http.add_callback("POST", f"{API}/tweets", callback=posted)
    with pytest.raises(QueueError, match="La réponse est partie"):
        send_reply(db, example_settings, qid, ANSWER, actor="alice",
                   collector=x_collector(), now=NOW)  # fmt: skip
    assert released.wait(10)
    row = queue_row(db, asked)
    assert (row["status"], row["sending_since"]) == ("replied", None)
    [note] = audit(db, "sent_unsaved")
    assert "locked" in note["note"]
    other.close()
