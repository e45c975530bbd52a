"""A private message with neither a sender nor a conversation id cannot be answered nor
attributed: it is a ``rejected_payloads`` row with its reason, the rest of its page saved
(issue 12). On every network that has DMs, through the real client over HTTP and
``ingest_page``; each test failed before the fix (the message was stored inbound, without
an author or under the author "None").

Fixtures: X, the recorded DM session (tweepy's cassette, transcribed in
``test_x_dms_recorded``) with the documented fields added there; Mastodon, the recorded
``notifications.json`` and ``conversations.json`` with one field changed; Bluesky, the
chat answers WRITTEN from the lexicons (``test_bluesky.CONVOS``/``MESSAGES``); Messenger and
Instagram Direct, the recorded ``messages/message_info.json`` (python-facebook) without its
``from``, read by the parser the conversations loop calls.
"""

from __future__ import annotations

import copy
import json

import pytest
import responses

from beffroi.collectors import Rejected
from beffroi.collectors.facebook import parse_message as messenger_message
from beffroi.collectors.instagram import parse_message as direct_message
from beffroi.inbox import ingest_page
from tests.collectors import test_bluesky as bsky
from tests.collectors import test_mastodon_recorded as masto
from tests.collectors import test_x_dms_recorded as xdm
from tests.collectors.test_bluesky import pds  # noqa: F401 (a fixture)
from tests.collectors.x_http import DM_URL
from tests.conftest import shared_fixture

REASON = "sans expéditeur ni conversation"


def rejects(db) -> list[tuple[str, dict]]:
    return [
        (r, json.loads(p)) for r, p in db.execute("SELECT reason, payload FROM rejected_payloads")
    ]


def items(db) -> list[tuple]:
    return [tuple(r) for r in db.execute("SELECT external_id, direction, member_id FROM items")]


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_x_dm_event_with_neither_sender_nor_conversation_is_rejected(http, db):
    citizen = {"id": xdm.OTHER, "username": "habitant59", "name": "Habitant"}
    body = xdm.with_fields(xdm.RECORDED_CONVERSATION, citizen)
    for key in ("sender_id", "dm_conversation_id"):
        del body["data"][0][key]
    x = xdm.collector()  # first: it reads ../shared, skipped before any answer is registered
    http.get(DM_URL, json=body)
    [page] = list(x.fetch("dms", None))
    ingest_page(db, "x_ville", "dms", page)
    [(reason, payload)] = rejects(db)
    assert REASON in reason and payload["id"] == xdm.TESTING_2
    assert [i[0] for i in items(db)] == [xdm.TESTING_1]  # the rest of the page saved
    assert page.cursor is not None


def test_x_dm_event_with_a_conversation_but_no_sender_is_kept(http, db):
    """It can be answered in its conversation: kept, inbound, author unknown."""
    body = xdm.with_fields(xdm.RECORDED_CONVERSATION, {"id": xdm.OTHER, "username": "h"})
    del body["data"][0]["sender_id"]
    x = xdm.collector()  # first: it reads ../shared, skipped before any answer is registered
    http.get(DM_URL, json=body)
    [page] = list(x.fetch("dms", None))
    assert [(i.external_id, i.author, i.thread_external_id) for i in page.items][0] == (
        xdm.TESTING_2,
        None,
        xdm.CONVERSATION,
    )
    assert page.rejected == []


def test_x_dm_event_with_an_empty_sender_and_no_conversation_is_rejected(http, db):
    body = xdm.with_fields(xdm.RECORDED_CONVERSATION, {"id": xdm.OTHER, "username": "h"})
    body["data"][0]["sender_id"] = ""
    del body["data"][0]["dm_conversation_id"]
    x = xdm.collector()  # first: it reads ../shared, skipped before any answer is registered
    http.get(DM_URL, json=body)
    [page] = list(x.fetch("dms", None))
    [rejected] = page.rejected
    assert REASON in rejected.reason


def graph_message() -> dict:
    path = shared_fixture("meta/facebook/messages/message_info.json")
    message = json.loads(path.read_text(encoding="utf-8"))
    del message["from"]
    return message


@pytest.mark.parametrize("parse", [messenger_message, direct_message], ids=["messenger", "ig"])
def test_meta_message_with_neither_sender_nor_conversation_is_rejected(parse):
    message = graph_message()
    got = parse(message, account="facebook_ville", page_id="1", conversation_id=None)
    assert isinstance(got, Rejected) and REASON in got.reason
    kept = parse(message, account="facebook_ville", page_id="1", conversation_id="t_1")
    assert kept.thread_external_id == "t_1" and kept.author is None


def test_mastodon_direct_status_without_author_id_is_rejected(db):
    """A direct status read from the notifications (no conversation) whose account has no
    id was stored under the author "None"."""
    [entry] = masto.recorded("notifications.json")[1:2]
    entry = copy.deepcopy(entry)
    note = entry["response"]["body"][0]
    note["status"]["visibility"] = "direct"
    note["status"]["account"]["id"] = None
    with responses.RequestsMock(assert_all_requests_are_fired=False) as http:
        masto.serve_entries(http, [entry])
        [page] = list(masto.collector(external_id=masto.TEST_ID).fetch("notifications", None))
    ingest_page(db, "masto_ville", "notifications", page)
    [(reason, _)] = rejects(db)
    assert items(db) == [] and "illisible" in reason


def test_bluesky_message_without_a_sender_did_is_rejected_the_rest_saved(pds, db):  # noqa: F811
    messages = copy.deepcopy(bsky.MESSAGES)
    messages["messages"][1]["sender"] = {"did": None}
    convos = copy.deepcopy(bsky.CONVOS)
    convos.append(dict(copy.deepcopy(convos[0]), id=None))  # no conversation id at all
    bsky.xrpc(pds, "chat.bsky.convo.listConvos").respond_with_json({"convos": convos})
    bsky.xrpc(pds, "chat.bsky.convo.getMessages").respond_with_json(messages)
    [page] = list(bsky.collector(pds).fetch("dms", None))
    ingest_page(db, "bsky_ville", "dms", page)
    assert [i[0] for i in items(db)] == ["3lbmsg0002"]
    reasons = sorted(r for r, _ in rejects(db))
    assert len(reasons) == 2
    assert "conversation illisible" in reasons[0] and "sans expéditeur" in reasons[1]
    # The conversation without an id was never asked for (there is nothing to ask with).
    asked = [r.args.get("convoId") for r in bsky.calls(pds, "chat.bsky.convo.getMessages")]
    assert asked == ["convo1"]
    assert json.loads(page.cursor) == {"convo1": "3lbmsg0002"}
