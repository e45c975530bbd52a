"""The X ``engagement`` stream: who retweeted, quoted or liked the city's recent tweets.

HTTP is intercepted with ``responses`` (tweepy's own ``requests`` session sends every
request); bodies are shaped like X API v2's answers (``data``, ``includes.users``, ``meta``
with ``result_count`` and ``next_token``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import AuthExpired, Author, Interaction, PermanentError
from beffroi.collectors.x.payloads import snowflake_time
from beffroi.inbox import ingest_page
from beffroi.scheduler.collection import collect_stream
from beffroi.store import from_db, get_cursor
from tests.collectors.graph_http import Clock
from tests.collectors.passes import called, collect_engagement
from tests.collectors.x_http import (
    API,
    CITY_ID,
    NOW,
    params,
    tid,
    x_account,
    x_collector,
)

TIMELINE_URL = f"{API}/users/{CITY_ID}/tweets"
JEANNE = {"id": "2002", "name": "Jeanne", "username": "jeanne_marcq"}
PAUL = {"id": "2003", "name": "Paul", "username": "paul59"}
LEA = {"id": "2004", "name": "Léa", "username": "lea_mqb"}
CITY = {"id": CITY_ID, "name": "Ville de Marcq-en-Barœul", "username": "marcqenbaroeul"}


def url(tweet_id: str, endpoint: str) -> str:
    return f"{API}/tweets/{tweet_id}/{endpoint}"


def city_tweet(tweet_id: str, retweets=0, quotes=0, likes=0, metrics=True) -> dict:
    """A tweet of the city's timeline as ``tweet.fields=created_at,public_metrics`` gives it."""
    payload = {
        "id": tweet_id,
        "text": "Marché de Noël place du Général de Gaulle samedi",
        "created_at": snowflake_time(tweet_id).strftime("%Y-%m-%dT%H:%M:%S.000Z"),
        "edit_history_tweet_ids": [tweet_id],
    }
    if metrics:
        payload["public_metrics"] = {
            "retweet_count": retweets,
            "reply_count": 0,
            "like_count": likes,
            "quote_count": quotes,
            "bookmark_count": 0,
            "impression_count": 420,
        }
    return payload


def timeline(*tweets: dict, next_token: str | None = None) -> dict:
    if not tweets:
        return {"meta": {"result_count": 0}}
    ids = sorted((t["id"] for t in tweets), key=int)
    meta = {"result_count": len(tweets), "newest_id": ids[-1], "oldest_id": ids[0]}
    if next_token:
        meta["next_token"] = next_token
    return {"data": list(tweets), "meta": meta}


def users(*people: dict, next_token: str | None = None) -> dict:
    """A ``retweeted_by`` or ``liking_users`` page."""
    meta: dict = {"result_count": len(people)}
    if next_token:
        meta["next_token"] = next_token
    return {"data": list(people), "meta": meta} if people else {"meta": meta}


def quotes(*authors: dict) -> dict:
    """A ``quote_tweets`` page with ``expansions=author_id``."""
    data = [
        {
            "id": tid(3, seq),
            "text": f"Allez-y nombreux ! {seq}",
            "author_id": person["id"],
            "edit_history_tweet_ids": [tid(3, seq)],
        }
        for seq, person in enumerate(authors, start=1)
    ]
    return {"data": data, "includes": {"users": list(authors)}, "meta": {"result_count": len(data)}}


def engagement_collector(clock=None, **account):
    account.setdefault("streams", ["engagement"])
    collector = x_collector(x_account(**account))
    if clock is not None:
        collector.now = clock
    return collector


