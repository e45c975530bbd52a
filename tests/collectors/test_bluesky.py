"""The Bluesky collector through the atproto SDK, against a local HTTP server
(pytest-httpserver: the SDK's own httpx client sends every request to it).

RECORDED fixtures (../shared/fixtures/bluesky, the atproto SDK's test data fetched from the
live Bluesky API): every file is replayed, see ``REPLAYED``; the first test fails when one
is not covered.

WRITTEN fixtures (no recording exists), built here from the lexicons:
``app.bsky.notification.listNotifications`` (``NOTIFICATIONS``), ``chat.bsky.convo.listConvos``
/ ``getMessages`` / ``sendMessage``, ``com.atproto.server.createSession``,
``com.atproto.repo.createRecord`` answers and the XRPC error bodies
(``{"error": ..., "message": ...}``: ExpiredToken, InvalidToken "Bad token scope",
RecordNotFound, NotFound).
"""

from __future__ import annotations

import base64
import json
import sys
from datetime import UTC, datetime

import pytest
from werkzeug import Response

from beffroi.collectors import Author, Interaction, OutgoingPost
from beffroi.collectors.bluesky import BlueskyCollector, tid
from beffroi.collectors.social_errors import (
    InstanceDown,
    NoDirectMessageAccess,
    ParentDeleted,
    PostTooLong,
    SessionExpired,
)
from beffroi.config import Account
from tests.conftest import shared_fixture

CITY = "did:plc:kvwvcn5iqfooopmyzvb4qzba"  # test.marshal.dev, whose records were recorded
CITIZEN = "did:plc:citizen0000000000000001"
PASSWORD = "abcd-efgh-ijkl-mnop"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

REPLAYED = {
    "thread_view_post_with_embed_media.json": "test_thread_with_replies_and_media",
    "post_record.json": "test_find_published_looks_the_key_up",
    "extended_post_record.json": "test_a_retry_after_a_crash_finds_the_record_at_its_key",
    "like_record.json": "test_like_records_name_the_post_liked",
    "extended_like_record.json": "test_like_records_name_the_post_liked",
    "get_follows.json": "test_follows_say_who_accepts_messages",
    "resolve_handle.json": "test_doctor_resolves_the_handle_and_the_repo",
    "did_doc.json": "test_doctor_resolves_the_handle_and_the_repo",
}


def recorded(name: str) -> dict:
    return json.loads(shared_fixture(f"bluesky/{name}").read_text(encoding="utf-8"))


def jwt(sub: str) -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    payload = {"scope": "com.atproto.appPass", "sub": sub, "iat": 1764579600, "exp": 4102444800}
    return f"{part({'alg': 'ES256K', 'typ': 'at+jwt'})}.{part(payload)}.c2lnbmF0dXJl"


SESSION = {  # WRITTEN: com.atproto.server.createSession's output
    "did": CITY,
    "handle": "test.marshal.dev",
    "accessJwt": jwt(CITY),
    "refreshJwt": jwt(CITY),
    "active": True,
}


def profile(did: str, handle: str, name: str | None = None) -> dict:
    return {"did": did, "handle": handle, **({"displayName": name} if name else {})}


