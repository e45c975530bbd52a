"""Every real recorded X API response (../shared/fixtures/x, tweepy's cassettes, 2022)
replayed through the collector, with what it produces pinned.

These payloads carry default fields only (``id``, ``text``, ``edit_history_tweet_ids``):
no author, no ``created_at``, no conversation. They must still become correct items: time
recovered from the snowflake id, author unknown (so inbound), no thread.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
import responses

from beffroi.collectors import Author, Item, OutgoingPost
from beffroi.collectors.x.payloads import Context, parse_page, snowflake_time
from tests.collectors.recorded import recorded_json, serve_entries
from tests.collectors.x_http import sent_json, x_account, x_collector
from tests.conftest import shared_fixture

RECORDED = [
    "asyncclient_get_users_mentions.json",
    "create_and_delete_tweet.json",
    "get_me.json",
    "get_tweets.json",
    "get_users_mentions.json",
    "hide_and_unhide_reply.json",
    "search_recent_tweets.json",
]


def interactions(name: str) -> list[dict]:
    return recorded_json(f"x/{name}")


def serve(http: responses.RequestsMock, name: str) -> list[dict]:
    """Register a cassette's responses, matched on method and path."""
    return serve_entries(http, interactions(name))


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def twitter_collector(**keys):
    """The recordings read @Twitter's mentions (user 783214)."""
    return x_collector(x_account(handle="tweepy", external_id="783214"), **keys)


def test_the_fixture_folder_holds_exactly_the_files_pinned_here():
    folder = shared_fixture("x")
    assert sorted(p.name for p in folder.glob("*.json")) == RECORDED


@pytest.mark.parametrize("name", RECORDED)
def test_every_recorded_body_becomes_items_or_rejects_nothing_lost(name):
    ctx = Context("x_ville", "783214")
    for entry in interactions(name):
        body = entry["response"]["body"]
        data = body.get("data")
        entries = data if isinstance(data, list) else [data]
        items, rejected = parse_page(body, ctx, "mention")
        assert len(items) + len(rejected) == len(entries)
        assert all(r.reason for r in rejected)
        for item in items:
            assert item.created_at == snowflake_time(item.external_id)
            assert item.raw in entries


def test_recorded_mentions_first_page(http):
    serve(http, "get_users_mentions.json")
    collector = twitter_collector()
    page = next(collector.fetch("mentions", None))
    assert len(page.items) == 10 and page.rejected == [] and page.api_calls == 1
    first = page.items[0]
    assert first.external_id == "1578516295611748353"
    assert page.items[-1].external_id == "1578516107798884353"
    assert {(i.kind, i.direction, i.author, i.thread_external_id) for i in page.items} == {
        ("mention", "in", None, None)
    }
    assert first.created_at == datetime(2022, 10, 7, 22, 43, 6, 945000, tzinfo=UTC)
    assert first.text.startswith("@Twitter @TwitterSupport this is my ENTIRE feed")
    assert first.permalink == "https://x.com/i/web/status/1578516295611748353"
    assert first.raw["edit_history_tweet_ids"] == ["1578516295611748353"]
    # More pages exist: the walk is recorded, the high-water mark waits for its end.
    assert json.loads(page.cursor) == {
        "walk": {
            "next_token": "7140dibdnow9c7btw423i3sy3u5zupmkcpofxcsmxj48j",
            "pending_newest": "1578516295611748353",
        }
    }
    assert collector.rate_limits["mentions"] == (448, datetime.fromtimestamp(1665183228, UTC))
    assert len(http.calls) == 1


def test_recorded_async_client_mentions(http):
    serve(http, "asyncclient_get_users_mentions.json")
    page = next(twitter_collector().fetch("mentions", None))
    assert [i.external_id for i in page.items] == ["1578522401263919106", "1578522395434192896"]
    assert page.items[1].text.startswith(".@Twitter #PBS says")
    assert page.items[0].created_at == datetime(2022, 10, 7, 23, 7, 22, 646000, tzinfo=UTC)
    assert json.loads(page.cursor)["walk"]["pending_newest"] == "1578522401263919106"


