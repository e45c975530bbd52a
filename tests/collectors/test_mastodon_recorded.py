"""The Mastodon collector against every real recorded response in ../shared/fixtures/mastodon
(Mastodon.py's own cassettes, recorded against a Mastodon 4.x server in August 2026).

All fixtures here are RECORDED (none written), except the error answers of the last tests
(401, 503, an HTML page, 404), which are WRITTEN from Mastodon's documented error form
(``{"error": "..."}``). HTTP is intercepted with ``responses`` (Mastodon.py speaks through
``requests``): the SDK builds and sends every request, responses answers it.

``REPLAYED`` maps every recorded file to the test that replays it through the SDK; the first
test fails when a file of the folder is not covered.
"""

from __future__ import annotations

import json
import sys
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import responses

from beffroi.collectors import AuthExpired, Author, Interaction, OutgoingPost
from beffroi.collectors.mastodon import MastodonCollector, mastodon_length
from beffroi.collectors.social_errors import (
    InstanceDown,
    ParentDeleted,
    PostTooLong,
    TokenRevoked,
)
from beffroi.config import Account
from tests.collectors.recorded import recorded_json, serve_entries
from tests.conftest import shared_fixture

INSTANCE = "http://localhost:3000"
NOTIFICATIONS = f"{INSTANCE}/api/v1/notifications"
TEST_ID = "117020565966271181"  # @mastodonpy_test, who recorded most cassettes
ADMIN_ID = "117020565693913441"  # @admin
TOKEN = "MASTODON-sekret-token"

REPLAYED = {
    "account_search.json": "test_account_search",
    "conversations.json": "test_conversations_become_direct_messages",
    "fetch_next_previous.json": "test_find_published_walks_the_city_statuses",
    "grouped_notifications.json": "test_grouped_notifications_become_interactions",
    "hashtag_tl.json": "test_hashtag_timeline_is_ugc_and_instance_limit",
    "notifications.json": "test_notifications_mention",
    "notifications_exclude_types.json": "test_idle_pass_is_one_request",
    "notifications_mentions_only.json": "test_notifications_mentions_only_page",
    "status_context.json": "test_status_context",
    "status_delete_media.json": "test_publish_with_image_and_alt_text",
    "status_favourited_by.json": "test_engagement_favourites_by_person",
    "status_post_none_direct.json": "test_reply_to_a_direct_message_stays_direct",
    "status_post_none_public.json": "test_publish_sends_an_idempotency_key",
    "status_reblogged_by.json": "test_engagement_reblogs_by_person",
    "status_reply.json": "test_reply_names_the_author_and_threads",
}


def recorded(name: str) -> list[dict]:
    return recorded_json(f"mastodon/{name}")


def serve(http: responses.RequestsMock, name: str, only: slice = slice(None)) -> list[dict]:
    """Register a cassette's answers on method and path, in their recorded order."""
    return serve_entries(http, recorded(name)[only])


def account(**overrides) -> Account:
    fields = {
        "key": "masto_ville",
        "network": "mastodon",
        "handle": "mastodonpy_test",
        "external_id": TEST_ID,
        "token_env": "BEFFROI_MASTODON_TOKEN",
        "instance_url": INSTANCE,
    }
    fields.update(overrides)
    return Account(**fields)


def collector(**overrides) -> MastodonCollector:
    config = account(**overrides)
    return MastodonCollector(
        config,
        access_token=TOKEN,
        instance_url=INSTANCE,
        max_chars=config.max_chars,
        now=lambda: datetime(2026, 8, 2, tzinfo=UTC),
    )


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def test_every_recorded_file_is_replayed_by_a_test_here():
    folder = shared_fixture("mastodon")
    assert sorted(p.name for p in folder.glob("*.json")) == sorted(REPLAYED)
    module = sys.modules[__name__]
    assert all(callable(getattr(module, test, None)) for test in REPLAYED.values())


def sent(call) -> dict:
    body = call.request.body
    if isinstance(body, bytes):
        body = body.decode()
    return {k: v if len(v) > 1 else v[0] for k, v in parse_qs(body or "").items()}


def test_notifications_mention(http):
    serve(http, "notifications.json", slice(1, 2))
    page = next(collector(external_id=TEST_ID).fetch("notifications", None))
    (item,) = page.items
    assert (item.external_id, item.kind, item.direction) == ("117020576916218297", "mention", "in")
    assert item.text == "@mastodonpy_test hello!"
    assert item.author == Author("mastodon", ADMIN_ID, "@admin", None)
    assert item.created_at == datetime(2026, 8, 1, 13, 51, 39, 138000, tzinfo=UTC)
    assert item.permalink == "http://localhost:3000/@admin/117020576916218297"
    assert json.loads(page.cursor) == {"min_id": "20"}
    assert json.dumps(item.raw)  # storable as JSON
    assert len(http.calls) == 1


