"""Collectors meet reality (issue 12): recorded Graph payloads from ../shared/fixtures/meta,
each with one change, through the real collectors over HTTP and the real runner into a real
SQLite file. Each test was written first and failed on the code before its fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from beffroi.collectors import PermanentError
from beffroi.collectors.facebook import FacebookCollector
from beffroi.collectors.graph import parse_time
from beffroi.collectors.instagram import InstagramCollector
from beffroi.scheduler import collect_all
from beffroi.store import get_cursor
from tests.collectors.graph_http import GRAPH, TOKEN, Clock, Sleeps
from tests.collectors.test_meta_recorded import (
    FB_COMMENTS,
    FB_PAGE,
    IG_USER,
    THREAD,
    serve_first_media_page,
)
from tests.collectors.test_meta_recorded import path_of as recorded_path
from tests.conftest import shared_fixture

NOW = datetime(2021, 8, 20, 12, 0, tzinfo=UTC)


def recorded(name: str):
    return json.loads(shared_fixture(f"meta/{name}").read_text(encoding="utf-8"))


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def fb(*streams: str) -> FacebookCollector:
    collector = FacebookCollector("facebook_ville", account_id=FB_PAGE, token=TOKEN,
                                  sleep=Sleeps(), now=Clock(NOW))  # fmt: skip
    collector._streams = list(streams)
    collector.HISTORY_DAYS = 4000  # the recorded posts reach back to 2020
    return collector


def ig(*streams: str) -> InstagramCollector:
    collector = InstagramCollector("instagram_ville", account_id=IG_USER, token=TOKEN,
                                   handle="marcqenbaroeul", sleep=Sleeps(), now=Clock(NOW))  # fmt: skip
    collector.HISTORY_DAYS = 4000  # the Instagram recordings reach back to 2018
    collector._streams = list(streams)
    return collector


def comments_run(rsps, db, comments: list) -> tuple:
    """The ``comments`` stream over one recorded post holding ``comments`` (one page):
    the run's report and the reasons of what was rejected."""
    block = dict(recorded("facebook/comments/comments_p1.json"), data=comments, paging={})
    rsps.get(GRAPH + f"{FB_PAGE}/feed", json={"data": [{"id": THREAD, "comments": block}]})
    collector = fb("comments")
    collector.COMMENTS_PER_POST = 10
    [report] = collect_all(db, [collector], now=lambda: NOW)
    return report, [r[0] for r in db.execute("SELECT reason FROM rejected_payloads")]


def stored_ids(db) -> list[str]:
    return sorted(r[0] for r in db.execute("SELECT external_id FROM items"))


# ------------------------------------------------------------------ no page in hand lost


def test_a_graph_error_on_the_next_page_keeps_the_facebook_page_in_hand(rsps, db):
    """comments_p1 arrives; its ``paging.next`` answers the recorded error 100. The ten
    comments in hand are stored, the run says why it stopped, the cursor does not move."""
    p1 = recorded("facebook/comments/comments_p1.json")
    rsps.get(GRAPH + f"{FB_PAGE}/feed", json={"data": [{"id": THREAD, "comments": p1}]})
    rsps.get(recorded_path(p1["paging"]["next"]), json=recorded("base/error_data.json"), status=400)
    collector = fb("comments")
    collector.COMMENTS_PER_POST = 10
    [report] = collect_all(db, [collector], now=lambda: NOW)
    assert (report.status, report.error_kind, report.new) == ("error", "permanent", 10)
    assert "Graph error 100" in report.error
    assert stored_ids(db) == sorted(c[0] for c in FB_COMMENTS[:10])
    assert get_cursor(db, "facebook_ville", "comments") is None


def test_a_server_error_on_the_next_media_page_keeps_the_instagram_comments_in_hand(rsps, db):
    """The media page and its comments' second page arrive; the next media page is a 500
    (three times: retried, then given up). All four comments are stored."""
    medias_p1 = serve_first_media_page(rsps)
    rsps.get(recorded_path(medias_p1["paging"]["next"]), body="<html>oops</html>", status=500)
    [report] = collect_all(db, [ig("comments")], now=lambda: NOW)
    assert (report.status, report.error_kind, report.new) == ("error", "transient", 4)
    assert stored_ids(db) == [
        "17858154961981086",
        "17874875428706419",
        "17892250648466172",
        "17914413430382429",
    ]
    assert get_cursor(db, "instagram_ville", "comments") is None


# ------------------------------------------------------------------ shapes Graph may send


def posts_run(rsps, db, **answer):
    """The ``posts`` stream of the recorded Page through the runner, its first page being
    ``answer`` (the keywords of ``responses``)."""
    rsps.get(GRAPH + f"{FB_PAGE}/posts", **answer)
    [report] = collect_all(db, [fb("posts")], now=lambda: NOW)
    return report


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ({"json": {"error": ""}, "status": 400}, "Graph error"),
        ({"json": {"error": 42}, "status": 200}, "Graph error"),
        ({"json": 0, "status": 200}, "not a JSON object"),
        ({"json": "nothing", "status": 200}, "not a JSON object"),
        ({"body": "[" * 1000 + "]" * 1000, "content_type": "application/json"}, "too deep"),
    ],
    ids=["error-empty", "error-number", "zero", "string", "nested-1000"],
)
def test_a_body_of_the_wrong_shape_is_a_typed_error_nothing_else(rsps, db, answer, why):
    report = posts_run(rsps, db, **answer)
    assert (report.status, report.error_kind) == ("error", "permanent"), report.error
    assert why in report.error


