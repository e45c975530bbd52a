"""Acts on the network (delete the city's reply, like, block, mute) against HTTP answers.

Two kinds of answers, said at each test: the RECORDED traffic of ../shared/fixtures (X's
and Mastodon's deletes, recorded by tweepy's and Mastodon.py's test suites), and answers
WRITTEN here from the networks' API references where no recording exists (X's likes and
muting endpoints, Mastodon's favourite, block and mute: the bodies those references give).
"""

from __future__ import annotations

import json

import pytest
import responses

from beffroi.collectors import Author, Item, PermanentError
from beffroi.collectors.acts import ActUnsupported, cannot_act, perform
from tests.collectors import test_mastodon_recorded as masto
from tests.collectors.recorded import recorded_json, serve_entries
from tests.collectors.x_http import CITY_ID, NOW, x_collector

X_API = "https://api.twitter.com/2"
CITIZEN = Author("x", "2244994945", "citoyen59", "Camille")


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


def x_item(external_id="1456012973835788293", direction="out", kind="reply", author=CITIZEN):
    return Item(network="x", account="x_ville", external_id=external_id, kind=kind,
                direction=direction, text="Bonjour", created_at=NOW, author=author)  # fmt: skip


def test_x_delete_of_the_citys_reply_on_the_recorded_answer(http):
    """RECORDED: tweepy's create_and_delete_tweet cassette, its DELETE answer."""
    [_, delete] = recorded_json("x/create_and_delete_tweet.json")
    serve_entries(http, [delete])
    perform(x_collector(), "delete_reply", x_item())
    assert http.calls[0].request.method == "DELETE"
    assert http.calls[0].request.url == f"{X_API}/tweets/1456012973835788293"


def test_x_like_and_mute_on_written_answers(http):
    """WRITTEN from X's API reference (POST /2/users/:id/likes, POST /2/users/:id/muting):
    {"data": {"liked": true}} and {"data": {"muting": true}}, asked as the city (user 1001,
    the id in its OAuth 1.0a access token)."""
    http.add("POST", f"{X_API}/users/{CITY_ID}/likes", json={"data": {"liked": True}})
    http.add("POST", f"{X_API}/users/{CITY_ID}/muting", json={"data": {"muting": True}})
    citizen_tweet = x_item("1460323737035677698", direction="in", kind="mention")
    perform(x_collector(), "like", citizen_tweet)
    perform(x_collector(), "mute", citizen_tweet)
    assert json.loads(http.calls[0].request.body) == {"tweet_id": "1460323737035677698"}
    assert json.loads(http.calls[1].request.body) == {"target_user_id": "2244994945"}


def test_x_refusals_are_french_sentences(http):
    """WRITTEN: X's 403 body for a like the app may not make."""
    http.add("POST", f"{X_API}/users/{CITY_ID}/likes", status=403,
             json={"title": "Forbidden", "detail": "You are not permitted to perform this action.",
                   "type": "about:blank", "status": 403})  # fmt: skip
    with pytest.raises(PermanentError, match="X a refusé le « j'aime »"):
        perform(x_collector(), "like", x_item(direction="in", kind="mention"))
    with pytest.raises(ActUnsupported, match="Enterprise"):
        perform(x_collector(), "block", x_item(direction="in", kind="mention"))
    with pytest.raises(ActUnsupported, match="Seule une réponse de la ville"):
        perform(x_collector(), "delete_reply", x_item(direction="in", kind="mention"))


def m_item(external_id, direction="out", author_id=masto.ADMIN_ID):
    author = Author("mastodon", author_id, "admin", "Admin")
    return Item(network="mastodon", account="masto_ville", external_id=external_id,
                kind="reply", direction=direction, text="Bonjour", created_at=NOW,
                author=author)  # fmt: skip


def test_mastodon_delete_on_the_recorded_answers(http):
    """RECORDED: Mastodon.py's status_delete_media cassette: a DELETE answered 200, and one
    answered 404 "Record not found" (already deleted: what was asked, so no error)."""
    entries = recorded_json("mastodon/status_delete_media.json")
    deleted, gone = entries[3], entries[7]
    serve_entries(http, [deleted, gone])
    perform(masto.collector(), "delete_reply", m_item("117020606035908211"))
    perform(masto.collector(), "delete_reply", m_item("117020606379845323"))
    assert [c.request.method for c in http.calls] == ["DELETE", "DELETE"]


def test_mastodon_favourite_block_and_mute_on_written_answers(http):
    """WRITTEN from Mastodon's API reference: the favourited Status, and the Relationship
    ({"id", "blocking": true} / {"muting": true}) of an account."""
    status = recorded_json("mastodon/status_delete_media.json")[3]["response"]["body"]
    base = f"{masto.INSTANCE}/api/v1"
    http.add(
        "POST", f"{base}/statuses/{status['id']}/favourite", json=status | {"favourited": True}
    )
    relation = {"id": masto.ADMIN_ID, "following": False, "muting_notifications": False}
    http.add("POST", f"{base}/accounts/{masto.ADMIN_ID}/block", json=relation | {"blocking": True})
    http.add("POST", f"{base}/accounts/{masto.ADMIN_ID}/mute", json=relation | {"muting": True})
    citizen = m_item(status["id"], direction="in")
    for act in ("like", "block", "mute"):
        perform(masto.collector(), act, citizen)
    assert len(http.calls) == 3