CITY_POST = f"at://{CITY}/app.bsky.feed.post/3kaheyt6vpc22"
# WRITTEN from app.bsky.notification.listNotifications (notification objects).
NOTIFICATIONS = [
    {
        "uri": f"at://{CITIZEN}/app.bsky.feed.post/3lbreply0001a",
        "cid": "bafyreply0001",
        "author": profile(CITIZEN, "jeanne.bsky.social", "Jeanne"),
        "reason": "reply",
        "reasonSubject": CITY_POST,
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "Le marché est ouvert dimanche ? ville.fr/agenda/marc...",
            "createdAt": "2026-12-01T08:30:00.000Z",
            "facets": [
                {
                    "index": {"byteStart": 33, "byteEnd": 56},
                    "features": [
                        {
                            "$type": "app.bsky.richtext.facet#link",
                            "uri": "https://ville.fr/agenda/marche-de-noel",
                        }
                    ],
                }
            ],
            "reply": {
                "root": {"uri": CITY_POST, "cid": "bafyroot"},
                "parent": {"uri": CITY_POST, "cid": "bafyroot"},
            },
        },
        "isRead": False,
        "indexedAt": "2026-12-01T08:30:01.000Z",
        "labels": [],
    },
    {
        "uri": f"at://{CITIZEN}/app.bsky.feed.post/3lbment0001a",
        "cid": "bafymention",
        "author": profile(CITIZEN, "jeanne.bsky.social", "Jeanne"),
        "reason": "mention",
        "record": {
            "$type": "app.bsky.feed.post",
            "text": "@villedemarcq.fr le lampadaire rue Nationale est éteint 💡",
            "createdAt": "2026-12-01T08:20:00.000Z",
        },
        "isRead": False,
        "indexedAt": "2026-12-01T08:20:01.000Z",
    },
    {
        "uri": f"at://{CITIZEN}/app.bsky.feed.like/3lblike00001a",
        "cid": "bafylike",
        "author": profile(CITIZEN, "jeanne.bsky.social", "Jeanne"),
        "reason": "like",
        "reasonSubject": CITY_POST,
        "record": {
            "$type": "app.bsky.feed.like",
            "subject": {"uri": CITY_POST, "cid": "bafyroot"},
            "createdAt": "2026-12-01T08:10:00.000Z",
        },
        "isRead": True,
        "indexedAt": "2026-12-01T08:10:01.000Z",
    },
    {
        "uri": "at://did:plc:paul/app.bsky.feed.repost/3lbrepost001a",
        "cid": "bafyrepost",
        "author": profile("did:plc:paul", "paul.bsky.social"),
        "reason": "repost",
        "reasonSubject": CITY_POST,
        "record": {
            "$type": "app.bsky.feed.repost",
            "subject": {"uri": CITY_POST, "cid": "bafyroot"},
            "createdAt": "2026-12-01T08:05:00.000Z",
        },
        "isRead": True,
        "indexedAt": "2026-12-01T08:05:01.000Z",
    },
    {
        "uri": "at://did:plc:paul/app.bsky.graph.follow/3lbfollow01a",
        "cid": "bafyfollow",
        "author": profile("did:plc:paul", "paul.bsky.social"),
        "reason": "follow",
        "record": {
            "$type": "app.bsky.graph.follow",
            "subject": CITY,
            "createdAt": "2026-12-01T08:00:00.000Z",
        },
        "isRead": True,
        "indexedAt": "2026-12-01T08:00:01.000Z",
    },
]


def xrpc(server, nsid: str, method: str = "GET"):
    return server.expect_request(f"/xrpc/{nsid}", method=method)


def account(**overrides) -> Account:
    fields = {
        "key": "bsky_ville",
        "network": "bluesky",
        "handle": "test.marshal.dev",
        "external_id": CITY,
        "secret_envs": {"app_password": "BEFFROI_BLUESKY_APP_PASSWORD"},
        "streams": ["notifications", "own", "dms"],
    }
    fields.update(overrides)
    return Account(**fields)


@pytest.fixture
def pds(httpserver):
    xrpc(httpserver, "com.atproto.server.createSession", "POST").respond_with_json(SESSION)
    return httpserver


def collector(server, **overrides) -> BlueskyCollector:
    return BlueskyCollector(
        account(**overrides),
        password=PASSWORD,
        pds_url=server.url_for("").rstrip("/"),
        now=lambda: NOW,
    )


def calls(server, nsid: str) -> list:
    return [r for r, _ in server.log if r.path == f"/xrpc/{nsid}"]


def test_every_recorded_file_is_replayed_by_a_test_here():
    folder = shared_fixture("bluesky")
    manifest = json.loads((folder / "MANIFEST.json").read_text(encoding="utf-8"))
    assert sorted(p.name for p in folder.glob("*.json") if p.name != "MANIFEST.json") == sorted(
        REPLAYED
    )
    assert sorted(manifest) == sorted(REPLAYED)
    module = sys.modules[__name__]
    assert all(callable(getattr(module, test, None)) for test in REPLAYED.values())


