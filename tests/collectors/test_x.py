"""The X collector against HTTP intercepted with ``responses``: what is sent, what is made."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
import responses

from beffroi.collectors.errors import AuthExpired, PermanentError, RateLimited, TransientError
from beffroi.collectors.item import Author, Item, OutgoingPost
from beffroi.collectors.x.payloads import snowflake_time
from tests.collectors.x_http import (
    API,
    CITY_ID,
    DM_URL,
    EMPTY,
    MENTIONS_URL,
    NOW,
    RATE_HEADERS,
    SEARCH_URL,
    SECRETS,
    body,
    params,
    sent_json,
    tid,
    tweet,
    x_account,
    x_collector,
)

CITIZEN = {"id": "2002", "username": "jeanne_marcq", "name": "Jeanne"}
OTHER = {"id": "2003", "username": "paul59", "name": "Paul"}


@pytest.fixture
def http():
    with responses.RequestsMock() as rsps:
        yield rsps


def pages(collector, stream, cursor=None):
    return list(collector.fetch(stream, cursor))


# ---------------------------------------------------------------- mentions


def test_first_pass_turns_mentions_into_items_and_sets_since_id(http):
    old, new = tid(30), tid(5)
    http.get(
        MENTIONS_URL,
        json=body(
            [
                tweet(new, "@marcqenbaroeul le bus 14 ne passe plus ?", "2002", likes=3),
                tweet(old, "@marcqenbaroeul merci pour la braderie", "2003"),
            ],
            users=[CITIZEN, OTHER],
        ),
        headers=RATE_HEADERS,
    )
    [page] = pages(x_collector(), "mentions")
    sent = params(http.calls[0])
    assert "since_id" not in sent and "pagination_token" not in sent
    assert sent["max_results"] == "100"
    assert sent["expansions"] == "author_id,referenced_tweets.id"
    assert set(sent["tweet.fields"].split(",")) == {
        "entities",
        "author_id",
        "created_at",
        "conversation_id",
        "in_reply_to_user_id",
        "referenced_tweets",
        "public_metrics",
    }
    assert sent["user.fields"] == "username,name"
    # The city's own mentions, read with its user keys: billed as "Owned Reads".
    assert http.calls[0].request.headers["Authorization"].startswith("OAuth ")
    first, second = page.items
    assert (first.external_id, first.kind, first.direction) == (new, "mention", "in")
    assert first.author == Author("x", "2002", "jeanne_marcq", "Jeanne")
    assert first.created_at == snowflake_time(new).replace(microsecond=0)
    assert first.thread_external_id == new and first.parent_external_id is None
    assert first.like_count == 3 and first.permalink == f"https://x.com/jeanne_marcq/status/{new}"
    assert second.author.handle == "paul59"
    assert json.loads(page.cursor) == {"since_id": new}
    assert page.rejected == [] and page.api_calls == 1
    assert x_collector().rate_limits == {}  # per instance


def test_incremental_pass_asks_only_for_newer_mentions(http):
    since, newer = tid(60), tid(1)
    http.get(MENTIONS_URL, json=body([tweet(newer, "@marcqenbaroeul encore moi", "2002")]))
    [page] = pages(x_collector(), "mentions", json.dumps({"since_id": since}))
    assert params(http.calls[0])["since_id"] == since
    assert [i.external_id for i in page.items] == [newer]
    assert json.loads(page.cursor) == {"since_id": newer}


def test_idle_pass_costs_exactly_one_request_per_stream(http):
    http.get(MENTIONS_URL, json=EMPTY)
    http.get(SEARCH_URL, json=EMPTY)
    http.get(
        DM_URL,
        json={
            "data": [
                {
                    "id": tid(90),
                    "event_type": "MessageCreate",
                    "text": "déjà vu",
                    "sender_id": "2002",
                }
            ],
            "meta": {"result_count": 1, "next_token": "OLDER"},
        },
    )
    collector = x_collector()
    cursors = {
        "mentions": json.dumps({"since_id": tid(50)}),
        "replies": json.dumps({"since_id": tid(50), "conversations": {}}),
        "dms": json.dumps({"newest": tid(90)}),
    }
    for stream in collector.streams():
        [page] = pages(collector, stream, cursors[stream])
        assert page.items == [] and page.api_calls == 1
        assert json.loads(page.cursor).items() >= json.loads(cursors[stream]).items()
    assert len(http.calls) == 3


def test_pagination_keeps_since_id_and_commits_newest_at_the_end(http):
    since = tid(200)
    a, b, c = tid(3), tid(10), tid(20)
    http.get(
        MENTIONS_URL, json=body([tweet(a, "a", "2002"), tweet(b, "b", "2002")], next_token="PAGE2")
    )
    http.get(MENTIONS_URL, json=body([tweet(c, "c", "2003")]))
    first, second = pages(x_collector(), "mentions", json.dumps({"since_id": since}))
    assert params(http.calls[0])["since_id"] == since
    assert params(http.calls[1])["since_id"] == since
    assert params(http.calls[1])["pagination_token"] == "PAGE2"
    # Mid-walk the high-water mark does not move: the walk in progress is recorded.
    assert json.loads(first.cursor) == {
        "since_id": since,
        "walk": {"next_token": "PAGE2", "pending_newest": a},
    }
    assert json.loads(second.cursor) == {"since_id": a}
    assert [i.external_id for i in first.items + second.items] == [a, b, c]


def test_a_walk_that_died_resumes_at_the_next_page(http):
    since, a, c = tid(200), tid(3), tid(20)
    cursor = json.dumps({"since_id": since, "walk": {"next_token": "PAGE2", "pending_newest": a}})
    http.get(MENTIONS_URL, json=body([tweet(c, "c", "2003")]))
    [page] = pages(x_collector(), "mentions", cursor)
    assert params(http.calls[0])["pagination_token"] == "PAGE2"
    assert params(http.calls[0])["since_id"] == since
    assert json.loads(page.cursor) == {"since_id": a}


def test_a_forgotten_page_token_restarts_the_walk_from_since_id(http):
    since, a = tid(200), tid(3)
    cursor = json.dumps({"since_id": since, "walk": {"next_token": "STALE", "pending_newest": a}})
    http.get(MENTIONS_URL, status=400, json={"errors": [{"message": "invalid pagination_token"}]})
    http.get(MENTIONS_URL, json=body([tweet(a, "a", "2002")]))
    [page] = pages(x_collector(), "mentions", cursor)
    assert params(http.calls[0])["pagination_token"] == "STALE"
    assert "pagination_token" not in params(http.calls[1])
    assert json.loads(page.cursor) == {"since_id": a}


# ---------------------------------------------------------------- errors


def test_429_raises_rate_limited_with_x_reset_time(http):
    http.get(
        MENTIONS_URL,
        status=429,
        json={"title": "Too Many Requests"},
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1795608000"},
    )
    with pytest.raises(RateLimited) as caught:
        pages(x_collector(), "mentions")
    assert caught.value.reset_at == datetime.fromtimestamp(1795608000, UTC)
    assert "x_ville" in str(caught.value)
    assert len(http.calls) == 1  # never slept nor retried


def test_a_walk_stops_before_a_request_that_would_be_refused(http):
    http.get(
        MENTIONS_URL,
        json=body([tweet(tid(2), "a", "2002")], next_token="P2"),
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1795608000"},
    )
    walk = x_collector().fetch("mentions", None)
    first = next(walk)
    assert json.loads(first.cursor)["walk"]["next_token"] == "P2"
    with pytest.raises(RateLimited) as caught:
        next(walk)
    assert caught.value.reset_at == datetime.fromtimestamp(1795608000, UTC)
    assert len(http.calls) == 1


def test_401_raises_auth_expired_naming_account_and_variable(http):
    http.get(
        MENTIONS_URL,
        status=401,
        json={
            "title": "Unauthorized",
            "type": "about:blank",
            "status": 401,
            "detail": "Unauthorized",
        },
    )
    with pytest.raises(AuthExpired) as caught:
        pages(x_collector(consumer_key=None), "mentions")  # no user keys: the bearer reads
    message = str(caught.value)
    assert "x_ville" in message and "BEFFROI_X_BEARER_TOKEN" in message and "401" in message


def test_403_for_a_missing_permission_is_auth_expired_other_4xx_permanent(http):
    http.get(
        DM_URL,
        status=403,
        json={
            "title": "Unsupported Authentication",
            "status": 403,
            "type": "https://api.twitter.com/2/problems/unsupported-authentication",
            "detail": "Authenticating with OAuth 2.0 Application-Only is forbidden",
        },
    )
    with pytest.raises(AuthExpired, match="lacks a permission"):
        pages(x_collector(), "dms")
    http.get(MENTIONS_URL, status=404, json={"title": "Not Found Error"})
    with pytest.raises(PermanentError, match="404"):
        pages(x_collector(), "mentions")


def test_server_error_then_success_is_retried_with_the_injected_delays(http):
    sleeps: list[float] = []
    http.get(MENTIONS_URL, status=503, json={"title": "Service Unavailable"})
    http.get(MENTIONS_URL, json=body([tweet(tid(1), "ok", "2002")]))
    [page] = pages(x_collector(sleeps=sleeps), "mentions")
    assert len(page.items) == 1 and page.api_calls == 2
    assert sleeps == [0.0]


def test_server_error_that_persists_becomes_transient_after_bounded_retries(http):
    sleeps: list[float] = []
    http.get(MENTIONS_URL, status=503, json={"title": "Service Unavailable"})
    with pytest.raises(TransientError, match="3 attempts"):
        pages(x_collector(sleeps=sleeps), "mentions")
    assert len(http.calls) == 3 and sleeps == [0.0, 0.0]


@pytest.mark.parametrize(
    "fault",
    [
        requests.ConnectionError("Connection reset by peer"),
        requests.ReadTimeout("read timed out"),
        requests.exceptions.ChunkedEncodingError("connection broken mid-body"),
    ],
)
def test_connection_resets_and_timeouts_are_transient(http, fault):
    http.get(MENTIONS_URL, body=fault)
    with pytest.raises(TransientError, match=f"network error {type(fault).__name__}"):
        pages(x_collector(), "mentions")
    assert len(http.calls) == 3


def test_malformed_entries_are_rejected_with_a_reason_and_the_page_goes_on(http):
    good = tid(4)
    http.get(
        MENTIONS_URL,
        json={
            "data": [
                {"text": "no id at all", "author_id": "2002"},
                {"id": "abc", "text": "id is not a number"},
                {"id": tid(5), "author_id": "2002"},
                {"id": tid(6), "text": "bad time", "created_at": "yesterday"},
                tweet(good, "@marcqenbaroeul bonjour", "2002"),
                "not even an object",
            ],
            "errors": [
                {
                    "title": "Not Found Error",
                    "detail": "Could not find tweet 42",
                    "resource_id": "42",
                }
            ],
            "meta": {"result_count": 6, "newest_id": good},
        },
    )
    [page] = pages(x_collector(), "mentions")
    assert [i.external_id for i in page.items] == [good]
    reasons = sorted(r.reason for r in page.rejected)
    assert reasons == sorted(
        [
            "tweet without a numeric id",
            "tweet without a numeric id",
            f"tweet {tid(5)} has no text",
            f"tweet {tid(6)}: unreadable created_at (Invalid isoformat string: 'yesterday')",
            "tweet without a numeric id",
            "X reported: Not Found Error: Could not find tweet 42",
        ]
    )
    assert json.loads(page.cursor) == {"since_id": good}


def test_a_body_that_is_not_json_is_rejected_whole(http):
    http.get(MENTIONS_URL, body="<html>upstream hiccup</html>", status=200)
    [page] = pages(x_collector(), "mentions")
    assert page.items == []
    assert [r.reason for r in page.rejected] == ["response body is not a JSON object"]


def test_secrets_never_appear_in_errors_or_logs(http, caplog):
    caplog.set_level(logging.DEBUG)
    echo = f"token {SECRETS['bearer_token']} is revoked; Bearer {SECRETS['bearer_token']}"
    http.get(
        MENTIONS_URL,
        status=401,
        json={"title": "Unauthorized", "detail": echo, "errors": [{"message": echo}]},
    )
    with pytest.raises(AuthExpired) as caught:
        pages(x_collector(), "mentions")
    http.post(f"{API}/tweets", status=400, json={"errors": [{"message": echo}]})
    with pytest.raises(PermanentError) as caught_post:
        x_collector().publish(OutgoingPost("x_ville", "Bonjour", marker="m"))
    shown = str(caught.value) + str(caught_post.value) + caplog.text
    assert "Making API request" in caplog.text  # tweepy did log its request...
    for secret in SECRETS.values():
        assert secret not in shown  # ...with every secret masked


def test_missing_credentials_say_which_variables_to_set():
    collector = x_collector(bearer_token=None, consumer_key=None)
    with pytest.raises(AuthExpired) as caught:
        pages(collector, "mentions")
    assert "BEFFROI_X_BEARER_TOKEN" in str(caught.value)
    with pytest.raises(AuthExpired, match="BEFFROI_X_CONSUMER_KEY"):
        pages(collector, "dms")


# ---------------------------------------------------------------- replies stream


def test_replies_stream_finds_native_replies_and_watches_new_posts(http):
    mention_id = tid(50)
    post_id, native, citizen_reply = tid(40), tid(30), tid(20)
    since = tid(45)
    http.get(
        SEARCH_URL,
        json=body(
            [
                tweet(
                    citizen_reply,
                    "@marcqenbaroeul quelle heure ?",
                    "2002",
                    conversation=post_id,
                    replied_to=post_id,
                ),
                tweet(
                    native,
                    "@jeanne_marcq c'est réparé, merci !",
                    CITY_ID,
                    conversation=mention_id,
                    replied_to=mention_id,
                ),
                tweet(post_id, "Braderie dimanche !", CITY_ID, likes=12),
            ],
            users=[CITIZEN, {"id": CITY_ID, "username": "marcqenbaroeul", "name": "Ville"}],
        ),
    )
    collector = x_collector()
    [page] = pages(collector, "replies", json.dumps({"since_id": since}))
    sent = params(http.calls[0])
    assert sent["query"] == "(from:marcqenbaroeul) -is:retweet"
    assert sent["since_id"] == since
    by_id = {i.external_id: i for i in page.items}
    assert (by_id[native].kind, by_id[native].direction) == ("reply", "out")
    assert by_id[native].parent_external_id == mention_id
    assert by_id[native].thread_external_id == mention_id
    assert (by_id[post_id].kind, by_id[post_id].direction) == ("post", "out")
    assert (by_id[citizen_reply].kind, by_id[citizen_reply].direction) == ("reply", "in")
    state = json.loads(page.cursor)
    assert list(state["conversations"]) == [post_id]
    # The next pass starts at the new post, not at the newest tweet: replies to it that
    # arrived before its conversation was watched are found then.
    assert state["since_id"] == post_id

    http.get(SEARCH_URL, json=EMPTY)
    [again] = pages(collector, "replies", page.cursor)
    sent = params(http.calls[1])
    assert sent["query"] == f"(from:marcqenbaroeul OR conversation_id:{post_id}) -is:retweet"
    assert sent["since_id"] == post_id
    assert again.items == []


def test_replies_query_stays_within_x_limit_and_prefers_recent_conversations():
    collector = x_collector()
    conversations = {tid(m): NOW.isoformat() for m in range(1, 40)}
    query = collector.replies_query(conversations)
    assert len(query) <= 512
    assert f"conversation_id:{tid(1)}" in query and f"conversation_id:{tid(39)}" not in query


def test_conversations_older_than_the_search_window_are_dropped(http):
    old = (NOW - timedelta(days=8)).isoformat()
    fresh = (NOW - timedelta(days=1)).isoformat()
    cursor = json.dumps({"since_id": tid(10), "conversations": {"111": old, tid(1440): fresh}})
    http.get(SEARCH_URL, json=EMPTY)
    [page] = pages(x_collector(), "replies", cursor)
    assert "111" not in params(http.calls[0])["query"]
    assert json.loads(page.cursor)["conversations"] == {tid(1440): fresh}


# ---------------------------------------------------------------- DMs


def _dm(id_: str, text: str, sender: str) -> dict:
    return {"id": id_, "event_type": "MessageCreate", "text": text, "sender_id": sender}


def test_dms_walk_a_full_page_on_down_to_the_overlap_window(http):
    """A page of 100 events may have older ones behind it: the walk goes on, and stops in
    the page that reaches an hour below the newest event already seen."""
    known = tid(100)
    burst = [_dm(tid(5, seq), f"message {seq}", "2002") for seq in range(100, 0, -1)]
    burst[0] = {**burst[0], "sender_id": CITY_ID, "dm_conversation_id": f"{CITY_ID}-2002"}
    http.get(
        DM_URL,
        json={
            "data": burst,
            "includes": {"users": [CITIZEN]},
            "meta": {"result_count": 100, "next_token": "OLDER"},
        },
    )
    older = [_dm(tid(90), "avant", "2003"), _dm(known, "vu", "2003"), _dm(tid(170), "", "2003")]
    older += [_dm(tid(180, seq), "très vieux", "2003") for seq in range(97)]
    http.get(
        DM_URL,
        json={"data": older, "meta": {"result_count": 100, "next_token": "EVEN-OLDER"}},
    )
    cursor = json.dumps({"newest": known, "recent": [known]})
    first, second = pages(x_collector(), "dms", cursor)
    assert params(http.calls[0])["event_types"] == "MessageCreate"
    assert http.calls[0].request.headers["Authorization"].startswith("OAuth ")
    out = first.items[0]
    assert (out.kind, out.direction, out.thread_external_id) == ("dm", "out", f"{CITY_ID}-2002")
    inbound = first.items[1]
    assert (inbound.direction, inbound.author.handle) == ("in", "jeanne_marcq")
    assert inbound.created_at == snowflake_time(inbound.external_id)
    # tid(90) was not seen (within the hour below ``known``): collected; the rest known.
    assert [i.external_id for i in second.items] == [tid(90)]
    saved = json.loads(second.cursor)
    # The ids seen are kept over the 30 days X lists events (``dms.RETAINED``); the cursor
    # from before says from when its ids are complete (its oldest).
    assert saved["newest"] == burst[0]["id"] and known in saved["recent"]
    assert saved["covered"] == known
    assert len(http.calls) == 2  # stopped at the overlap floor, never asked for EVEN-OLDER


# ---------------------------------------------------------------- writing


def _mention(external_id: str) -> Item:
    return Item(
        "x",
        "x_ville",
        external_id,
        "mention",
        "in",
        "@marcqenbaroeul le bus ?",
        snowflake_time(external_id),
        author=Author("x", "2002", "jeanne_marcq"),
        thread_external_id=external_id,
    )


def test_reply_posts_a_reply_tweet_with_user_context_and_returns_the_out_item(http):
    to, posted = tid(10), tid(0)
    http.post(
        f"{API}/tweets",
        status=201,
        json={
            "data": {
                "id": posted,
                "text": "@jeanne_marcq Il repasse à 8h.",
                "edit_history_tweet_ids": [posted],
            }
        },
    )
    item = x_collector().reply(_mention(to), "@jeanne_marcq Il repasse à 8h.")
    call = http.calls[0]
    assert sent_json(call) == {
        "text": "@jeanne_marcq Il repasse à 8h.",
        "reply": {"in_reply_to_tweet_id": to},
    }
    assert call.request.headers["Authorization"].startswith("OAuth ")
    assert (item.external_id, item.kind, item.direction) == (posted, "reply", "out")
    assert item.parent_external_id == to and item.thread_external_id == to
    assert item.created_at == snowflake_time(posted)
    assert item.author.external_id == CITY_ID


def test_reply_to_a_dm_sends_a_dm_to_the_sender(http):
    dm = Item(
        "x",
        "x_ville",
        tid(10),
        "dm",
        "in",
        "Mon passeport ?",
        NOW,
        author=Author("x", "2002"),
        thread_external_id=f"{CITY_ID}-2002",
    )
    event = tid(0)
    http.post(
        f"{API}/dm_conversations/with/2002/messages",
        status=201,
        json={"data": {"dm_conversation_id": f"{CITY_ID}-2002", "dm_event_id": event}},
    )
    item = x_collector().reply(dm, "Prenez rendez-vous en mairie.")
    assert sent_json(http.calls[0]) == {"text": "Prenez rendez-vous en mairie."}
    assert (item.external_id, item.kind, item.direction) == (event, "dm", "out")
    assert (
        item.thread_external_id == f"{CITY_ID}-2002" and item.parent_external_id == dm.external_id
    )


def test_publish_sends_the_text_and_returns_the_id_without_blind_retries(http):
    posted = tid(0)
    http.post(f"{API}/tweets", status=201, json={"data": {"id": posted, "text": "x"}})
    post = OutgoingPost(
        "x_ville", "Jeudi de l'économie à 11h", marker="m", link="https://marcq.fr/eco"
    )
    assert x_collector().publish(post) == posted
    assert sent_json(http.calls[0]) == {"text": "Jeudi de l'économie à 11h\nhttps://marcq.fr/eco"}
    http.post(f"{API}/tweets", status=503, json={"title": "Service Unavailable"})
    with pytest.raises(TransientError, match="not retried"):
        x_collector().publish(post)
    assert len(http.calls) == 2


def test_find_published_matches_normalised_text_since_a_time(http):
    match, other = tid(30), tid(20)
    http.get(
        f"{API}/users/{CITY_ID}/tweets",
        json={
            "data": [
                {"id": other, "text": "Minute culturelle : le musée"},
                {"id": match, "text": "Jeudi  de l'ÉCONOMIE à 11h https://t.co/abc123"},
            ],
            "meta": {"result_count": 2},
        },
    )
    since = NOW - timedelta(hours=1)
    found = x_collector().find_published("jeudi de l'économie à 11h https://marcq.fr/eco", since)
    assert found == match
    sent = params(http.calls[0])
    assert sent["start_time"] == (since - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    http.get(f"{API}/users/{CITY_ID}/tweets", json=EMPTY)
    assert x_collector().find_published("jamais publié", since) is None


def test_find_reply_reads_the_city_tweets_for_a_reply_to_that_tweet(http):
    """WRITTEN: X API v2 ``GET /2/users/:id/tweets`` with ``referenced_tweets`` (the
    recorded answers hold no replies by the account): the city's reply, the same text
    answering another tweet, and a plain post."""
    to = _mention(tid(40))
    reply, elsewhere, post = tid(30), tid(25), tid(20)
    http.get(
        f"{API}/users/{CITY_ID}/tweets",
        json={
            "data": [
                {
                    "id": reply,
                    "text": "@jeanne_marcq Le bus 3 repasse à 9h https://t.co/abc",
                    "referenced_tweets": [{"type": "replied_to", "id": to.external_id}],
                },
                {
                    "id": elsewhere,
                    "text": "Le bus 3 repasse à 9h",
                    "referenced_tweets": [{"type": "replied_to", "id": tid(41)}],
                },
                {"id": post, "text": "Le bus 3 repasse à 9h"},
            ],
            "meta": {"result_count": 3},
        },
    )
    since = NOW - timedelta(hours=1)
    found = x_collector().find_reply(to, "Le bus 3 repasse à 9h", since)
    assert found is not None
    assert (found.external_id, found.direction, found.kind) == (reply, "out", "reply")
    assert found.parent_external_id == to.external_id
    sent = params(http.calls[0])
    assert "referenced_tweets" in sent["tweet.fields"]
    assert sent["start_time"] == (since - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert x_collector().find_reply(to, "Autre chose", since) is None
    dm = Item("x", "x_ville", "9", "dm", "in", "?", NOW, thread_external_id="c")
    calls = len(http.calls)
    assert x_collector().find_reply(dm, "Le bus", since) is None  # not looked for
    assert len(http.calls) == calls


# ---------------------------------------------------------------- doctor


def test_check_says_what_works_and_that_the_dm_permission_is_missing(http):
    http.get(
        f"{API}/users/by/username/marcqenbaroeul",
        json={"data": {"id": CITY_ID, "username": "marcqenbaroeul", "name": "Ville"}},
    )
    http.get(
        f"{API}/users/me",
        json={"data": {"id": CITY_ID, "username": "marcqenbaroeul"}},
        headers={"x-access-level": "read-write"},
    )
    results = x_collector().check()
    lines = dict((line.split(" : ")[1], ok) for ok, line in results[2:])
    assert [ok for ok, _ in results[:2]] == [True, True]
    assert lines == {
        "flux « mentions »": True,
        "flux « replies »": True,
        "flux « dms »": False,  # read-write only: no Direct Message permission
        "répondre et publier (images par POST /2/media/upload)": True,
    }
    dms = next(line for _, line in results if "« dms »" in line)
    assert "« Read and write and Direct message »" in dms and "« read-write »" in dms


def test_check_with_an_expired_bearer_and_no_user_keys(http):
    http.get(
        f"{API}/users/by/username/marcqenbaroeul",
        status=401,
        json={"title": "Unauthorized", "detail": "Unauthorized"},
    )
    collector = x_collector(access_token=None)
    results = collector.check()
    assert [ok for ok, _ in results[:2]] == [False, False]
    assert "expired or revoked" in results[0][1]
    assert "BEFFROI_X_USER_ACCESS_TOKEN" in results[1][1]
    dms = next(line for ok, line in results if "« dms »" in line and not ok)
    assert "clés utilisateur absentes" in dms
    assert (
        x_collector(bearer_token=None, access_token=None)
        .check()[0][1]
        .startswith("x_ville: no X credentials")
    )


def test_check_prints_the_id_when_external_id_is_not_configured(http):
    http.get(
        f"{API}/users/by/username/marcqenbaroeul",
        json={"data": {"id": "424242", "username": "marcqenbaroeul", "name": "Ville"}},
    )
    collector = x_collector(x_account(external_id=""), access_token=None)
    ok, message = collector.check()[1]
    assert not ok and 'external_id = "424242"' in message


def test_for_account_reads_secrets_from_the_named_variables(monkeypatch, http):
    from beffroi.collectors import build_collector
    from beffroi.config import Settings

    monkeypatch.setenv("BEFFROI_X_BEARER_TOKEN", "from-env-bearer")
    account = x_account()
    settings = Settings(city={"name": "Marcq"}, accounts=[account])
    collector = build_collector(settings, account)
    http.get(MENTIONS_URL, json=EMPTY)
    pages(collector, "mentions")
    assert http.calls[0].request.headers["Authorization"] == "Bearer from-env-bearer"


def test_a_resumed_replies_walk_keeps_the_query_it_started_with(http):
    since, post = tid(300), tid(100)
    cursor = json.dumps(
        {
            "since_id": since,
            "conversations": {post: NOW.isoformat(), "junk": "not a time", tid(90): 42},
            "walk": {
                "query": "(from:marcqenbaroeul) -is:retweet",
                "next_token": "P2",
                "pending_newest": tid(1),
            },
        }
    )
    http.get(SEARCH_URL, json=EMPTY)
    [page] = pages(x_collector(), "replies", cursor)
    sent = params(http.calls[0])
    assert sent["query"] == "(from:marcqenbaroeul) -is:retweet"  # X ties next_token to it
    assert sent["next_token"] == "P2" and sent["since_id"] == since
    state = json.loads(page.cursor)
    assert state["since_id"] == tid(1) and state["conversations"] == {post: NOW.isoformat()}


# Written from docs.x.com, "Upload media" (POST /2/media/upload, 2026): multipart ``media``
# with ``media_category``, answered ``{"data": {"id", "media_key", ...}}``.
UPLOAD_URL = "https://api.x.com/2/media/upload"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def test_publish_with_an_image_uploads_it_then_attaches_it(http, tmp_path):
    image = tmp_path / "braderie.png"
    image.write_bytes(PNG)
    http.post(UPLOAD_URL, status=500, json={"errors": [{"message": "Internal error"}]})
    http.post(
        UPLOAD_URL,
        json={
            "data": {
                "id": "1455952740635586573",
                "media_key": "3_1455952740635586573",
                "size": 72,
                "expires_after_secs": 86400,
                "image": {"image_type": "image/png", "w": 1, "h": 1},
            }
        },
    )
    http.post(f"{API}/tweets", status=201, json={"data": {"id": tid(0), "text": "x"}})
    post = OutgoingPost("x_ville", "La braderie, c'est dimanche", marker="m", image_path=str(image))
    assert x_collector().publish(post) == tid(0)
    upload = http.calls[1].request
    assert upload.headers["Authorization"].startswith("OAuth ") and PNG in upload.body
    assert b'name="media_category"\r\n\r\ntweet_image' in upload.body
    assert sent_json(http.calls[2]) == {
        "text": "La braderie, c'est dimanche",
        "media": {"media_ids": ["1455952740635586573"]},
    }
    assert len(http.calls) == 3  # the upload was retried once, the tweet sent once


def test_publish_with_a_missing_image_says_so_without_posting(http, tmp_path):
    post = OutgoingPost("x_ville", "Texte", marker="m", image_path=str(tmp_path / "nope.png"))
    with pytest.raises(PermanentError, match="nope.png does not exist"):
        x_collector().publish(post)
    assert len(http.calls) == 0


def test_a_since_id_older_than_the_search_window_is_dropped_not_sent(http):
    stale = tid(60 * 24 * 8)
    http.get(SEARCH_URL, json=body([tweet(tid(5), "@marcqenbaroeul coucou", "2002")]))
    [page] = pages(x_collector(), "replies", json.dumps({"since_id": stale}))
    assert "since_id" not in params(http.calls[0])
    assert json.loads(page.cursor)["since_id"] == tid(5)
