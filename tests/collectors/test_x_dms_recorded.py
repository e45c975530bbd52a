"""X direct messages as the real API sends them (issue 12, "Real X direct messages").

Fixtures, and where each comes from:

- RECORDED: tweepy's vcrpy cassette ``cassettes/test_manage_and_lookup_direct_messages.yaml``
  (tweepy/tweepy, MIT, recorded against the X API v2 on 2022-10-28), its gzip bodies decoded.
  ``../shared/fixtures/x/`` does not hold this cassette (only ``get_me.json`` of the same
  account, read from there below), so its two answers are transcribed here, unchanged:
  ``RECORDED_EMPTY`` is ``GET /2/dm_events`` seconds after the two DMs were sent,
  ``RECORDED_CONVERSATION`` is ``GET /2/dm_conversations/{id}/dm_events`` at the same time.
  The two events were sent by the signed-in account (TweepyDev, 1072250532645998596) to
  750362064426721281.
- WRITTEN FROM THE DOCUMENTATION: tweepy did not ask for ``dm_event.fields``, so the
  recording has no ``sender_id`` / ``created_at`` / ``dm_conversation_id``. The collector
  asks for them, and docs.x.com (Direct Messages lookup, quickstart, 2026) shows X then
  returns ``sender_id`` and ``created_at`` with each event and ``includes.users`` for
  ``expansions=sender_id``: ``with_fields`` adds exactly those fields to the recorded events.
"""

from __future__ import annotations

import json

import pytest
import responses

from beffroi.collectors.x.dms import RETAINED
from beffroi.collectors.x.payloads import snowflake_at, snowflake_time
from beffroi.inbox import ingest_hooks, ingest_page
from tests.collectors.x_http import DM_URL, params, tid, x_account, x_collector
from tests.conftest import shared_fixture

OTHER = "750362064426721281"
CONVERSATION = "750362064426721281-1072250532645998596"  # recorded (POST answers)
TESTING_1 = "1585800613253812228"
TESTING_2 = "1585800613752881156"
RECORDED_EMPTY = {"meta": {"result_count": 0}}
RECORDED_CONVERSATION = {
    "data": [
        {"event_type": "MessageCreate", "id": TESTING_2, "text": "Testing 2"},
        {"event_type": "MessageCreate", "id": TESTING_1, "text": "Testing 1"},
    ],
    "meta": {
        "result_count": 2,
        "next_token": "18LAA5G1SL0NR5OG0G00ZZZZ",
        "previous_token": "1BLC45G1SL0PMLI00G00ZZZZ",
    },
}


def city() -> dict:
    """The signed-in account of the recording (``shared/fixtures/x/get_me.json``)."""
    [entry] = json.loads(shared_fixture("x/get_me.json").read_text(encoding="utf-8"))
    return entry["response"]["body"]["data"]


def with_fields(body: dict, sender: dict, keep: set[str] | None = None) -> dict:
    """The recorded page as X sends it when ``dm_event.fields`` asks for the sender, the
    time and the conversation (docs.x.com); ``keep`` the event ids left in the page."""
    events = [
        {
            **event,
            "sender_id": sender["id"],
            "created_at": snowflake_time(event["id"]).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
            "dm_conversation_id": CONVERSATION,
        }
        for event in body["data"]
        if keep is None or event["id"] in keep
    ]
    meta = dict(body["meta"], result_count=len(events))
    return {"data": events, "includes": {"users": [sender]}, "meta": meta}


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def collector():
    me = city()
    return x_collector(x_account(handle=me["username"], external_id=me["id"]))


def test_recorded_dm_session_the_citys_messages_are_out_and_each_pass_is_one_request(http):
    me = city()
    http.get(DM_URL, json=RECORDED_EMPTY)  # the recorded answer right after sending
    http.get(DM_URL, json=with_fields(RECORDED_CONVERSATION, me))
    x = collector()
    [idle] = list(x.fetch("dms", None))
    assert idle.items == [] and len(http.calls) == 1
    [page] = list(x.fetch("dms", idle.cursor))
    # The recorded page carries a next_token although it is the last: never followed.
    assert len(http.calls) == 2
    assert "sender_id" in params(http.calls[1])["dm_event.fields"].split(",")
    assert [(i.external_id, i.direction, i.author.external_id) for i in page.items] == [
        (TESTING_2, "out", me["id"]),
        (TESTING_1, "out", me["id"]),
    ]
    assert {i.thread_external_id for i in page.items} == {CONVERSATION}
    # 119 ms apart, and both times kept to the millisecond.
    assert (page.items[0].created_at - page.items[1].created_at).total_seconds() == 0.119
    # A first walk read the listing to its end: every event X lists (30 days) was seen.
    covered = str(snowflake_at(snowflake_time(TESTING_2) - RETAINED))
    assert json.loads(page.cursor) == {
        "newest": TESTING_2,
        "recent": [TESTING_1, TESTING_2],
        "covered": covered,
    }


