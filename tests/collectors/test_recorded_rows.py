"""Real recorded payloads through the real collector and ingestion, whole stored rows pinned.

As twitter-to-sqlite's ``test_save_tweets.py``: for each folder of ``../shared/fixtures``
that a collector reads (``x/``, ``meta/``; ``mastodon/`` and ``bluesky/`` have no collector
yet), a recorded response is served over HTTP (``responses``) to the real client, the pages
the collector yields are ingested with the inbox's triage, and the test asserts the complete
rows stored: each item joined with its queue row and its member, not counts. Two whole rows
per recording, and the triage of every item as a table.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses
import sqlite_utils

from beffroi.collectors.facebook import FacebookCollector
from beffroi.inbox import ingest_hooks, ingest_page
from tests.collectors.graph_http import GRAPH, TOKEN, Clock, Sleeps
from tests.collectors.recorded import recorded_json as recorded
from tests.collectors.recorded import serve_entries
from tests.collectors.test_meta_recorded import path_of
from tests.collectors.x_http import x_account, x_collector

X_NOW = datetime(2022, 10, 10, 9, 0, tzinfo=UTC)  # a Monday, after the X recordings
META_NOW = datetime(2021, 8, 20, 12, 0, tzinfo=UTC)  # just after the Meta recordings
# Ingestion has one clock: triage's closing of a message that needs no reply is stamped
# with the ``now`` ingestion was given, never the wall clock.


def ingest(conn, settings, account: str, stream: str, pages, now: datetime) -> None:
    """Ingest collected pages the way the service does: ``inbox.ingest_page`` with the
    inbox's hooks from the configuration."""
    hooks = ingest_hooks(settings)
    for page in pages:
        ingest_page(conn, account, stream, page, hooks=hooks, now=now)


def stored(conn) -> list[dict]:
    """Every stored item with its queue row and its member (None when the network withheld
    the author), whole rows as sqlite-utils reads them; the raw payload parsed back."""
    db = sqlite_utils.Database(conn)
    rows = []
    for item in db.query("SELECT * FROM items ORDER BY created_at, external_id"):
        item["raw"] = json.loads(item["raw"]) if item["raw"] else None
        queue = list(db.query("SELECT * FROM queue WHERE item_id = ?", [item["id"]]))
        member = db["members"].get(item["member_id"]) if item["member_id"] is not None else None
        rows.append({"item": item, "queue": queue[0] if queue else None, "member": member})
    return rows


# Whole rows as ingestion writes them, every column named once: the tests below state only
# what differs from these, and compare complete rows (a new column fails them all).
def item_row(item_id: int, network: str, external_id: str, kind: str, **columns) -> dict:
    """An inbound item row; ``columns`` overrides (text, times, raw, thread, counts...)."""
    return {
        "id": item_id,
        "network": network,
        "account": f"{network}_ville",
        "external_id": external_id,
        "kind": kind,
        "direction": "in",
        "member_id": None,
        "text": None,
        "created_at": None,
        "permalink": None,
        "parent_external_id": None,
        "thread_external_id": None,
        "like_count": None,
        "reply_count": None,
        "raw": None,
        "collected_at": None,
    } | columns


def queue_row(queue_id: int, at: str, **columns) -> dict:
    """The queue row of item ``queue_id`` ingested at ``at``, left open for a reply;
    ``columns`` overrides what triage decided."""
    return {
        "id": queue_id,
        "item_id": queue_id,
        "status": "new",
        "needs_reply": 1,
        "triage_rule": None,
        "theme": None,
        "priority": "normal",
        "due_at": None,
        "assignee": None,
        "service": None,
        "closed_reason": None,
        "reply_item_id": None,
        "replied_at": None,
        "replied_by": None,
        "response_seconds": None,
        "previous_queue_id": None,
        "overdue_at": None,
        "overdue_alerted_at": None,
        "reply_draft": None,
        "last_error": None,
        "created_at": at,
        "updated_at": at,
        "closed_by": None,
        "closed_at": None,
        "assigned_at": None,
        "sending_since": None,
        "sending_by": None,
        "last_error_at": None,
        "escalated_at": None,
        "escalated_by": None,
        "business_response_seconds": None,
        "send_check": None,
        "secondary_themes": None,
        "theme_rule": None,
        "tone": "neutral",
        "tone_rule": "neutral",
        "urgent_alerted_at": None,
        "urgent_alert_to": None,
    } | columns


def closed_by_triage(queue_id: int, at: str, rule: str = "no_signal") -> dict:
    """The queue row of a message triage closed at ingestion (no reply needed), stamped
    with ingestion's one clock."""
    return queue_row(
        queue_id, at, status="closed", needs_reply=0, triage_rule=rule, priority="low",
        closed_reason="no_reply_needed", closed_by="triage", closed_at=at,
    )  # fmt: skip