def test_first_pass_collects_retweeters_quoters_and_likers_of_changed_tweets(rsps):
    busy, quiet = tid(600), tid(300)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(quiet), city_tweet(busy, 2, 1, 3)))
    rsps.get(url(busy, "retweeted_by"), json=users(JEANNE, PAUL))
    rsps.get(url(busy, "quote_tweets"), json=quotes(LEA))
    rsps.get(url(busy, "liking_users"), json=users(JEANNE, CITY, LEA))
    pages, interactions = collect_engagement(engagement_collector())

    assert called(rsps, API) == [
        f"/users/{CITY_ID}/tweets",
        f"/tweets/{busy}/retweeted_by",
        f"/tweets/{busy}/quote_tweets",
        f"/tweets/{busy}/liking_users",
    ]
    sent = params(rsps.calls[0])
    assert sent["exclude"] == "retweets,replies"
    assert sent["start_time"] == (NOW - timedelta(days=14)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(sent["tweet.fields"].split(",")) == {"created_at", "public_metrics"}
    for call in rsps.calls[1:]:
        assert params(call)["user.fields"] == "username,name"
        assert params(call)["max_results"] == "100"
    assert params(rsps.calls[2])["expansions"] == "author_id"

    posted = snowflake_time(busy).replace(microsecond=0)
    link = f"https://x.com/marcqenbaroeul/status/{busy}"
    assert interactions == [
        Interaction("x", "x_ville", "share", Author("x", "2002", "jeanne_marcq", "Jeanne"), busy, posted, link),
        Interaction("x", "x_ville", "share", Author("x", "2003", "paul59", "Paul"), busy, posted, link),
        Interaction("x", "x_ville", "share", Author("x", "2004", "lea_mqb", "Léa"), busy, posted, link),
        Interaction("x", "x_ville", "reaction", Author("x", "2002", "jeanne_marcq", "Jeanne"), busy, posted, link),
        Interaction("x", "x_ville", "reaction", Author("x", "2004", "lea_mqb", "Léa"), busy, posted, link),
    ]  # fmt: skip
    assert all(p.items == [] for p in pages)
    assert sum(p.api_calls for p in pages) == 4
    state = json.loads(pages[-1].cursor)
    assert state["tweets"][busy]["seen"] == {"retweets": 2, "quotes": 1, "likes": 3}
    assert state["tweets"][quiet]["seen"] == {}
    # Every page carries the position after it: the retweeters' page already knows them.
    assert json.loads(pages[0].cursor)["tweets"][busy]["seen"] == {"retweets": 2}


def test_second_pass_with_unchanged_counts_makes_only_the_timeline_call(rsps):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, 1, 0, 1)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(JEANNE))
    rsps.get(url(tweet_id, "liking_users"), json=users(PAUL))
    collector = engagement_collector()
    pages, _ = collect_engagement(collector)
    assert len(rsps.calls) == 3

    again, interactions = collect_engagement(collector, pages[-1].cursor)
    assert len(rsps.calls) == 4 and called(rsps, API)[-1] == f"/users/{CITY_ID}/tweets"
    assert interactions == [] and len(again) == 1 and again[0].api_calls == 1
    assert json.loads(again[0].cursor)["tweets"] == json.loads(pages[-1].cursor)["tweets"]


def test_a_count_change_refreshes_only_that_list(rsps):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, 1, 1, 1)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(JEANNE))
    rsps.get(url(tweet_id, "quote_tweets"), json=quotes(PAUL))
    rsps.get(url(tweet_id, "liking_users"), json=users(JEANNE))
    collector = engagement_collector()
    pages, _ = collect_engagement(collector)

    rsps.replace("GET", TIMELINE_URL, json=timeline(city_tweet(tweet_id, 1, 1, 2)))
    rsps.replace("GET", url(tweet_id, "liking_users"), json=users(LEA, JEANNE))
    before = len(rsps.calls)
    pages, interactions = collect_engagement(collector, pages[-1].cursor)
    assert called(rsps, API)[before:] == [
        f"/users/{CITY_ID}/tweets",
        f"/tweets/{tweet_id}/liking_users",
    ]
    assert [(i.kind, i.author.handle) for i in interactions] == [
        ("reaction", "lea_mqb"),
        ("reaction", "jeanne_marcq"),
    ]
    assert json.loads(pages[-1].cursor)["tweets"][tweet_id]["seen"]["likes"] == 2


def test_lists_are_paged_with_next_token_and_each_page_saves_its_position(rsps):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, retweets=3)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(JEANNE, PAUL, next_token="7140dibdnow9c7"))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(LEA))
    pages, interactions = collect_engagement(engagement_collector())

    assert [c.request.url.count("pagination_token") for c in rsps.calls] == [0, 0, 1]
    assert params(rsps.calls[2])["pagination_token"] == "7140dibdnow9c7"
    assert [i.author.external_id for i in interactions] == ["2002", "2003", "2004"]
    first, last = (json.loads(p.cursor) for p in pages)
    assert first["walk"] == {
        "tweet": tweet_id,
        "endpoint": "retweets",
        "next_token": "7140dibdnow9c7",
    }
    assert "retweets" not in first["tweets"][tweet_id]["seen"]
    assert "walk" not in last and last["tweets"][tweet_id]["seen"] == {"retweets": 3}