def test_notifications_items_and_interactions(pds):
    pds.expect_oneshot_request("/xrpc/app.bsky.notification.listNotifications").respond_with_json(
        {"notifications": NOTIFICATIONS, "cursor": "2026-12-01T08:00:01.000Z"}
    )
    older = {"notifications": [dict(NOTIFICATIONS[1], indexedAt="2026-12-01T06:00:00.000Z")]}
    xrpc(pds, "app.bsky.notification.listNotifications").respond_with_json(older)
    c = collector(pds)
    pages = list(c.fetch("notifications", "2026-12-01T07:00:00.000Z"))
    # The first page reached nothing older than the mark, so the walk went on with the
    # lexicon's cursor; the second answer is older than the mark: the walk stops there.
    assert len(pages) == 2 and pages[1].items == [] and pages[0].cursor is None
    assert calls(pds, "app.bsky.notification.listNotifications")[1].args["cursor"] == (
        "2026-12-01T08:00:01.000Z"
    )
    items = [i for p in pages for i in p.items]
    reply, mention = items[:2]
    assert (reply.kind, reply.direction, reply.parent_external_id, reply.thread_external_id) == (
        "reply",
        "in",
        CITY_POST,
        CITY_POST,
    )
    assert reply.text == "Le marché est ouvert dimanche ? https://ville.fr/agenda/marche-de-noel"
    assert reply.author == Author("bluesky", CITIZEN, "@jeanne.bsky.social", "Jeanne")
    assert reply.permalink == "https://bsky.app/profile/jeanne.bsky.social/post/3lbreply0001a"
    assert reply.raw["cid"] == "bafyreply0001"
    assert (mention.kind, mention.text) == (
        "mention",
        "@villedemarcq.fr le lampadaire rue Nationale est éteint 💡",
    )
    assert pages[0].interactions == [
        Interaction(
            "bluesky",
            "bsky_ville",
            "reaction",
            Author("bluesky", CITIZEN, "@jeanne.bsky.social", "Jeanne"),
            CITY_POST,
            datetime(2026, 12, 1, 8, 10, tzinfo=UTC),
            "https://bsky.app/profile/did:plc:kvwvcn5iqfooopmyzvb4qzba/post/3kaheyt6vpc22",
        ),
        Interaction(
            "bluesky",
            "bsky_ville",
            "share",
            Author("bluesky", "did:plc:paul", "@paul.bsky.social", None),
            CITY_POST,
            datetime(2026, 12, 1, 8, 5, tzinfo=UTC),
            "https://bsky.app/profile/did:plc:kvwvcn5iqfooopmyzvb4qzba/post/3kaheyt6vpc22",
        ),
    ]
    assert pages[-1].cursor == "2026-12-01T08:30:01.000Z"
    assert all(p.rejected == [] for p in pages)


def test_idle_pass_is_one_request_per_stream(pds):
    xrpc(pds, "app.bsky.notification.listNotifications").respond_with_json(
        {"notifications": NOTIFICATIONS, "cursor": "older"}
    )
    xrpc(pds, "app.bsky.feed.getAuthorFeed").respond_with_json({"feed": [], "cursor": None})
    xrpc(pds, "chat.bsky.convo.listConvos").respond_with_json({"convos": CONVOS})
    c = collector(pds)
    c._sign_in()
    before = len(pds.log)
    pages = {
        "notifications": list(c.fetch("notifications", "2026-12-01T08:30:01.000Z")),
        "own": list(c.fetch("own", "2026-12-01T08:30:01.000Z")),
        "dms": list(c.fetch("dms", json.dumps({"convo1": "3lbmsg0002"}))),
    }
    assert len(pds.log) - before == 3
    for stream, got in pages.items():
        assert [(p.items, p.interactions, p.cursor) for p in got] == [([], [], None)], stream


def test_thread_with_replies_and_media(pds):
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(
        recorded("thread_view_post_with_embed_media.json")
    )
    items = collector(pds).thread(CITY_POST)
    assert items[0].external_id == CITY_POST
    assert items[0].direction == "out"  # the city's own post
    assert items[0].created_at == datetime(2023, 9, 28, 12, 49, 36, 735000, tzinfo=UTC)
    assert all(i.network == "bluesky" and i.text is not None for i in items)
    assert calls(pds, "app.bsky.feed.getPostThread")[0].args["uri"] == CITY_POST