# ------------------------------------------------------------------ x/


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def test_recorded_x_mentions_are_stored_whole(http, db, example_settings):
    """tweepy's recording of @Twitter's mentions: default fields only, so no author (no
    member row) and the time read from the snowflake id."""
    [entry] = serve_entries(http, recorded("x/get_users_mentions.json"))
    tweets = {t["id"]: t for t in entry["response"]["body"]["data"]}
    collector = x_collector(x_account(handle="tweepy", external_id="783214"))
    ingest(
        db,
        example_settings,
        "x_ville",
        "mentions",
        [next(collector.fetch("mentions", None))],
        X_NOW,
    )
    rows = stored(db)
    assert [
        (r["item"]["external_id"], r["item"]["kind"], r["queue"]["needs_reply"],
         r["queue"]["triage_rule"], r["queue"]["priority"], r["queue"]["status"],
         r["queue"]["due_at"])
        for r in rows
    ] == [
        ('1578516107798884353', 'mention', 0, 'no_signal', 'low', 'closed', None),
        ('1578516142770909184', 'mention', 0, 'no_signal', 'low', 'closed', None),
        ('1578516149339574274', 'mention', 0, 'thanks:hate', 'low', 'closed', None),
        ('1578516190862794753', 'mention', 0, 'no_signal', 'low', 'closed', None),
        ('1578516220231397376', 'mention', 0, 'no_signal', 'low', 'closed', None),
        ('1578516230448631808', 'mention', 1, 'question:?', 'normal', 'new', '2022-10-10 10:30:00'),
        ('1578516242867945475', 'mention', 1, 'question:?', 'normal', 'new', '2022-10-10 10:30:00'),
        ('1578516249856077825', 'mention', 0, 'no_signal', 'low', 'closed', None),
        ('1578516273537118209', 'mention', 0, 'no_signal', 'low', 'closed', None),
        ('1578516295611748353', 'mention', 0, 'no_signal', 'low', 'closed', None),
    ]  # fmt: skip
    question = next(r for r in rows if r["item"]["external_id"] == "1578516230448631808")
    assert question == {
        "item": item_row(
            5, "x", "1578516230448631808", "mention",
            text="@KateTalksTruth @elonmusk Can't @twitter be liable for vaccine "
            "injuries if they censor information from a medical doctor like "
            "this? Hmmmmm",
            created_at="2022-10-07 22:42:51.409000",
            permalink="https://x.com/i/web/status/1578516230448631808",
            raw=tweets["1578516230448631808"],
            collected_at="2022-10-10 09:00:00",
        ),
        "queue": queue_row(
            5, "2022-10-10 09:00:00", triage_rule="question:?", due_at="2022-10-10 10:30:00"
        ),
        "member": None,
    }  # fmt: skip
    assert rows[-1] == {
        "item": item_row(
            1, "x", "1578516295611748353", "mention",
            text="@Twitter @TwitterSupport this is my ENTIRE feed, why do you think i "
            "want this. respond to my ticket. https://t.co/W5GxALkkZd",
            created_at="2022-10-07 22:43:06.945000",
            permalink="https://x.com/i/web/status/1578516295611748353",
            raw=tweets["1578516295611748353"],
            collected_at="2022-10-10 09:00:00",
        ),
        "queue": closed_by_triage(1, "2022-10-10 09:00:00"),  # X_NOW: ingestion's one clock
        "member": None,
    }  # fmt: skip


# ------------------------------------------------------------------ meta/
MESSENGER_PAGE = "2121008874780932"  # "MyLife", the Page of the recorded Messenger data
FIRST_DM = (
    "m_ToF35NI1OImBjyUIgplSaBMylUFmkYY4bHogy9C1otLISU6SGhccB5NK-THX_W4EdVQiKVv5SgCW9m-_C78mRA"
)
SECOND_DM = (
    "m_rU2w1v7XMh8JR7jDSmW3pBMylUFmkYY4bHogy9C1otJUI2R3JKjhRblmg6DHQeVLHU6GP0qwqSqdSg0gnkE8tw"
)
FB_PAGE = "19292868552"  # Facebook for Developers, in the recorded comments
THREAD = f"{FB_PAGE}_10158407654328553"


def facebook(page_id: str) -> FacebookCollector:
    return FacebookCollector("facebook_ville", account_id=page_id, token=TOKEN, sleep=Sleeps(),
                             now=Clock(META_NOW))  # fmt: skip


