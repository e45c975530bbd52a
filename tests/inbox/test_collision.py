"""Two managers answer one message: the first reply goes out, the second text is never lost.

The second sender's claim is refused before the network is called, as before; what changes
is that their text is kept (in the audit line, and as the item's draft when the row is
free) and that ``inbox.collision`` tells them who answered first, when, and what.
"""

from __future__ import annotations

import pytest
import responses

from beffroi import inbox
from beffroi.inbox import ReplyCollision, send_reply
from beffroi.store.queue import claim_send
from tests.collectors.x_http import API, NOW, tid, x_collector
from tests.inbox.helpers import add_managers, ingest, queue_row
from tests.inbox.test_replying_x import mention

FIRST = "Oui, la déchetterie ouvre le dimanche de 9 h à 12 h."
SECOND = "Bonjour, la déchetterie est ouverte le dimanche matin."


@pytest.fixture
def http():
    with responses.RequestsMock() as rsps:
        yield rsps


def test_the_second_reply_is_kept_with_the_first_shown(db, example_settings, http):
    add_managers(db, "alice", "bruno")
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(0), "text": FIRST}})
    send_reply(db, example_settings, qid, FIRST, actor="alice", collector=x_collector(), now=NOW)

    with pytest.raises(ReplyCollision, match="conservé"):
        send_reply(db, example_settings, qid, SECOND, actor="bruno", collector=x_collector(),
                   now=NOW)  # fmt: skip
    assert len(http.calls) == 1  # never sent twice
    row = queue_row(db, asked)
    assert (row["status"], row["replied_by"], row["reply_draft"]) == ("replied", "alice", SECOND)
    seen = inbox.collision(db, qid, "bruno")
    assert seen is not None
    assert (seen["text"], seen["first_by"], seen["first_text"]) == (SECOND, "alice", FIRST)
    assert seen["first_at"] is not None
    assert inbox.collision(db, qid, "alice") is None
    lines = [e for e in inbox.history(db, qid) if e["action"] == "reply_collision"]
    assert [(e["actor"], e["detail"]["text"]) for e in lines] == [("bruno", SECOND)]
    who, what, _ = inbox.describe_event(lines[0], {"bruno": "Bruno Petit"}, {})
    assert (who, what) == ("Bruno Petit", "Réponse refusée : un collègue avait déjà répondu")

    # Bruno reopens and sends his text as a follow-up: the kept text is then spent.
    inbox.reopen(db, qid, actor="bruno", now=NOW)
    assert queue_row(db, asked)["reply_draft"] == SECOND
    http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(1), "text": SECOND}})
    send_reply(db, example_settings, qid, SECOND, actor="bruno", collector=x_collector(), now=NOW)
    assert inbox.collision(db, qid, "bruno") is None


def test_a_text_refused_while_a_colleague_sends_is_kept_too(db, example_settings, http):
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    claim_send(db, qid, FIRST, actor="alice", now=NOW)  # alice's send is on its way
    with pytest.raises(ReplyCollision):
        send_reply(db, example_settings, qid, SECOND, actor="bruno", collector=x_collector(),
                   now=NOW)  # fmt: skip
    assert not http.calls
    row = queue_row(db, asked)
    assert row["reply_draft"] == FIRST  # alice's text, what the network may be asked about
    seen = inbox.collision(db, qid, "bruno")
    assert (seen["text"], seen["first_by"]) == (SECOND, "alice")
    inbox.drop_kept_reply(db, qid, actor="bruno", now=NOW)
    assert inbox.collision(db, qid, "bruno") is None


def test_a_double_click_by_the_sender_is_no_collision(db, example_settings, http):
    asked = tid(25)
    ingest(db, example_settings, mention(asked))
    qid = queue_row(db, asked)["id"]
    claim_send(db, qid, FIRST, actor="alice", now=NOW)
    with pytest.raises(inbox.QueueError) as refused:
        send_reply(db, example_settings, qid, FIRST, actor="alice", collector=x_collector(),
                   now=NOW)  # fmt: skip
    assert not isinstance(refused.value, ReplyCollision)
    assert inbox.collision(db, qid, "alice") is None