def test_what_each_network_cannot_do_is_said_in_french():
    assert "Instagram ne permet pas d'aimer" in cannot_act("instagram", "like")
    assert "Instagram ne permet pas de bloquer" in cannot_act("instagram", "block")
    assert "sourdine" in cannot_act("facebook", "mute")
    assert cannot_act("facebook", "block") is None and cannot_act("bluesky", "mute") is None
    assert cannot_act("instagram", "delete_reply", direction="out") is None
    assert "privé" in cannot_act("mastodon", "like", kind="dm")


# ---------------------------------------------------------------- Bluesky and Facebook


def test_bluesky_like_block_mute_and_delete_on_written_answers(httpserver):
    """WRITTEN from the lexicons (com.atproto.repo.createRecord / deleteRecord,
    app.bsky.graph.muteActor), on a local HTTP server; the thread is RECORDED (atproto)."""
    from tests.collectors import test_bluesky as bsky

    pds = httpserver
    bsky.xrpc(pds, "com.atproto.server.createSession", "POST").respond_with_json(bsky.SESSION)
    bsky.xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(
        bsky.recorded("thread_view_post_with_embed_media.json")
    )
    bsky.xrpc(pds, "com.atproto.repo.createRecord", "POST").respond_with_json(
        {"uri": f"at://{bsky.CITY}/app.bsky.feed.like/3lbcity00002a", "cid": "bafylike"}
    )
    bsky.xrpc(pds, "com.atproto.repo.deleteRecord", "POST").respond_with_json({})
    bsky.xrpc(pds, "app.bsky.graph.muteActor", "POST").respond_with_data("")
    collector = bsky.collector(pds)
    citizen = Author("bluesky", "did:plc:citoyen59", "citoyen59.bsky.social", "Camille")
    post = Item(network="bluesky", account="bsky_ville", external_id=bsky.CITY_POST,
                kind="reply", direction="in", text="Bonjour", created_at=NOW, author=citizen)  # fmt: skip
    perform(collector, "like", post)
    perform(collector, "block", post)
    perform(collector, "mute", post)
    mine = Item(network="bluesky", account="bsky_ville",
                external_id=f"at://{bsky.CITY}/app.bsky.feed.post/3lbcity00001a", kind="reply",
                direction="out", text="Merci", created_at=NOW)  # fmt: skip
    perform(collector, "delete_reply", mine)
    created = [json.loads(r.data) for r in bsky.calls(pds, "com.atproto.repo.createRecord")]
    assert [c["collection"] for c in created] == ["app.bsky.feed.like", "app.bsky.graph.block"]
    assert created[0]["record"]["subject"]["uri"] == bsky.CITY_POST
    assert created[1]["record"]["subject"] == "did:plc:citoyen59"
    assert json.loads(bsky.calls(pds, "app.bsky.graph.muteActor")[0].data) == {
        "actor": "did:plc:citoyen59"
    }
    deleted = json.loads(bsky.calls(pds, "com.atproto.repo.deleteRecord")[0].data)
    assert (deleted["collection"], deleted["rkey"]) == ("app.bsky.feed.post", "3lbcity00001a")


def test_facebook_delete_like_and_page_ban_on_written_answers(http):
    """WRITTEN from the Graph API reference: {"success": true} for DELETE /{comment-id},
    POST /{comment-id}/likes and POST /{page-id}/blocked (the Page's ban)."""
    from tests.collectors.test_meta_recorded import FB_PAGE, fb

    graph = "https://graph.facebook.com/v24.0/"
    http.add("DELETE", graph + "1001_2002", json={"success": True})
    http.add("POST", graph + "1001_3003/likes", json={"success": True})
    http.add("POST", graph + f"{FB_PAGE}/blocked", json={"4455": True})
    citizen = Author("facebook", "4455", None, "Camille")

    def comment(ext, direction):
        return Item(network="facebook", account="facebook_ville", external_id=ext,
                    kind="comment", direction=direction, text="…", created_at=NOW,
                    author=citizen)  # fmt: skip

    perform(fb(), "delete_reply", comment("1001_2002", "out"))
    perform(fb(), "like", comment("1001_3003", "in"))
    perform(fb(), "block", comment("1001_3003", "in"))
    assert "user=4455" in http.calls[2].request.body
    with pytest.raises(ActUnsupported, match="sourdine"):
        perform(fb(), "mute", comment("1001_3003", "in"))