def test_a_dm_listed_late_behind_a_newer_one_is_still_collected(http):
    """The recording's lag: ``GET /2/dm_events`` listed nothing while the conversation held
    both DMs. Here the list first shows only the newer one, then both."""
    me = city()
    http.get(DM_URL, json=with_fields(RECORDED_CONVERSATION, me, keep={TESTING_2}))
    http.get(DM_URL, json=with_fields(RECORDED_CONVERSATION, me))
    http.get(DM_URL, json=with_fields(RECORDED_CONVERSATION, me))
    x = collector()
    [first] = list(x.fetch("dms", None))
    assert [i.external_id for i in first.items] == [TESTING_2]
    [late] = list(x.fetch("dms", first.cursor))
    assert [i.external_id for i in late.items] == [TESTING_1]  # the newer one not again
    [idle] = list(x.fetch("dms", late.cursor))
    assert idle.items == [] and len(http.calls) == 3


def test_the_citys_answer_from_the_x_app_closes_the_citizens_dm(http, db, example_settings):
    """A citizen writes, the city answers in the X app; both arrive in one page (newest
    first). The answer is stored ``out`` and closes the citizen's message as replied."""
    me = city()
    citizen = {"id": OTHER, "username": "habitant59", "name": "Habitant"}
    question = with_fields(RECORDED_CONVERSATION, citizen, keep={TESTING_1})["data"][0]
    question["text"] = "Bonjour, à quelle heure ouvre la mairie samedi ?"
    answer = with_fields(RECORDED_CONVERSATION, me, keep={TESTING_2})["data"][0]
    answer["text"] = "Bonjour, de 9 h à 12 h."
    http.get(
        DM_URL,
        json={
            "data": [answer, question],
            "includes": {"users": [me, citizen]},
            "meta": {"result_count": 2, "next_token": "18LAA5G1SL0NR5OG0G00ZZZZ"},
        },
    )
    [page] = list(collector().fetch("dms", None))
    out = next(i for i in page.items if i.external_id == TESTING_2)
    assert (out.direction, out.parent_external_id) == ("out", TESTING_1)
    now = snowflake_time(TESTING_2)
    ingest_page(db, "x_ville", "dms", page, hooks=ingest_hooks(example_settings), now=now)
    rows = db.execute(
        "SELECT i.external_id, i.direction, q.status, q.closed_reason FROM items i "
        "LEFT JOIN queue q ON q.item_id = i.id ORDER BY i.external_id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        (TESTING_1, "in", "replied", None),
        (TESTING_2, "out", None, None),
    ]


def written_event(event_id: str, text: str, sender: str) -> dict:
    """WRITTEN from docs.x.com's ``GET /2/dm_events`` answer (MessageCreate with the
    ``dm_event.fields`` the collector asks for)."""
    return {
        "id": event_id,
        "event_type": "MessageCreate",
        "text": text,
        "sender_id": sender,
        "dm_conversation_id": f"{sender}-{city()['id']}",
        "created_at": snowflake_time(event_id).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z",
    }


def test_a_dm_listed_more_than_an_hour_late_is_still_collected(http):
    """WRITTEN fixture (the recording's lag, longer): a citizen's DM sent two hours before
    the newest one appears in ``GET /2/dm_events`` only after the newest was collected.
    The events are listed for 30 days (docs.x.com, "Direct Messages lookup": "events from
    up to 30 days ago"): what the first page shows and the cursor has not seen is new,
    however old; the idle pass after it is still one request."""
    citizen = {"id": OTHER, "username": "habitant59", "name": "Habitant"}
    newest = written_event(tid(0), "Et le marché de Noël ?", OTHER)
    late = written_event(tid(120), "Bonjour, la piscine est-elle ouverte ?", OTHER)
    users = {"includes": {"users": [citizen]}}
    http.get(DM_URL, json={"data": [newest], **users, "meta": {"result_count": 1}})
    http.get(DM_URL, json={"data": [newest, late], **users, "meta": {"result_count": 2}})
    http.get(DM_URL, json={"data": [newest, late], **users, "meta": {"result_count": 2}})
    x = collector()
    [first] = list(x.fetch("dms", None))
    assert [i.external_id for i in first.items] == [newest["id"]]
    [second] = list(x.fetch("dms", first.cursor))
    assert [i.external_id for i in second.items] == [late["id"]]
    [idle] = list(x.fetch("dms", second.cursor))
    assert idle.items == [] and len(http.calls) == 3