def test_reply_has_root_and_parent_references(pds):
    thread = recorded("thread_view_post_with_embed_media.json")
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(thread)
    xrpc(pds, "com.atproto.repo.createRecord", "POST").respond_with_json(
        {"uri": f"at://{CITY}/app.bsky.feed.post/3lbcity00001a", "cid": "bafyreplied"}
    )
    c = collector(pds)
    parent = c.thread(CITY_POST)[0]
    reply = c.reply(parent, "Merci ! Voir #MarcheDeNoel https://ville.fr/noel")
    sent = json.loads(calls(pds, "com.atproto.repo.createRecord")[0].data)
    post = thread["thread"]["post"]
    ref = {"uri": post["uri"], "cid": post["cid"], "$type": "com.atproto.repo.strongRef"}
    assert sent["record"]["reply"] == {
        "root": ref,
        "parent": ref,
        "$type": "app.bsky.feed.post#replyRef",
    }
    assert sent["repo"] == CITY and sent["collection"] == "app.bsky.feed.post"
    assert [f["features"][0]["$type"] for f in sent["record"]["facets"]] == [
        "app.bsky.richtext.facet#tag",
        "app.bsky.richtext.facet#link",
    ]
    assert (reply.kind, reply.direction, reply.parent_external_id) == ("reply", "out", CITY_POST)


def test_publish_uses_the_key_chosen_before_the_call(pds):
    key = tid(NOW, 7)
    xrpc(pds, "com.atproto.repo.createRecord", "POST").respond_with_json(
        {"uri": f"at://{CITY}/app.bsky.feed.post/{key}", "cid": "bafynew"}
    )
    post = OutgoingPost("bsky_ville", "Conseil municipal ce soir #Marcq", "bfmarker01", key=key)
    uri = collector(pds).publish(post)
    sent = json.loads(calls(pds, "com.atproto.repo.createRecord")[0].data)
    assert sent["rkey"] == key and uri.endswith(f"/{key}")
    assert sent["record"]["text"] == "Conseil municipal ce soir #Marcq"
    assert sent["record"]["facets"][0]["features"] == [
        {"$type": "app.bsky.richtext.facet#tag", "tag": "Marcq"}
    ]


def test_find_published_looks_the_key_up(pds):
    xrpc(pds, "com.atproto.repo.getRecord").respond_with_json(recorded("post_record.json"))
    c = collector(pds)
    assert c.find_published("3k2yihcrp6f2c", NOW) == recorded("post_record.json")["uri"]
    asked = calls(pds, "com.atproto.repo.getRecord")[0].args
    assert dict(asked) == {
        "repo": CITY,
        "collection": "app.bsky.feed.post",
        "rkey": "3k2yihcrp6f2c",
    }


def test_find_published_absent_key_is_none(pds):
    xrpc(pds, "com.atproto.repo.getRecord").respond_with_json(
        {"error": "RecordNotFound", "message": "Could not locate record"}, status=400
    )
    assert collector(pds).find_published("3k2yihcrp6f2c", NOW) is None
    assert collector(pds).find_published_is_exhaustive is True


def test_a_retry_after_a_crash_finds_the_record_at_its_key(pds):
    """The first attempt created the record and the process died before saving the answer:
    the PDS refuses a second record at that key, and the existing one is returned."""
    existing = recorded("extended_post_record.json")
    xrpc(pds, "com.atproto.repo.createRecord", "POST").respond_with_json(
        {"error": "InvalidRequest", "message": "Record already exists"}, status=400
    )
    xrpc(pds, "com.atproto.repo.getRecord").respond_with_json(existing)
    post = OutgoingPost("bsky_ville", "regress test", "bfm", key="3k2yinh52ne2x")
    assert collector(pds).publish(post) == existing["uri"]
    assert len(calls(pds, "com.atproto.repo.createRecord")) == 1


def test_like_records_name_the_post_liked(pds):
    c = collector(pds)
    for name in ("like_record.json", "extended_like_record.json"):
        pds.clear_all_handlers()
        xrpc(pds, "com.atproto.server.createSession", "POST").respond_with_json(SESSION)
        body = recorded(name)
        xrpc(pds, "com.atproto.repo.getRecord").respond_with_json(body)
        record = c.record(body["uri"])
        note = {
            "uri": body["uri"],
            "author": profile(CITIZEN, "jeanne.bsky.social"),
            "reason": "like",  # WRITTEN envelope without reasonSubject (older AppViews)
            "record": record["value"],
            "indexedAt": "2026-12-01T08:00:00.000Z",
        }
        (like,) = c.notification_page([note]).interactions
        assert like.target_external_id == body["value"]["subject"]["uri"]
        assert like.created_at == datetime.fromisoformat(body["value"]["createdAt"]).replace(
            tzinfo=UTC
        )


def test_follows_say_who_accepts_messages(pds):
    xrpc(pds, "app.bsky.graph.getFollows").respond_with_json(recorded("get_follows.json"))
    follows = collector(pds).follows()
    assert follows[0] == (
        Author("bluesky", "did:plc:vpkhqolt662uhesyj6nxm7ys", "@why.bsky.team", "Why"),
        "all",
    )
    assert len(follows) == len(recorded("get_follows.json")["follows"])


