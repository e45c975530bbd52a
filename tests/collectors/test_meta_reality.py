"""Collectors meet reality (issue 12): recorded Graph payloads from ../shared/fixtures/meta,
each with one change, through the real collectors over HTTP and the real runner into a real
SQLite file. Each test was written first and failed on the code before its fix."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from beffroi.collectors.facebook import FacebookCollector
from beffroi.collectors.instagram import InstagramCollector
from beffroi.scheduler import collect_all
from beffroi.store import get_cursor
from tests.collectors.graph_http import GRAPH, TOKEN, Clock, Sleeps
from tests.collectors.test_meta_recorded import FB_COMMENTS, FB_PAGE, IG_MEDIA, IG_USER, THREAD
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
    return collector


def ig(*streams: str) -> InstagramCollector:
    collector = InstagramCollector("instagram_ville", account_id=IG_USER, token=TOKEN,
                                   handle="marcqenbaroeul", sleep=Sleeps(), now=Clock(NOW))  # fmt: skip
    collector.HISTORY_DAYS = 4000  # the Instagram recordings reach back to 2018
    collector._streams = list(streams)
    return collector


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
    medias_p1 = recorded("instagram/users/medias_p1.json")
    comments_p1 = recorded("instagram/medias/comments_p1.json")
    comments_p2 = recorded("instagram/medias/comments_p2.json")
    first = dict(medias_p1["data"][0], id=IG_MEDIA, comments=comments_p1)
    rsps.get(GRAPH + f"{IG_USER}/media", json=dict(medias_p1, data=[first, medias_p1["data"][1]]))
    rsps.get(recorded_path(comments_p1["paging"]["next"]), json=comments_p2)
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