def test_recorded_messenger_messages_are_stored_whole(http, db, example_settings):
    """python-facebook's recorded conversation and its two messages (from Kun Liu), served
    as ``/conversations`` returns them (messages nested): two DMs, one member, the second
    queue row linked to the first (same conversation)."""
    conversation = recorded("meta/facebook/conversations/cvses_info.json")["t_587956915396498"]
    messages = recorded("meta/facebook/messages/messages_info.json")
    nested = dict(conversation, messages={"data": list(messages.values())})
    http.get(GRAPH + f"{MESSENGER_PAGE}/conversations", json={"data": [nested]})
    pages = list(facebook(MESSENGER_PAGE).fetch("messages", None))
    ingest(db, example_settings, "facebook_ville", "messages", pages, META_NOW)
    kun_liu = {
        "id": 1,
        "network": "facebook",
        "external_id": "2711636948859886",
        "handle": None,
        "display_name": "Kun Liu",
        "is_staff": 0,
        "is_blocked": 0,
        "is_spam": 0,
        "erased_at": None,
        "person_id": None,
        "notes": None,
        "first_seen_at": "2021-07-23 09:50:48",
        "last_seen_at": "2021-07-23 10:24:23",
        "objected_at": None,
        "objected_by": None,
        "profile": None,
    }
    dm = {"member_id": 1, "thread_external_id": "t_587956915396498"}
    assert stored(db) == [
        {
            "item": item_row(
                1, "facebook", FIRST_DM, "dm", **dm, text="[pièce jointe : image/jpeg]",
                created_at="2021-07-23 09:50:48", raw=messages[FIRST_DM],
                collected_at="2021-08-20 12:00:00",
            ),
            "queue": queue_row(
                1, "2021-08-20 12:00:00", triage_rule="dm", due_at="2021-07-23 13:50:48"
            ),
            "member": kun_liu,
        },
        {
            "item": item_row(
                2, "facebook", SECOND_DM, "dm", **dm, text="[pièce jointe : video/mp4]",
                created_at="2021-07-23 10:24:23", raw=messages[SECOND_DM],
                collected_at="2021-08-20 12:00:00",
            ),
            "queue": queue_row(
                2, "2021-08-20 12:00:00", triage_rule="dm", due_at="2021-07-23 14:24:23",
                previous_queue_id=1,
            ),
            "member": kun_liu,
        },
    ]  # fmt: skip


def test_recorded_facebook_comments_are_stored_whole(http, db, example_settings):
    """The recorded comments of one post, two pages (the real ``paging.next`` followed);
    Meta withheld every ``from``, so no member rows."""
    page_one = recorded("meta/facebook/comments/comments_p1.json")
    page_two = recorded("meta/facebook/comments/comments_p2.json")
    http.get(GRAPH + f"{FB_PAGE}/feed", json={"data": [{"id": THREAD, "comments": page_one}]})
    http.get(path_of(page_one["paging"]["next"]), json=page_two)
    collector = facebook(FB_PAGE)
    collector.COMMENTS_PER_POST = 10
    ingest(
        db,
        example_settings,
        "facebook_ville",
        "comments",
        collector.fetch("comments", None),
        META_NOW,
    )
    rows = stored(db)
    assert {r["member"] for r in rows} == {None}
    # Two of these are people asking for help with a lost account, closed as spam because
    # they write "followers" (triage's spam_keywords): pinned as triage decides today.
    assert [
        (r["item"]["external_id"].split("_")[1], r["item"]["kind"], r["queue"]["needs_reply"],
         r["queue"]["triage_rule"], r["queue"]["priority"], r["queue"]["status"],
         r["queue"]["due_at"])
        for r in rows
    ] == [
        ('10158407835073553', 'comment', 1, 'question:?', 'normal', 'new', '2021-08-11 10:30:00'),
        ('10158407903973553', 'comment', 1, 'question:?', 'normal', 'new', '2021-08-11 10:30:00'),
        ('10158408043788553', 'comment', 0, 'no_signal', 'low', 'closed', None),
        ('10158408729028553', 'comment', 0, 'no_signal', 'low', 'closed', None),
        ('10158408729313553', 'comment', 0, 'no_signal', 'low', 'closed', None),
        ('10158409983033553', 'reply', 0, 'no_signal', 'low', 'closed', None),
        ('10158409984053553', 'reply', 0, 'no_signal', 'low', 'closed', None),
        ('10158409984103553', 'reply', 0, 'no_signal', 'low', 'closed', None),
        ('10158410332078553', 'comment', 0, 'no_signal', 'low', 'closed', None),
        ('10158411321043553', 'reply', 0, 'no_signal', 'low', 'closed', None),
        ('10158412899928553', 'comment', 1, 'question:?', 'normal', 'new', '2021-08-13 12:29:27'),
        ('10158413660043553', 'reply', 0, 'no_signal', 'low', 'closed', None),
        ('10158414379883553', 'comment', 0, 'spam:followers', 'low', 'closed', None),
        ('10158414379973553', 'comment', 0, 'spam:followers', 'low', 'closed', None),
        ('10158414644018553', 'comment', 0, 'no_signal', 'low', 'closed', None),
    ]  # fmt: skip
    question = next(r for r in rows if r["item"]["external_id"].endswith("_10158412899928553"))
    assert question == {
        "item": item_row(
            11, "facebook", "10158407654328553_10158412899928553", "comment",
            text="how can i get invited to the Commerce Manager api ?",
            created_at="2021-08-13 08:29:27",
            permalink="https://www.facebook.com/19292868552/posts/10158407654328553/?comment_id=10158412899928553",
            parent_external_id="19292868552_10158407654328553",
            thread_external_id="19292868552_10158407654328553",
            like_count=0,
            reply_count=1,
            raw=page_two["data"][0],
            collected_at="2021-08-20 12:00:00",
        ),
        "queue": queue_row(
            11, "2021-08-20 12:00:00", triage_rule="question:?", due_at="2021-08-13 12:29:27"
        ),
        "member": None,
    }  # fmt: skip
