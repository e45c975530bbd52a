"""Write paths and checks meeting answers of an odd shape (issue 12), through the real
clients over HTTP (``responses``). The bodies are the recorded ones of ../shared/fixtures
with one field changed, or WRITTEN from the documented shape where said."""

from __future__ import annotations

import json

import pytest

from beffroi.collectors import OutgoingPost
from tests.collectors.graph_http import GRAPH
from tests.collectors.test_meta_recorded import IG_USER, ig
from tests.collectors.x_http import API, x_account, x_collector
from tests.conftest import shared_fixture


def recorded(name: str):
    return json.loads(shared_fixture(f"meta/{name}").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    "limit",
    [
        {"data": [{"quota_usage": 0, "config": 10**30}]},
        {"data": [{"quota_usage": 0, "config": "25"}]},
        {"data": 5},
        {"data": "quota"},
        {"data": None},
        {"paging": []},
    ],
    ids=[
        "config a huge number",
        "config a text",
        "data a number",
        "data a text",
        "data null",
        "no data",
    ],  # fmt: skip
)
def test_instagram_publishes_when_the_quota_answer_is_odd_nothing_uncertain(rsps, limit):
    """The quota is read before anything is posted: an odd answer there is no reason to
    doubt the publication (the outbox records a crash as "publication incertaine")."""
    rsps.get(GRAPH + f"{IG_USER}/content_publishing_limit", json=limit)
    rsps.post(GRAPH + f"{IG_USER}/media", json=recorded("instagram/publish/create_photo.json"))
    rsps.get(GRAPH + "17889455560051444", json=recorded("instagram/publish/container_info.json"))
    rsps.post(GRAPH + f"{IG_USER}/media_publish",
              json=recorded("instagram/publish/publish_container.json"))  # fmt: skip
    post = OutgoingPost("instagram_ville", "#instamoment", "m", image_url="https://x.fr/a.jpg")
    assert ig().publish(post) == "17920238422030506"
    assert len(rsps.calls) == 4


@pytest.mark.parametrize("data", ["str", 0, ["a"], None])
def test_x_check_on_a_signed_in_user_of_the_wrong_shape_says_so(rsps, data):
    """tweepy's recorded ``GET /2/users/me`` with ``data`` of the wrong type."""
    rsps.get(f"{API}/users/me", json={"data": data})
    results = x_collector(x_account(handle="tweepy"), bearer_token=None).check()
    assert results[0][0] is True  # no bearer token: reading uses the user keys
    ok, sentence = results[1]
    assert ok is False and "no user" in sentence