def test_doctor_resolves_the_handle_and_the_repo(pds):
    xrpc(pds, "com.atproto.identity.resolveHandle").respond_with_json(
        recorded("resolve_handle.json")
    )
    xrpc(pds, "com.atproto.repo.describeRepo").respond_with_json(recorded("did_doc.json"))
    results = collector(pds, streams=["notifications"]).check()
    assert results[0] == (True, "bsky_ville : connexion Bluesky réussie (@test.marshal.dev)")
    # The recorded resolveHandle answers another DID than the configured one.
    assert (
        False,
        "bsky_ville : external_id devrait être did:plc:z72i7hdynmk6r22z27h6tvur (@test.marshal.dev)",
    ) in results


CONVOS = [  # WRITTEN from chat.bsky.convo.defs#convoView
    {
        "id": "convo1",
        "rev": "3lbrev0002",
        "members": [
            profile(CITY, "test.marshal.dev"),
            profile(CITIZEN, "jeanne.bsky.social", "Jeanne"),
        ],
        "lastMessage": {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": "3lbmsg0002",
            "rev": "3lbrev0002",
            "text": "Merci pour la réponse",
            "sender": {"did": CITIZEN},
            "sentAt": "2026-12-01T08:41:00.000Z",
        },
        "muted": False,
        "unreadCount": 1,
    }
]
MESSAGES = {  # WRITTEN from chat.bsky.convo.getMessages
    "messages": [
        CONVOS[0]["lastMessage"],
        {
            "$type": "chat.bsky.convo.defs#messageView",
            "id": "3lbmsg0001",
            "rev": "3lbrev0001",
            "text": "Bonjour, mon fils a perdu sa carte de cantine",
            "sender": {"did": CITIZEN},
            "sentAt": "2026-12-01T08:40:00.000Z",
        },
    ]
}


def test_direct_messages_through_the_chat_proxy(pds):
    xrpc(pds, "chat.bsky.convo.listConvos").respond_with_json({"convos": CONVOS})
    xrpc(pds, "chat.bsky.convo.getMessages").respond_with_json(MESSAGES)
    (page,) = list(collector(pds).fetch("dms", None))
    assert [(i.external_id, i.kind, i.direction, i.thread_external_id) for i in page.items] == [
        ("3lbmsg0002", "dm", "in", "convo1"),
        ("3lbmsg0001", "dm", "in", "convo1"),
    ]
    assert page.items[1].author == Author("bluesky", CITIZEN, "@jeanne.bsky.social", "Jeanne")
    assert json.loads(page.cursor) == {"convo1": "3lbmsg0002"}
    assert page.api_calls == 2
    for request in calls(pds, "chat.bsky.convo.listConvos") + calls(
        pds, "chat.bsky.convo.getMessages"
    ):
        assert request.headers["atproto-proxy"] == "did:web:api.bsky.chat#bsky_chat"


def test_dm_reply_is_sent_in_its_conversation(pds):
    xrpc(pds, "chat.bsky.convo.listConvos").respond_with_json({"convos": CONVOS})
    xrpc(pds, "chat.bsky.convo.getMessages").respond_with_json(MESSAGES)
    xrpc(pds, "chat.bsky.convo.sendMessage", "POST").respond_with_json(
        {
            "id": "3lbmsg0003",
            "rev": "3lbrev0003",
            "text": "Passez à l'accueil",
            "sender": {"did": CITY},
            "sentAt": "2026-12-01T09:00:00.000Z",
        }
    )
    c = collector(pds)
    (page,) = list(c.fetch("dms", None))
    reply = c.reply(page.items[1], "Passez à l'accueil")
    sent = json.loads(calls(pds, "chat.bsky.convo.sendMessage")[0].data)
    assert sent == {
        "convoId": "convo1",
        "message": {"text": "Passez à l'accueil", "$type": "chat.bsky.convo.defs#messageInput"},
    }
    assert (reply.kind, reply.direction, reply.thread_external_id) == ("dm", "out", "convo1")


def test_app_password_without_dm_access(pds):
    xrpc(pds, "chat.bsky.convo.listConvos").respond_with_json(
        {"error": "InvalidToken", "message": "Bad token scope"}, status=401
    )
    with pytest.raises(NoDirectMessageAccess, match="ne donne pas accès aux messages privés"):
        list(collector(pds).fetch("dms", None))