def test_notifications_mentions_only_page(http):
    serve(http, "notifications_mentions_only.json", slice(1, 2))
    page = next(collector().fetch("notifications", None))
    assert [i.external_id for i in page.items] == ["117020577157693549"]
    assert json.loads(page.cursor) == {"min_id": "21"}


def test_idle_pass_is_one_request(http):
    """The recorded empty list: a pass with nothing new costs one request and keeps the
    cursor (``None`` keeps the stored one)."""
    serve(http, "notifications_exclude_types.json", slice(1, 2))
    pages = list(collector().fetch("notifications", '{"min_id": "21"}'))
    assert len(http.calls) == 1
    assert parse_qs(urlsplit(http.calls[0].request.url).query) == {
        "min_id": ["21"],
        "limit": ["40"],
    }
    assert [(p.items, p.cursor, p.interactions) for p in pages] == [([], None, [])]


def test_conversations_become_direct_messages(http):
    serve(http, "conversations.json", slice(2, 3))
    c = collector(external_id=ADMIN_ID, handle="admin")
    page = next(c.fetch("dms", None))
    assert [(i.external_id, i.kind, i.direction, i.thread_external_id) for i in page.items] == [
        ("117020593780198542", "dm", "in", "15"),
        ("117020588388552703", "dm", "in", "12"),
    ]
    assert page.items[1].text == "@mastodonpy_test pssssst!"
    assert page.items[1].parent_external_id == "117020588315335369"
    # The next pass with nothing new: one request, no item, cursor kept.
    serve(http, "conversations.json", slice(4, 5))
    again = list(c.fetch("dms", page.cursor))
    assert [(p.items, p.cursor) for p in again] == [([], None)]
    assert len(http.calls) == 2


def test_status_context(http):
    serve(http, "status_context.json", slice(1, 2))
    assert collector().thread("117020585487094447") == []
    assert http.calls[0].request.url.endswith("/api/v1/statuses/117020585487094447/context")


def test_hashtag_timeline_is_ugc_and_instance_limit(http):
    serve(http, "hashtag_tl.json", slice(1, 3))
    c = collector(hashtags=["hoot"])
    assert "hashtag:hoot" in c.streams()
    page = next(c.fetch("hashtag:hoot", None))
    (item,) = page.items
    assert (item.kind, item.text) == ("ugc", "#hoot (hashtag toot)")
    assert json.loads(page.cursor) == {"min_id": "117020593741189701"}
    assert c.text_limit() == 500  # configuration.statuses.max_characters of /api/v2/instance
    c.check_length("a" * 500)
    with pytest.raises(PostTooLong, match="501 caractères, Mastodon en accepte 500"):
        c.check_length("a" * 501)


def test_engagement_favourites_by_person(http):
    """The recording's own account favourited its status: seen from @admin's city account
    (external_id), the favourite is someone else's and counts as a reaction."""
    entries = recorded("status_favourited_by.json")
    status = dict(entries[1]["response"]["body"], account=entries[0]["response"]["body"]["account"])
    status["created_at"] = "2026-08-01T13:53:00.000Z"
    http.add("GET", f"{INSTANCE}/api/v1/accounts/{ADMIN_ID}/statuses", json=[status])
    serve(http, "status_favourited_by.json", slice(2, 3))
    c = collector(external_id=ADMIN_ID, streams=["engagement"])
    (page,) = list(c.fetch("engagement", None))
    assert page.interactions == [
        Interaction(
            "mastodon",
            "masto_ville",
            "reaction",
            Author("mastodon", TEST_ID, "@mastodonpy_test", "John Lennon"),
            status["id"],
            datetime(2026, 8, 1, 13, 53, tzinfo=UTC),
            status["url"],
        )
    ]
    assert page.api_calls == 2
    # Nothing moved: the next pass is the one timeline request.
    again = list(c.fetch("engagement", page.cursor))
    assert [(p.interactions, p.cursor, p.api_calls) for p in again] == [([], None, 1)]
    assert len(http.calls) == 3


