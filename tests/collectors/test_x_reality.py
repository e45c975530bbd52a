"""X payloads from the recorded cassettes (../shared/fixtures/x), each with one change,
through the real collector over HTTP and the real runner (issue 12). Written first: each
failed on the code before its fix."""

from __future__ import annotations

import json

import pytest
import responses

from beffroi.collectors.x.payloads import snowflake_time
from beffroi.scheduler import collect_all
from tests.collectors.x_http import NOW, x_account, x_collector
from tests.conftest import shared_fixture

MENTIONS = "https://api.twitter.com/2/users/783214/mentions"


def recorded_mentions() -> dict:
    [entry] = json.loads(shared_fixture("x/get_users_mentions.json").read_text(encoding="utf-8"))
    body = entry["response"]["body"]
    body["meta"].pop("next_token", None)  # one page: the recording's next is not recorded
    return body


def twitter_collector():
    """The recordings read @Twitter's mentions (user 783214)."""
    collector = x_collector(x_account(handle="tweepy", external_id="783214"))
    collector._streams = ["mentions"]
    return collector


@pytest.fixture
def http():
    with responses.RequestsMock() as rsps:
        yield rsps


def test_snowflake_time_of_a_30_digit_id_is_a_value_error():
    with pytest.raises(ValueError):
        snowflake_time("9" * 30)


def test_a_mention_with_a_30_digit_id_and_no_time_is_rejected_the_rest_saved(http, db):
    body = recorded_mentions()
    count = len(body["data"])
    body["data"][0] = dict(body["data"][0], id="9" * 30)
    http.get(MENTIONS, json=body)
    [report] = collect_all(db, [twitter_collector()], now=lambda: NOW)
    assert (report.status, report.new, report.rejected) == ("ok", count - 1, 1)
    assert json.loads(db.execute("SELECT cursor FROM cursors").fetchone()[0])["since_id"]


def test_a_body_nested_1000_deep_is_kept_as_a_reject_not_a_crash(http, db):
    http.get(MENTIONS, body="[" * 1000 + "]" * 1000, content_type="application/json")
    [report] = collect_all(db, [twitter_collector()], now=lambda: NOW)
    assert report.error_kind != "bug", report.error
    assert (report.status, report.rejected) == ("ok", 1)


def test_an_error_body_nested_1000_deep_is_a_typed_error(http, db):
    http.get(MENTIONS, body="[" * 1000 + "]" * 1000, content_type="application/json", status=400)
    [report] = collect_all(db, [twitter_collector()], now=lambda: NOW)
    assert (report.status, report.error_kind) == ("error", "permanent"), report.error


def test_check_on_a_signed_in_user_that_is_a_string_says_so_instead_of_crashing(http):
    """The recorded ``GET /2/users/me``, its ``data`` replaced by a string."""
    [entry] = json.loads(shared_fixture("x/get_me.json").read_text(encoding="utf-8"))
    body = dict(entry["response"]["body"], data="str")
    http.get("https://api.twitter.com/2/users/by/username/tweepy", json={"data": "str"})
    http.get("https://api.twitter.com/2/users/me", json=body)
    collector = x_collector(x_account(handle="tweepy", external_id="783214"))
    results = collector.check()
    assert [ok for ok, _ in results] == [False, False]
    assert "does not know the user @tweepy" in results[0][1]
    assert "signed-in user" in results[1][1]


def test_a_next_token_with_a_lone_surrogate_ends_the_walk_with_the_page_saved(http, db):
    body = recorded_mentions()
    body["meta"]["next_token"] = "7140dibdnow9c7\ud83d"
    http.get(MENTIONS, json=body)
    [report] = collect_all(db, [twitter_collector()], now=lambda: NOW)
    assert (report.status, report.new) == ("ok", len(body["data"])), report.error