def test_an_app_password_without_dm_access_is_one_french_sentence_on_health(pds, db):
    """The health page reads the stream's last run: its error is the French sentence, the
    other streams go on (WRITTEN answer from the chat lexicon)."""
    from beffroi.scheduler.collection import collect_stream
    from beffroi.store import stream_health

    xrpc(pds, "chat.bsky.convo.listConvos").respond_with_json(
        {"error": "InvalidToken", "message": "Bad token scope"}, status=401
    )
    report = collect_stream(db, collector(pds), "dms", now=lambda: NOW)
    assert (report.status, report.error_kind) == ("error", "auth_expired")
    (run,) = [r for r in stream_health(db) if r["stream"] == "dms"]
    assert "ne donne pas accès aux messages privés" in run["error"]
    assert "transition:chat.bsky" in run["error"]  # the OAuth way, named too
    assert PASSWORD not in run["error"] and "Traceback" not in run["error"]


def test_expired_session_is_typed_and_french(pds):
    xrpc(pds, "app.bsky.notification.listNotifications").respond_with_json(
        {"error": "ExpiredToken", "message": "Token has expired"}, status=400
    )
    with pytest.raises(SessionExpired, match="la session Bluesky a expiré") as caught:
        list(collector(pds).fetch("notifications", None))
    assert PASSWORD not in str(caught.value)


def test_wrong_app_password(httpserver):
    xrpc(httpserver, "com.atproto.server.createSession", "POST").respond_with_json(
        {"error": "AuthenticationRequired", "message": "Invalid identifier or password"},
        status=401,
    )
    with pytest.raises(SessionExpired, match="mot de passe d'application"):
        list(collector(httpserver).fetch("notifications", None))


@pytest.mark.parametrize(
    "answer",
    [
        Response("<html>maintenance</html>", status=200, content_type="text/html"),
        Response("<html>Bad gateway</html>", status=502, content_type="text/html"),
        Response("<html>oops</html>", status=500, content_type="text/html"),
    ],
)
def test_server_down_or_answering_html(pds, answer):
    xrpc(pds, "app.bsky.notification.listNotifications").respond_with_response(answer)
    with pytest.raises(InstanceDown, match="ne répond pas comme prévu"):
        list(collector(pds).fetch("notifications", None))


def test_post_over_300_graphemes_is_refused_before_any_request(pds):
    c = collector(pds)
    family = "👨\u200d👩\u200d👧"  # one sign for a person, five code points
    c.check_length(family * 300)
    with pytest.raises(PostTooLong, match="301 signes, Bluesky en accepte 300"):
        c.publish(OutgoingPost("bsky_ville", "é" * 301, "bfm"))
    assert pds.log == []


def test_deleted_parent_stops_the_reply(pds):
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(
        {"error": "NotFound", "message": "Post not found: at://..."}, status=400
    )
    note_item = collector(pds).notification_page(NOTIFICATIONS[:1]).items[0]
    with pytest.raises(ParentDeleted, match="a été supprimé sur Bluesky"):
        collector(pds).reply(note_item, "Merci")
    assert calls(pds, "com.atproto.repo.createRecord") == []


def test_tid_form():
    key = tid(datetime(2026, 12, 1, tzinfo=UTC), 0)
    assert len(key) == 13 and key[0] in "234567abcdefghij"
    assert tid(datetime(2026, 12, 1, 0, 0, 1, tzinfo=UTC), 0) > key


def test_reply_to_a_reply_keeps_the_thread_root(pds):
    """WRITTEN postView of a citizen's reply: the city's answer names the citizen's post as
    parent and the thread's first post (from the parent's own record) as root."""
    citizen = NOTIFICATIONS[0]
    view = {
        "uri": citizen["uri"],
        "cid": citizen["cid"],
        "author": citizen["author"],
        "record": citizen["record"],
        "indexedAt": citizen["indexedAt"],
    }
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(
        {"thread": {"$type": "app.bsky.feed.defs#threadViewPost", "post": view}}
    )
    xrpc(pds, "com.atproto.repo.createRecord", "POST").respond_with_json(
        {"uri": f"at://{CITY}/app.bsky.feed.post/3lbcity00002a", "cid": "bafyr"}
    )
    c = collector(pds)
    item = c.notification_page([citizen]).items[0]
    reply = c.reply(item, "Oui, de 9 h à 13 h.")
    sent = json.loads(calls(pds, "com.atproto.repo.createRecord")[0].data)["record"]["reply"]
    assert (sent["root"]["uri"], sent["root"]["cid"]) == (CITY_POST, "bafyroot")
    assert (sent["parent"]["uri"], sent["parent"]["cid"]) == (citizen["uri"], citizen["cid"])
    assert (reply.parent_external_id, reply.thread_external_id) == (citizen["uri"], CITY_POST)