def test_likers_are_read_with_the_user_keys_once_and_never_paged_past_xs_ceiling(rsps):
    """Written from docs.x.com (Likes lookup, 2026): ``GET /2/tweets/:id/liking_users``
    answers in user context only and lists at most 100 accounts per post, ever."""
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, likes=250)))
    likers = [{"id": str(3000 + n), "name": f"P{n}", "username": f"p{n}"} for n in range(100)]
    rsps.get(url(tweet_id, "liking_users"), json=users(*likers, next_token="7140dibdnow9c7"))
    pages, interactions = collect_engagement(engagement_collector())
    assert len(rsps.calls) == 2 and len(interactions) == 100
    assert rsps.calls[1].request.headers["Authorization"].startswith("OAuth ")
    assert "walk" not in json.loads(pages[-1].cursor)  # the count is collected: 250 seen
    assert json.loads(pages[-1].cursor)["tweets"][tweet_id]["seen"] == {"likes": 250}


def test_without_user_keys_likes_are_not_asked_and_the_pass_says_which_keys_to_set(rsps):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, retweets=1, likes=2)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(PAUL))
    collector = x_collector(x_account(streams=["engagement"]), consumer_key=None)
    pages = []
    with pytest.raises(AuthExpired, match="liking_users needs the user-context keys") as caught:
        for page in collector.fetch("engagement", None):
            pages.append(page)
    assert "BEFFROI_X_CONSUMER_KEY" in str(caught.value)
    assert [p.split("/")[-1] for p in called(rsps, API)] == ["tweets", "retweeted_by"]
    assert rsps.calls[0].request.headers["Authorization"].startswith("Bearer ")
    assert [i.author.handle for p in pages for i in p.interactions] == ["paul59"]


def test_the_city_timeline_itself_is_paged(rsps):
    old, new = tid(900), tid(60)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(new), next_token="page2"))
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(old)))
    pages, _ = collect_engagement(engagement_collector())
    assert params(rsps.calls[1])["pagination_token"] == "page2"
    assert set(json.loads(pages[-1].cursor)["tweets"]) == {old, new}
    assert pages[-1].api_calls == 2


def test_tweets_older_than_the_window_are_forgotten(rsps):
    kept, gone = tid(600), tid(60 * 24 * 20)
    cursor = json.dumps({"tweets": {gone: {"seen": {"likes": 4}}, kept: {"seen": {"likes": 1}}}})
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(kept, likes=1)))
    pages, _ = collect_engagement(engagement_collector(), cursor)
    assert set(json.loads(pages[-1].cursor)["tweets"]) == {kept}


def test_at_most_posts_per_pass_tweets_are_refreshed_least_recently_refreshed_first(rsps):
    clock = Clock(NOW)
    a, b, c = tid(900), tid(600), tid(300)
    for tweet_id in (a, b, c):
        rsps.get(url(tweet_id, "liking_users"), json=users(JEANNE))
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(c, likes=1), city_tweet(b, likes=1), city_tweet(a, likes=1)))  # fmt: skip
    collector = engagement_collector(clock, engagement_posts_per_pass=2)

    def refreshed(cursor=None):
        before = len(rsps.calls)
        pages, _ = collect_engagement(collector, cursor)
        done = [p.split("/")[2] for p in called(rsps, API)[before:] if "liking_users" in p]
        return done, pages[-1].cursor

    done, cursor = refreshed()
    assert done == [a, b]  # never refreshed, oldest tweet first; c waits
    clock.value = NOW + timedelta(minutes=5)
    done, cursor = refreshed(cursor)
    assert done == [c]
    # Everything moves: c was refreshed last, so a and b go first again.
    clock.value = NOW + timedelta(minutes=10)
    rsps.replace("GET", TIMELINE_URL, json=timeline(city_tweet(c, likes=2), city_tweet(b, likes=2), city_tweet(a, likes=2)))  # fmt: skip
    done, cursor = refreshed(cursor)
    assert done == [a, b]
    clock.value = NOW + timedelta(minutes=15)
    done, _ = refreshed(cursor)
    assert done == [c]


# ---------------------------------------------------------------- errors