def test_engagement_reblogs_by_person(http):
    entries = recorded("status_reblogged_by.json")
    status = dict(entries[1]["response"]["body"]["reblog"], created_at="2026-08-01T13:53:00Z")
    assert status["reblogs_count"] == 1
    http.add("GET", f"{INSTANCE}/api/v1/accounts/{ADMIN_ID}/statuses", json=[status])
    serve(http, "status_reblogged_by.json", slice(2, 3))
    (page,) = list(collector(external_id=ADMIN_ID).fetch("engagement", None))
    assert [(i.kind, i.author.handle, i.target_external_id) for i in page.interactions] == [
        ("share", "@mastodonpy_test_2", status["id"])
    ]


def test_grouped_notifications_become_interactions(http):
    serve(http, "grouped_notifications.json", slice(3, 4))
    found = collector(external_id=ADMIN_ID).grouped()
    assert [(i.kind, i.author.external_id, i.target_external_id) for i in found] == [
        ("reaction", "117020566092212359", "117020579695730951")
    ]
    assert found[0].created_at == datetime(2026, 8, 1, 13, 52, 23, 230000, tzinfo=UTC)


def test_account_search(http):
    serve(http, "account_search.json", slice(0, 1))
    assert [a.handle for a in collector().find_accounts("admin")] == ["@admin", "@admin2"]


def test_reply_names_the_author_and_threads(http):
    entries = serve(http, "status_reply.json", slice(2, 3))
    parent_item = collector(external_id=TEST_ID).status_item(
        recorded("status_reply.json")[0]["response"]["body"]
    )
    assert parent_item.author.handle == "@mastodonpy_test_2"
    c = collector(external_id=TEST_ID, max_chars=500)
    reply = c.reply(parent_item, "same!")
    body = sent(http.calls[0])
    assert body["status"] == "@mastodonpy_test_2 same!"  # as the recorded request
    assert body["in_reply_to_id"] == "117020583245459824"
    assert body["visibility"] == "public"
    assert http.calls[0].request.headers["Idempotency-Key"].startswith("beffroi-reply-")
    assert reply.external_id == entries[0]["response"]["body"]["id"]
    assert (reply.kind, reply.parent_external_id) == ("reply", "117020583245459824")


def test_reply_to_a_direct_message_stays_direct(http):
    entries = serve(http, "status_post_none_direct.json", slice(0, 1))
    dm = collector(external_id=ADMIN_ID).status_item(entries[0]["response"]["body"])
    assert dm.kind == "dm" and dm.direction == "in"
    reply = collector(external_id=ADMIN_ID, max_chars=500).reply(dm, "Bien reçu, merci !")
    assert sent(http.calls[0])["visibility"] == "direct"
    assert reply.kind == "dm"


def test_publish_sends_an_idempotency_key(http):
    entries = serve(http, "status_post_none_public.json", slice(0, 1))
    c = collector(max_chars=500)
    post = OutgoingPost("masto_ville", "Toot!", "bf0123456789")
    assert c.publish(post) == entries[0]["response"]["body"]["id"]
    assert http.calls[0].request.headers["Idempotency-Key"] == "beffroi-bf0123456789"
    assert sent(http.calls[0]) == {"status": "Toot!", "visibility": "public", "sensitive": "0"}


def test_publish_with_image_and_alt_text(http, tmp_path):
    serve(http, "status_delete_media.json", slice(1, 3))
    image = tmp_path / "affiche.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 64)
    c = collector(max_chars=500)
    post = OutgoingPost(
        "masto_ville",
        "Marché de Noël",
        "bfmedia",
        image_path=str(image),
        image_alt="Affiche du marché",
    )
    status_id = c.publish(post)
    assert status_id == recorded("status_delete_media.json")[2]["response"]["body"]["id"]
    assert http.calls[0].request.url.endswith("/api/v2/media")
    assert b"Affiche du march" in http.calls[0].request.body
    assert sent(http.calls[1])["media_ids[]"] == "117020606032533890"


def test_publish_refused_media_is_a_permanent_error_with_the_instance_words(http, tmp_path):
    """The recorded 422 (media already attached): a PermanentError, not a retry."""
    serve(http, "status_delete_media.json", slice(6, 7))
    with pytest.raises(Exception) as caught:
        collector(max_chars=500).publish(OutgoingPost("masto_ville", "x", "bfm"))
    assert type(caught.value).__name__ == "PermanentError"
    assert "Mastodon refuse la publication" in str(caught.value)


def test_find_published_walks_the_city_statuses(http):
    entries = serve(http, "fetch_next_previous.json", slice(11, 13))
    c = collector()
    since = datetime(2026, 8, 1, 13, 50, tzinfo=UTC)
    assert c.find_published("Toot number 3!", since) == entries[1]["response"]["body"][1]["id"]
    assert parse_qs(urlsplit(http.calls[1].request.url).query)["max_id"] == [
        entries[0]["response"]["body"][-1]["id"]
    ]


