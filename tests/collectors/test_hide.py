"""Hiding and showing again a citizen's comment, over HTTP, for Facebook, Instagram and X.

The real clients (python-facebook-api, tweepy) send every request; ``responses`` answers.
The answers are written from the networks' documentation, not recorded (no hide was ever
sent from the city's accounts): Facebook's Comment node ``POST /{comment-id}`` with
``is_hidden`` and Instagram's IG Comment ``POST /{ig-comment-id}`` with ``hide`` answer
``{"success": true}``; X's ``PUT /2/tweets/:id/hidden`` with ``{"hidden": true}`` answers
``{"data": {"hidden": true}}`` (docs.x.com, "Hide replies"), and 403 for a reply outside the
city's conversations.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
import responses

from beffroi.collectors import AuthExpired, Author, Item, PermanentError, TransientError
from beffroi.collectors.facebook import FacebookCollector
from beffroi.collectors.instagram import InstagramCollector
from beffroi.collectors.moderation import HideUnsupported, cannot_hide
from tests.collectors.graph_http import TOKEN, Clock, add, form, graph_error
from tests.collectors.x_http import API, forbid, x_collector

AT = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def citizen_comment(network: str, ext: str, kind: str = "comment") -> Item:
    return Item(
        network=network,
        account=f"{network}_ville",
        external_id=ext,
        kind=kind,
        direction="in",
        text="Appelez-moi au 06 12 34 56 78",
        created_at=AT,
        author=Author(network, "u1", "camille", "Camille"),
        parent_external_id="post-1",
        thread_external_id="post-1",
    )


@pytest.fixture
def fb(sleeps):
    return FacebookCollector(
        "facebook_ville", account_id="5001", token=TOKEN, sleep=sleeps, now=Clock()
    )


@pytest.fixture
def ig(sleeps):
    return InstagramCollector(
        "instagram_ville", account_id="1789", token=TOKEN, sleep=sleeps, now=Clock()
    )


def test_facebook_hides_then_shows_a_comment_with_is_hidden(rsps, fb):
    add(rsps, "POST", "5001_777", {"success": True})
    add(rsps, "POST", "5001_777", {"success": True})
    fb.hide(citizen_comment("facebook", "5001_777"), True)
    fb.hide(citizen_comment("facebook", "5001_777"), False)
    assert [form(c)["is_hidden"] for c in rsps.calls] == ["true", "false"]
    assert all(
        c.request.url.startswith("https://graph.facebook.com/v24.0/5001_777") for c in rsps.calls
    )


def test_instagram_hides_a_comment_with_hide(rsps, ig):
    add(rsps, "POST", "17870913679156914", {"success": True})
    ig.hide(citizen_comment("instagram", "17870913679156914", kind="reply"), True)
    assert form(rsps.calls[0])["hide"] == "true"


def test_meta_errors_are_typed_and_french(rsps, fb, ig):
    add(rsps, "POST", "5001_1", graph_error(190, "Error validating access token"), 400)
    with pytest.raises(AuthExpired, match="Facebook refuse l'accès du compte de la ville"):
        fb.hide(citizen_comment("facebook", "5001_1"))
    add(rsps, "POST", "5001_2", graph_error(100, "Unsupported post request"), 400)
    with pytest.raises(PermanentError, match="Facebook a refusé le masquage de ce message"):
        fb.hide(citizen_comment("facebook", "5001_2"))
    add(rsps, "POST", "1789_3", "<html>502 Bad Gateway</html>", 502)
    with pytest.raises(TransientError, match="Instagram ne répond pas pour l'instant"):
        ig.hide(citizen_comment("instagram", "1789_3"))
    # A write is never repeated blind by the HTTP layer: the inbox retries later.
    assert len([c for c in rsps.calls if "1789_3" in c.request.url]) == 1


def test_a_success_meta_does_not_confirm_is_an_error(rsps, fb):
    add(rsps, "POST", "5001_9", {"success": False})
    with pytest.raises(PermanentError, match="Meta did not confirm"):
        fb.hide(citizen_comment("facebook", "5001_9"))


def test_x_hides_a_reply_with_put_hidden_and_user_context():
    collector = x_collector()
    with responses.RequestsMock() as http:
        http.put(f"{API}/tweets/1890/hidden", json={"data": {"hidden": True}})
        http.put(f"{API}/tweets/1890/hidden", json={"data": {"hidden": False}})
        collector.hide(citizen_comment("x", "1890", kind="reply"), True)
        collector.hide(citizen_comment("x", "1890", kind="reply"), False)
        assert [json.loads(c.request.body) for c in http.calls] == [
            {"hidden": True},
            {"hidden": False},
        ]
        assert http.calls[0].request.headers["Authorization"].startswith("OAuth ")


def test_x_refuses_a_reply_outside_the_citys_conversations_in_french():
    collector = x_collector()
    with responses.RequestsMock() as http:
        forbid(
            http,
            "PUT",
            f"{API}/tweets/1891/hidden",
            "You attempted to hide a reply to a Tweet you did not author.",
        )
        with pytest.raises(PermanentError, match="X a refusé le masquage de ce message"):
            collector.hide(citizen_comment("x", "1891", kind="reply"))


def test_without_user_keys_x_says_which_variables_to_set_in_french():
    collector = x_collector(consumer_key=None)
    with pytest.raises(AuthExpired, match="X refuse l'accès du compte de la ville"):
        collector.hide(citizen_comment("x", "1892", kind="reply"))


def test_what_cannot_be_hidden_is_said_before_any_request(rsps, fb):
    with pytest.raises(HideUnsupported, match="X ne permet de masquer que les réponses"):
        x_collector().hide(citizen_comment("x", "1", kind="mention"))
    with pytest.raises(HideUnsupported, match="que les commentaires publics"):
        fb.hide(citizen_comment("facebook", "m1", kind="dm"))
    assert len(rsps.calls) == 0
    assert "Mastodon ne permet pas de masquer" in cannot_hide("mastodon", "reply")
    assert "Bluesky ne permet pas de masquer" in cannot_hide("bluesky", "reply")
    assert cannot_hide("facebook", "comment") is None