def test_recorded_search_as_replies_and_snowflake_times_are_right(http):
    serve(http, "search_recent_tweets.json")
    page = next(twitter_collector().fetch("replies", None))
    assert len(page.items) == 10 and page.rejected == []
    assert {(i.kind, i.direction) for i in page.items} == {("reply", "in")}
    # Each recorded tweet's text is the poster's clock just before posting: the time read
    # from the snowflake id is a fraction of a second after it.
    for item in page.items:
        stamped = datetime.fromisoformat(item.text.removesuffix(" tweepy")).replace(tzinfo=UTC)
        assert timedelta(0) < item.created_at - stamped < timedelta(seconds=1)
    assert json.loads(page.cursor)["walk"]["next_token"] == (
        "b26v89c19zqg8o3fpzbn1e0ffhxjiofzw6po136rvbnul"
    )


def test_recorded_get_tweets_without_author_are_inbound_items():
    [entry] = interactions("get_tweets.json")
    items, rejected = parse_page(
        entry["response"]["body"], Context("x_ville", "2244994945"), "reply"
    )
    assert rejected == []
    assert [i.external_id for i in items] == ["1293593516040269825", "1293595870563381249"]
    # Author unknown in the payload: taken as inbound, the documented limit of default fields.
    assert {(i.direction, i.author) for i in items} == {("in", None)}
    assert items[0].created_at == snowflake_time("1293593516040269825")


def test_recorded_non_tweet_answers_are_rejected_with_a_reason():
    ctx = Context("x_ville", "783214")
    delete = interactions("create_and_delete_tweet.json")[1]["response"]["body"]
    hidden = [e["response"]["body"] for e in interactions("hide_and_unhide_reply.json")]
    for body in [delete, *hidden]:
        items, rejected = parse_page(body, ctx, "reply")
        assert items == []
        assert [r.reason for r in rejected] == ["tweet without a numeric id"]


def test_recorded_create_tweet_through_publish_and_reply(http):
    recorded = serve(http, "create_and_delete_tweet.json")
    post_id = x_collector().publish(OutgoingPost("x_ville", "Test Tweet", marker="m"))
    assert post_id == "1456012973835788293"
    assert sent_json(http.calls[0]) == json.loads(recorded[0]["request"]["body"])
    to = Item(
        "x",
        "x_ville",
        "1456012900000000000",
        "mention",
        "in",
        "hi",
        snowflake_time("1456012900000000000"),
        author=Author("x", "2002"),
    )
    item = x_collector().reply(to, "Test Tweet")
    assert (item.external_id, item.kind, item.direction, item.text) == (
        "1456012973835788293",
        "reply",
        "out",
        "Test Tweet",
    )
    assert item.created_at == datetime(2021, 11, 3, 21, 38, 39, 32000, tzinfo=UTC)
    assert sent_json(http.calls[1]) == {
        "text": "Test Tweet",
        "reply": {"in_reply_to_tweet_id": "1456012900000000000"},
    }


def test_recorded_get_me_through_check(http):
    serve(http, "get_me.json")
    results = twitter_collector(bearer_token=None).check()
    assert results == [
        (
            True,
            "x_ville: no bearer token (BEFFROI_X_BEARER_TOKEN unset); reading uses the user keys",
        ),
        (True, "x_ville: user-context keys work (signed in as @TweepyDev)"),
        *[(True, line) for _, line in results[2:]],
    ]
    # The recorded x-access-level grants every stream's permission, named in French.
    assert all(ok for ok, _ in results)
    dms = next(line for _, line in results if "« dms »" in line)
    assert "« Read and write and Direct message »" in dms
    assert "« read-write-directmessages »" in dms