# ---------------------------------------------------------------- WRITTEN error answers


def test_revoked_token_is_typed_and_french(http):
    http.add("GET", NOTIFICATIONS, json={"error": "The access token was revoked"}, status=401)
    with pytest.raises(TokenRevoked, match="refuse le jeton d'accès") as caught:
        list(collector().fetch("notifications", None))
    assert isinstance(caught.value, AuthExpired)
    assert TOKEN not in str(caught.value)


@pytest.mark.parametrize(
    "answer",
    [
        {
            "body": "<html><body>Maintenance</body></html>",
            "status": 200,
            "content_type": "text/html",
        },
        {"body": "<html>Bad gateway</html>", "status": 503, "content_type": "text/html"},
    ],
)
def test_instance_down_or_answering_html(http, answer):
    http.add("GET", NOTIFICATIONS, **answer)
    with pytest.raises(InstanceDown, match="ne répond pas comme prévu"):
        list(collector().fetch("notifications", None))


def test_deleted_parent(http):
    http.add("POST", f"{INSTANCE}/api/v1/statuses", json={"error": "Record not found"}, status=404)
    dm = collector().status_item(recorded("status_post_none_public.json")[0]["response"]["body"])
    with pytest.raises(ParentDeleted, match="a été supprimé sur Mastodon"):
        collector(external_id=ADMIN_ID, max_chars=500).reply(dm, "Merci")


def test_rate_limit_maps_to_reset(http):
    http.add(
        "GET",
        NOTIFICATIONS,
        json={"error": "Too many requests"},
        status=429,
        headers={
            "x-ratelimit-reset": "2026-08-01T14:00:00.000Z",
            "x-ratelimit-remaining": "0",
            "x-ratelimit-limit": "300",
        },
    )
    with pytest.raises(Exception) as caught:
        list(collector().fetch("notifications", None))
    assert type(caught.value).__name__ == "RateLimited"
    assert caught.value.reset_at == datetime(2026, 8, 1, 14, 0, tzinfo=UTC)


def test_lengths_count_links_as_23():
    assert mastodon_length("voir https://www.marcq-en-baroeul.org/agenda/2026/noel") == 5 + 23
    assert mastodon_length("@jean@piaille.fr merci") == len("@jean merci")


def test_find_reply_looks_among_the_context_replies_by_the_city(http):
    """The context answer is WRITTEN from RECORDED statuses (no recording holds a context
    with replies): the recorded reply "@mastodonpy_test_2 same!" (status_reply.json) and a
    recorded status of another account that answers nothing (status_context.json)."""
    replying = recorded("status_reply.json")
    parent = replying[0]["response"]["body"]
    reply = replying[2]["response"]["body"]
    unrelated = recorded("status_context.json")[0]["response"]["body"]
    url = f"{INSTANCE}/api/v1/statuses/{parent['id']}/context"
    http.add("GET", url, json={"ancestors": [], "descendants": [unrelated, reply]})
    c = collector(external_id=ADMIN_ID)  # the recorded reply is @admin's: the city here
    parent_item = c.status_item(parent)
    sent_at = datetime.fromisoformat(reply["created_at"].replace("Z", "+00:00"))
    before = sent_at - timedelta(minutes=1)

    found = c.find_reply(parent_item, "same!", before)  # reply() put the handle before it
    assert found is not None
    assert (found.external_id, found.direction, found.kind) == (reply["id"], "out", "reply")
    assert found.parent_external_id == parent["id"]
    assert c.find_reply(parent_item, "another text", before) is None
    assert c.find_reply(parent_item, "same!", sent_at + timedelta(minutes=1)) is None
    assert collector(external_id=TEST_ID).find_reply(parent_item, "same!", before) is None
    assert c.find_published_is_exhaustive is False  # None is no proof: a person decides


def test_find_reply_on_a_deleted_parent_says_so(http):
    parent = recorded("status_reply.json")[0]["response"]["body"]
    http.add(
        "GET",
        f"{INSTANCE}/api/v1/statuses/{parent['id']}/context",
        json={"error": "Record not found"},
        status=404,
    )
    c = collector(external_id=TEST_ID)
    with pytest.raises(ParentDeleted):
        c.find_reply(c.status_item(parent), "same!", datetime(2026, 1, 1, tzinfo=UTC))