LIKES_FORBIDDEN = {
    "client_id": "28719443",
    "detail": "When authenticating requests to the Twitter API v2 endpoints, you must use keys "
    "and tokens from a Twitter developer App that is attached to a Project.",
    "registration_url": "https://developer.twitter.com/en/docs/projects/overview",
    "title": "Client Forbidden",
    "required_enrollment": "Appropriate Level of API Access",
    "reason": "client-not-enrolled",
    "type": "https://api.twitter.com/2/problems/client-forbidden",
}


def test_a_403_on_liking_users_keeps_the_retweets_and_is_reported(rsps, db):
    tweet_id = tid(600)
    clock = Clock(NOW)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, retweets=1, likes=2)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(PAUL))
    rsps.get(url(tweet_id, "liking_users"), status=403, json=LIKES_FORBIDDEN)
    collector = engagement_collector(clock)

    report = collect_stream(db, collector, "engagement", now=clock)
    assert (report.status, report.error_kind, report.new, report.api_calls) == (
        "error",
        "auth_expired",
        1,
        3,
    )
    assert "X refuses liking_users to this app (403 When authenticating" in report.error
    assert "retweeted_by, quote_tweets are still collected" in report.error
    stored = db.execute(
        "SELECT m.handle, i.kind FROM interactions i JOIN members m ON m.id = i.member_id"
    ).fetchall()
    assert [tuple(r) for r in stored] == [("paul59", "share")]
    state = json.loads(get_cursor(db, "x_ville", "engagement"))
    assert state["tweets"][tweet_id]["seen"] == {"retweets": 1}
    assert set(state["refused"]) == {"likes"}

    # Within a day, liking_users is not asked again (no request is spent), and still said.
    clock.value = NOW + timedelta(hours=2)
    rsps.replace("GET", TIMELINE_URL, json=timeline(city_tweet(tweet_id, retweets=1, likes=5)))
    before = len(rsps.calls)
    report = collect_stream(db, collector, "engagement", now=clock)
    assert called(rsps, API)[before:] == [f"/users/{CITY_ID}/tweets"]
    assert report.error_kind == "auth_expired" and "liking_users" in report.error

    # A day later it is tried again, and works (the app's access level was raised).
    clock.value = NOW + timedelta(days=1, minutes=5)
    rsps.replace("GET", url(tweet_id, "liking_users"), json=users(JEANNE))
    report = collect_stream(db, collector, "engagement", now=clock)
    assert (report.status, report.new) == ("ok", 1)
    assert json.loads(get_cursor(db, "x_ville", "engagement"))["refused"] == {}


def test_a_403_that_is_not_about_permissions_is_a_permanent_error_after_the_other_lists(rsps):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, quotes=1, likes=1)))
    rsps.get(url(tweet_id, "quote_tweets"), status=403, json={"title": "Forbidden", "detail": "Forbidden", "type": "about:blank", "status": 403})  # fmt: skip
    rsps.get(url(tweet_id, "liking_users"), json=users(LEA))
    pages = []
    with pytest.raises(PermanentError, match="quote_tweets") as caught:
        for page in engagement_collector().fetch("engagement", None):
            pages.append(page)
    assert not isinstance(caught.value, AuthExpired)
    assert [i.author.handle for p in pages for i in p.interactions] == ["lea_mqb"]
    assert json.loads(pages[-1].cursor)["tweets"][tweet_id]["seen"] == {"likes": 1}


def test_a_429_gives_rate_limited_and_the_saved_pages_keep_their_cursor(rsps, db):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, retweets=3, likes=1)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(JEANNE, next_token="next-retweeters"))
    rsps.get(
        url(tweet_id, "retweeted_by"),
        status=429,
        json={
            "title": "Too Many Requests",
            "detail": "Too Many Requests",
            "type": "about:blank",
            "status": 429,
        },  # fmt: skip
        headers={"x-rate-limit-remaining": "0", "x-rate-limit-reset": "1795608000"},
    )
    rsps.get(url(tweet_id, "liking_users"), json=users(PAUL))
    collector = engagement_collector()
    report = collect_stream(db, collector, "engagement", now=lambda: NOW)
    assert (report.status, report.error_kind, report.new) == ("error", "rate_limited", 1)
    assert report.retry_after == datetime.fromtimestamp(1795608000, UTC)
    state = json.loads(get_cursor(db, "x_ville", "engagement"))
    assert state["tweets"][tweet_id]["seen"] == {}
    assert state["walk"] == {
        "tweet": tweet_id,
        "endpoint": "retweets",
        "next_token": "next-retweeters",
    }

    # After the reset, the list resumes at its next page, then the likers are read.
    rsps.replace("GET", url(tweet_id, "retweeted_by"), json=users(LEA))
    before = len(rsps.calls)
    pages, interactions = collect_engagement(collector, get_cursor(db, "x_ville", "engagement"))
    assert called(rsps, API)[before:] == [
        f"/users/{CITY_ID}/tweets",
        f"/tweets/{tweet_id}/retweeted_by",
        f"/tweets/{tweet_id}/liking_users",
    ]
    assert params(rsps.calls[before + 1])["pagination_token"] == "next-retweeters"
    assert [i.author.handle for i in interactions] == ["lea_mqb", "paul59"]