def test_data_null_and_paging_of_the_wrong_type_are_read_as_nothing_more(rsps, db):
    p1 = recorded("facebook/posts/feeds_default_fields_p1.json")
    report = posts_run(rsps, db, json=dict(p1, paging=["not", "paging"]))
    assert (report.status, report.new, len(rsps.calls)) == ("ok", 5, 1)
    rsps.replace("GET", GRAPH + f"{FB_PAGE}/posts", json=dict(p1, data=None))
    [again] = collect_all(db, [fb("posts")], now=lambda: NOW)
    assert (again.status, again.new) == ("ok", 0)


def test_a_5000_digit_count_loses_neither_the_post_nor_the_page(rsps, db):
    p1 = recorded("facebook/posts/feeds_default_fields_p1.json")
    p1 = dict(p1, paging={})
    text = json.dumps(p1).replace('"total_count": 125', '"total_count": ' + "9" * 5000, 1)
    assert "9" * 5000 in text
    report = posts_run(rsps, db, body=text, content_type="application/json")
    assert (report.status, report.new) == ("ok", 5)
    counts = dict(db.execute("SELECT external_id, like_count FROM items"))
    assert counts[f"{FB_PAGE}_10158349356748553"] is None  # not a count SQLite can keep
    assert counts[f"{FB_PAGE}_10158347294088553"] == 131


# ------------------------------------------------------------------ times out of range


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+0100", "9999-12-31T23:59:59-0100"])
def test_parse_time_of_year_1_or_9999_is_unreadable_not_a_crash(stamp):
    assert parse_time(stamp) is None


def test_a_comment_dated_year_1_is_rejected_and_the_rest_of_its_page_saved(rsps, db):
    p1 = recorded("facebook/comments/comments_p1.json")
    first = dict(p1["data"][0], created_time="0001-01-01T00:00:00+0100")
    report, [reason] = comments_run(rsps, db, [first, *p1["data"][1:]])
    assert (report.status, report.new, report.rejected) == ("ok", 9, 1)
    assert "created_time" in reason
    assert get_cursor(db, "facebook_ville", "comments") is not None


def test_a_graph_body_that_is_a_list_is_a_typed_error():
    with responses.RequestsMock() as mock:
        mock.get(GRAPH + f"{FB_PAGE}/posts", json=[1, 2])
        with pytest.raises(PermanentError):
            list(fb("posts").fetch("posts", None))


# ------------------------------------------------------------------ per object, not per page


@pytest.mark.parametrize("permalink", [["https://www.facebook.com/a"], {"url": "b"}, 7])
def test_a_permalink_that_is_not_a_text_loses_only_the_link(rsps, db, permalink):
    p1 = recorded("facebook/posts/feeds_default_fields_p1.json")
    first = dict(p1["data"][0], permalink_url=permalink)
    report = posts_run(rsps, db, json=dict(p1, data=[first, *p1["data"][1:]], paging={}))
    assert (report.status, report.new) == ("ok", 5), report.error
    links = dict(db.execute("SELECT external_id, permalink FROM items"))
    assert links[first["id"]] is None


def test_an_object_a_parser_cannot_read_is_a_reject_the_rest_of_the_page_saved(rsps, db):
    """Whatever the shape, a parser's failure on one object rejects that object only."""
    medias = recorded("instagram/users/medias_p1.json")
    odd = dict(medias["data"][0], timestamp="2020-02-24T09:15:16+0000", caption={"a": [1]})
    odd["id"] = "17895731045244887"
    tags = dict(medias, data=[odd, *medias["data"][1:]], paging={})
    rsps.get(GRAPH + f"{IG_USER}/tags", json=tags)
    [report] = collect_all(db, [ig("mentions")], now=lambda: NOW)
    assert report.status == "ok", report.error
    assert report.new + report.rejected == len(tags["data"])


def test_a_reply_whose_permalink_lost_its_reply_id_is_rejected_not_taken_for_its_parent(rsps, db):
    """comments_p1's sixth comment is a reply (``reply_comment_id=...``); with that value
    emptied, it used to be parsed as its parent comment and dropped as a duplicate."""
    p1 = recorded("facebook/comments/comments_p1.json")
    reply = p1["data"][5]
    link = reply["permalink_url"].split("&reply_comment_id=")[0] + "&reply_comment_id="
    report, [reason] = comments_run(rsps, db, [*p1["data"][:5], dict(reply, permalink_url=link)])
    assert (report.status, report.new, report.rejected) == ("ok", 5, 1)
    assert "permalink_url" in reason