def _reply_node(author: str, rkey: str, text: str, created: str, parent: str) -> dict:
    """WRITTEN from app.bsky.feed.defs#threadViewPost: a reply under ``parent``."""
    ref = {"uri": parent, "cid": "bafyparent"}
    return {
        "$type": "app.bsky.feed.defs#threadViewPost",
        "post": {
            "uri": f"at://{author}/app.bsky.feed.post/{rkey}",
            "cid": f"bafy{rkey}",
            "author": {"did": author, "handle": "test.marshal.dev" if author == CITY else "c.fr"},
            "record": {
                "$type": "app.bsky.feed.post",
                "text": text,
                "createdAt": created,
                "reply": {"root": ref, "parent": ref},
            },
            "indexedAt": created,
        },
        "replies": [],
    }


def test_find_reply_looks_among_the_city_replies_under_the_post(pds):
    """The RECORDED thread (the city's post with media), its replies WRITTEN: the city's
    reply with the text, a citizen's with the same text, and the city's to another post."""
    thread = recorded("thread_view_post_with_embed_media.json")
    thread["thread"]["replies"] = [
        _reply_node(CITIZEN, "3lbcitizen0001", "Merci !", "2026-11-30T09:00:00.000Z", CITY_POST),
        _reply_node(CITY, "3lbcity00002a", "Merci !", "2026-11-30T09:05:00.000Z", "at://x/y/z"),
        _reply_node(CITY, "3lbcity00001a", "Merci !", "2026-11-30T09:10:00.000Z", CITY_POST),
    ]
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(thread)
    c = collector(pds)
    parent = c.thread(CITY_POST)[0]
    since = datetime(2026, 11, 30, 8, tzinfo=UTC)
    found = c.find_reply(parent, "Merci !", since)
    assert found is not None
    assert found.external_id == f"at://{CITY}/app.bsky.feed.post/3lbcity00001a"
    assert (found.direction, found.kind, found.parent_external_id) == ("out", "reply", CITY_POST)
    assert calls(pds, "app.bsky.feed.getPostThread")[-1].args["depth"] == "1"
    assert c.find_reply(parent, "Autre chose", since) is None
    assert c.find_reply(parent, "Merci !", datetime(2026, 11, 30, 10, tzinfo=UTC)) is None
    # Threads can be cut: a reply not found there is no proof (a person decides).
    from beffroi.inbox.replying import reply_search_is_exhaustive

    assert c.find_published_is_exhaustive and not reply_search_is_exhaustive(c)


def test_a_stuck_reply_not_in_the_thread_goes_to_a_person_even_when_absence_is_trusted(pds):
    """What "Débloquer l'envoi" asks (inbox.replying.ask_network), through the collector:
    the RECORDED thread holds no reply; Bluesky's posts are exhaustive, its threads are not."""
    from beffroi.inbox.replying import ask_network

    thread = recorded("thread_view_post_with_embed_media.json")
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(thread)
    c = collector(pds)
    parent = c.thread(CITY_POST)[0]
    facts: dict = {}
    since = datetime(2026, 11, 30, 8, tzinfo=UTC)
    assert ask_network(c, parent, "Merci !", since, True, facts) == ("unknown", None)
    assert facts["network"] == "réponse introuvable, mais le réseau ne voit pas tout"
    thread["thread"]["replies"] = [
        _reply_node(CITY, "3lbcity00001a", "Merci !", "2026-11-30T09:10:00.000Z", CITY_POST)
    ]
    pds.clear_all_handlers()
    xrpc(pds, "com.atproto.server.createSession", "POST").respond_with_json(SESSION)
    xrpc(pds, "app.bsky.feed.getPostThread").respond_with_json(thread)
    outcome, found = ask_network(c, parent, "Merci !", since, True, facts)
    assert outcome == "found" and found.external_id.endswith("/3lbcity00001a")