def test_a_page_token_x_no_longer_accepts_restarts_that_list(rsps):
    tweet_id = tid(600)
    cursor = json.dumps(
        {
            "tweets": {tweet_id: {"seen": {}, "refreshed": NOW.isoformat()}},
            "walk": {"tweet": tweet_id, "endpoint": "likes", "next_token": "expired"},
        }
    )
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, likes=2)))
    rsps.get(url(tweet_id, "liking_users"), status=400, json={"title": "Invalid Request", "detail": "bad pagination_token", "type": "https://api.twitter.com/2/problems/invalid-request"})  # fmt: skip
    rsps.get(url(tweet_id, "liking_users"), json=users(JEANNE, PAUL))
    pages, interactions = collect_engagement(engagement_collector(), cursor)
    assert "pagination_token" not in params(rsps.calls[-1])
    assert len(interactions) == 2
    assert json.loads(pages[-1].cursor)["tweets"][tweet_id]["seen"] == {"likes": 2}


def test_counts_x_left_out_are_read_once(rsps):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, metrics=False)))
    for endpoint in ("retweeted_by", "liking_users"):
        rsps.get(url(tweet_id, endpoint), json=users(JEANNE))
    rsps.get(url(tweet_id, "quote_tweets"), json={"meta": {"result_count": 0}})
    collector = engagement_collector()
    pages, interactions = collect_engagement(collector)
    assert len(rsps.calls) == 4 and len(interactions) == 2
    collect_engagement(collector, pages[-1].cursor)
    assert len(rsps.calls) == 5  # only the timeline


# ---------------------------------------------------------------- into SQLite


def test_running_twice_stores_each_interaction_once(rsps, db):
    tweet_id = tid(600)
    rsps.get(TIMELINE_URL, json=timeline(city_tweet(tweet_id, retweets=1, quotes=1, likes=2)))
    rsps.get(url(tweet_id, "retweeted_by"), json=users(JEANNE))
    rsps.get(url(tweet_id, "quote_tweets"), json=quotes(JEANNE))
    rsps.get(url(tweet_id, "liking_users"), json=users(JEANNE, PAUL))
    collector = engagement_collector()
    for _ in range(2):  # the second run starts afresh, as after a lost cursor
        for page in collector.fetch("engagement", None):
            ingest_page(db, "x_ville", "engagement", page, now=NOW)
    rows = db.execute(
        "SELECT m.external_id, m.handle, i.kind, i.target_external_id, i.created_at, i.permalink"
        " FROM interactions i JOIN members m ON m.id = i.member_id ORDER BY m.external_id, i.kind"
    ).fetchall()
    posted = snowflake_time(tweet_id).replace(microsecond=0)
    assert [tuple(r)[:4] for r in rows] == [
        ("2002", "jeanne_marcq", "reaction", tweet_id),
        ("2002", "jeanne_marcq", "share", tweet_id),  # a retweet and a quote: one share
        ("2003", "paul59", "reaction", tweet_id),
    ]
    assert {from_db(r["created_at"]) for r in rows} == {posted}
    assert {r["permalink"] for r in rows} == {f"https://x.com/marcqenbaroeul/status/{tweet_id}"}
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 2
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0


def test_engagement_is_offered_but_only_collected_when_configured():
    assert "engagement" not in x_collector().streams()
    assert engagement_collector().streams() == ["engagement"]
    with_it = x_collector(x_account(streams=["mentions", "engagement"]))
    assert with_it.streams() == ["mentions", "engagement"]
