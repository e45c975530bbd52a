"""The Facebook ``engagement`` stream: who reacted to the Page's recent posts.

A local imitation of the Graph API at the HTTP layer (``responses``): python-facebook-api
builds, sends and parses every request. Bodies are shaped like Graph's answers: a post's
``reactions.summary(total_count).limit(0)`` is ``{"data": [], "summary": {...}}``, and
``/{post}/reactions`` pages with ``paging.cursors`` and ``paging.next``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from beffroi.collectors import Author, Interaction, RateLimited
from beffroi.collectors.facebook import FacebookCollector
from beffroi.config import Account
from beffroi.scheduler.collection import collect_stream
from beffroi.store import from_db, get_cursor
from tests.collectors.graph_http import (
    GRAPH,
    NOW,
    PAGE,
    TOKEN,
    Clock,
    add,
    graph_error,
    page_collector,
    query,
    stamp,
)
from tests.collectors.passes import called, collect_engagement

POST_A, POST_B, POST_C = f"{PAGE}_5001", f"{PAGE}_5002", f"{PAGE}_5003"
CAMILLE = {"id": "42", "name": "Camille Martin", "type": "LIKE"}
LEA = {"id": "43", "name": "Léa Dubois", "type": "LOVE"}
MARC = {"id": "44", "name": "Marc Leroy", "type": "HAHA"}
POSTED = datetime(2026, 11, 18, 9, 0, tzinfo=UTC)  # stamp(18, 9)
THE_PAGE = {"id": PAGE, "name": "Ville de Marcq-en-Barœul", "type": "LIKE"}


@pytest.fixture
def clock():
    return Clock()


def collector(clock, sleeps, **kwargs) -> FacebookCollector:
    kwargs.setdefault("streams", ["engagement"])
    return page_collector(clock, sleeps, **kwargs)


@pytest.fixture
def fb(clock, sleeps):
    return collector(clock, sleeps)


def post(post_id: str, when: str, reactions: int | None, shares: int | None = None) -> dict:
    raw = {
        "id": post_id,
        "created_time": when,
        "permalink_url": f"https://www.facebook.com/{PAGE}/posts/{post_id.split('_')[1]}",
    }
    if reactions is not None:
        raw["reactions"] = {
            "data": [],
            "summary": {"total_count": reactions, "viewer_reaction": "NONE"},
        }
    if shares:
        raw["shares"] = {"count": shares}
    return raw


def posts(*raws: dict, next_url: str | None = None) -> dict:
    body: dict = {"data": list(raws), "paging": {"cursors": {"before": "QVFIUb4", "after": "QVFIUa9"}}}  # fmt: skip
    if next_url:
        body["paging"]["next"] = next_url
    return body


def reactions(*people: dict, after: str | None = None, post_id: str = POST_A) -> dict:
    body: dict = {"data": list(people)}
    if people:
        body["paging"] = {"cursors": {"before": "QVFIUmJ", "after": after or "QVFIUend"}}
    if after:
        body["paging"]["next"] = (
            f"{GRAPH}{post_id}/reactions?access_token={TOKEN}&fields=id%2Cname%2Ctype"
            f"&limit=100&after={after}"
        )
    return body


def test_first_pass_collects_who_reacted_and_skips_the_page_itself(rsps, fb):
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 3, shares=4), post(POST_B, stamp(19, 8), 0)))  # fmt: skip
    add(rsps, "GET", f"{POST_A}/reactions", reactions(CAMILLE, THE_PAGE, LEA))
    pages, interactions = collect_engagement(fb)

    assert called(rsps, GRAPH) == [f"{PAGE}/posts", f"{POST_A}/reactions"]
    sent = query(rsps.calls[0])
    assert sent["fields"] == "id,created_time,permalink_url,reactions.summary(total_count).limit(0)"
    assert sent["since"] == str(int((NOW - timedelta(days=14)).timestamp()))
    assert query(rsps.calls[1])["fields"] == "id,name,type"
    assert query(rsps.calls[1])["limit"] == "100"
    posted = POSTED
    link = f"https://www.facebook.com/{PAGE}/posts/5001"
    assert interactions == [
        Interaction("facebook", "facebook_ville", "reaction", Author("facebook", "42", None, "Camille Martin"), POST_A, posted, link),
        Interaction("facebook", "facebook_ville", "reaction", Author("facebook", "43", None, "Léa Dubois"), POST_A, posted, link),
    ]  # fmt: skip
    assert sum(p.api_calls for p in pages) == 2 and all(p.items == [] for p in pages)
    state = json.loads(pages[-1].cursor)
    assert state["posts"][POST_A] == {"seen": 3, "refreshed": NOW.isoformat()}
    assert state["posts"][POST_B] == {}  # no reaction yet: nothing asked
    assert TOKEN not in pages[-1].cursor


def test_unchanged_totals_make_no_reactions_call(rsps, fb):
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 2)))
    add(rsps, "GET", f"{POST_A}/reactions", reactions(CAMILLE, LEA))
    pages, _ = collect_engagement(fb)
    again, interactions = collect_engagement(fb, pages[-1].cursor)
    assert called(rsps, GRAPH)[2:] == [f"{PAGE}/posts"]
    assert interactions == [] and [p.api_calls for p in again] == [1]
    assert json.loads(again[-1].cursor) == json.loads(pages[-1].cursor)

    # One more reaction: that post's list only is read again.
    rsps.replace("GET", GRAPH + f"{PAGE}/posts", json=posts(post(POST_A, stamp(18, 9), 3)))
    rsps.replace("GET", GRAPH + f"{POST_A}/reactions", json=reactions(MARC, CAMILLE, LEA))
    pages, interactions = collect_engagement(fb, again[-1].cursor)
    assert called(rsps, GRAPH)[3:] == [f"{PAGE}/posts", f"{POST_A}/reactions"]
    assert json.loads(pages[-1].cursor)["posts"][POST_A]["seen"] == 3


def test_reactions_are_paged_and_each_page_saves_its_position(rsps, fb):
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 3)))
    add(rsps, "GET", f"{POST_A}/reactions", reactions(CAMILLE, LEA, after="QVFIUpage2"))
    add(rsps, "GET", f"{POST_A}/reactions", reactions(MARC))
    pages, interactions = collect_engagement(fb)
    assert "after" not in query(rsps.calls[1])
    assert query(rsps.calls[2])["after"] == "QVFIUpage2"
    assert [i.author.external_id for i in interactions] == ["42", "43", "44"]
    first, last = (json.loads(p.cursor) for p in pages)
    assert first["walk"] == {"post": POST_A, "after": "QVFIUpage2"}
    assert "seen" not in first["posts"][POST_A]
    assert "walk" not in last and last["posts"][POST_A]["seen"] == 3
    assert all(TOKEN not in p.cursor for p in pages)


def test_the_posts_list_is_paged_too(rsps, fb):
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_B, stamp(19, 8), 0), next_url=f"{GRAPH}{PAGE}/posts?access_token={TOKEN}&after=QVFIUa9"))  # fmt: skip
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 0)))
    pages, _ = collect_engagement(fb)
    assert query(rsps.calls[1])["after"] == "QVFIUa9"
    assert set(json.loads(pages[-1].cursor)["posts"]) == {POST_A, POST_B}
    assert pages[-1].api_calls == 2


def test_at_most_posts_per_pass_are_read_least_recently_read_first(rsps, clock, sleeps):
    fb = collector(clock, sleeps, engagement_posts_per_pass=2)
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_C, stamp(19, 9), 1), post(POST_B, stamp(18, 9), 1), post(POST_A, stamp(17, 9), 1)))  # fmt: skip
    for post_id in (POST_A, POST_B, POST_C):
        add(rsps, "GET", f"{post_id}/reactions", reactions(CAMILLE))

    def read(cursor=None):
        before = len(rsps.calls)
        pages, _ = collect_engagement(fb, cursor)
        done = [p.split("/")[0] for p in called(rsps, GRAPH)[before:] if p.endswith("/reactions")]
        return done, pages[-1].cursor

    done, cursor = read()
    assert done == [POST_A, POST_B]
    clock.value = NOW + timedelta(minutes=5)
    done, cursor = read(cursor)
    assert done == [POST_C]
    clock.value = NOW + timedelta(minutes=10)
    done, _ = read(cursor)
    assert done == []


def test_a_rate_limit_mid_list_keeps_the_saved_pages_and_resumes_there(rsps, db, fb):
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 3)))
    add(rsps, "GET", f"{POST_A}/reactions", reactions(CAMILLE, LEA, after="QVFIUpage2"))
    add(rsps, "GET", f"{POST_A}/reactions", graph_error(4, "Application request limit reached"), status=400)  # fmt: skip
    report = collect_stream(db, fb, "engagement", now=lambda: NOW)
    assert (report.status, report.error_kind, report.new) == ("error", "rate_limited", 2)
    state = json.loads(get_cursor(db, "facebook_ville", "engagement"))
    assert state["walk"] == {"post": POST_A, "after": "QVFIUpage2"}

    rsps.replace("GET", GRAPH + f"{POST_A}/reactions", json=reactions(MARC))
    before = len(rsps.calls)
    report = collect_stream(db, fb, "engagement", now=lambda: NOW + timedelta(hours=1))
    assert (report.status, report.new) == ("ok", 1)
    assert query(rsps.calls[-1])["after"] == "QVFIUpage2" and len(rsps.calls) - before == 2
    assert db.execute("SELECT count(*) FROM interactions").fetchone()[0] == 3


def test_a_rate_limit_on_the_posts_list_raises_and_moves_nothing(rsps, fb):
    add(rsps, "GET", f"{PAGE}/posts", graph_error(613, "Calls to this api have exceeded the rate limit."), status=400)  # fmt: skip
    with pytest.raises(RateLimited):
        collect_engagement(fb, json.dumps({"posts": {POST_A: {"seen": 1}}}))


def test_a_stale_paging_cursor_restarts_the_list(rsps, fb):
    cursor = json.dumps({"posts": {POST_A: {}}, "walk": {"post": POST_A, "after": "gone"}})
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 2)))
    add(rsps, "GET", f"{POST_A}/reactions", graph_error(100, "Invalid cursor"), status=400)
    add(rsps, "GET", f"{POST_A}/reactions", reactions(CAMILLE, LEA))
    pages, interactions = collect_engagement(fb, cursor)
    assert query(rsps.calls[1])["after"] == "gone" and "after" not in query(rsps.calls[2])
    assert len(interactions) == 2 and json.loads(pages[-1].cursor)["posts"][POST_A]["seen"] == 2


def test_running_twice_stores_each_reaction_once(rsps, db, fb):
    add(rsps, "GET", f"{PAGE}/posts", posts(post(POST_A, stamp(18, 9), 3)))
    add(rsps, "GET", f"{POST_A}/reactions", reactions(CAMILLE, THE_PAGE, LEA))
    for _ in range(2):
        db.execute("DELETE FROM cursors")  # as after a lost cursor: everything read again
        report = collect_stream(db, fb, "engagement", now=lambda: NOW)
        assert report.status == "ok"
    rows = db.execute(
        "SELECT m.external_id, m.display_name, i.kind, i.target_external_id, i.created_at"
        " FROM interactions i JOIN members m ON m.id = i.member_id ORDER BY 1"
    ).fetchall()
    assert [tuple(r)[:4] for r in rows] == [
        ("42", "Camille Martin", "reaction", POST_A),
        ("43", "Léa Dubois", "reaction", POST_A),
    ]
    assert {from_db(r["created_at"]) for r in rows} == {POSTED}
    assert (
        db.execute("SELECT count(*) FROM members WHERE external_id = ?", (PAGE,)).fetchone()[0] == 0
    )


def test_engagement_is_offered_only_when_configured_and_settings_reach_it(clock, sleeps):
    assert "engagement" not in collector(clock, sleeps, streams=None).streams()
    account = Account(
        key="facebook_ville",
        network="facebook",
        handle="VilledeMarcq",
        external_id=PAGE,
        streams=["posts", "engagement"],
        engagement_days=3,
        engagement_posts_per_pass=1,
    )
    built = FacebookCollector.for_account(None, account)
    assert built.streams() == ["posts", "engagement"]
    assert (built.engagement_days, built.engagement_posts_per_pass) == (3, 1)
