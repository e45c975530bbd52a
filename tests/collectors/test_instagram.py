"""The Instagram professional-account collector against a local imitation of the Graph API."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from beffroi.collectors.errors import AuthExpired, PermanentError, RateLimited, TransientError
from beffroi.collectors.instagram import InstagramCollector
from beffroi.collectors.item import Author, Item, OutgoingPost
from beffroi.scheduler import collect_all
from tests.collectors.graph_http import (
    GRAPH,
    NOW,
    TOKEN,
    Clock,
    add,
    form,
    graph_error,
    query,
    stamp,
)
from tests.collectors.passes import collect

IG = "17841400000000001"


@pytest.fixture
def ig(sleeps):
    return InstagramCollector(
        "instagram_ville",
        account_id=IG,
        token=TOKEN,
        token_env="BEFFROI_META_PAGE_TOKEN",
        handle="marcqenbaroeul",
        sleep=sleeps,
        now=Clock(),
    )


def c(cid, text, when, user="camille59", replies=None, uid=None):
    raw = {"id": cid, "text": text, "timestamp": when, "username": user, "like_count": 0}
    raw["from"] = {"id": uid or f"u-{user}", "username": user}
    if replies is not None:
        raw["replies"] = {"data": replies}
    return raw


def media(mid, comments, count=None, next_url=None):
    block = {"data": comments}
    if next_url:
        block["paging"] = {"next": next_url}
    return {
        "id": mid,
        "timestamp": stamp(15, 12),
        "comments_count": count if count is not None else len(comments),
        "comments": block,
    }


FIRST = {
    "data": [
        media(
            "m1",
            [
                c("c3", "Magnifique 😍", stamp(19, 11), "lea.mq"),
                c(
                    "c1",
                    "C'est où exactement ?",
                    stamp(19, 9),
                    replies=[
                        c(
                            "r1",
                            "@camille59 Au parc Montalembert !",
                            stamp(19, 10),
                            "marcqenbaroeul",
                            uid=IG,
                        )  # fmt: skip
                    ],
                ),
            ],
            count=3,
        )
    ]
}


def test_first_pass_comments_replies_and_native_reply(rsps, ig):
    add(rsps, "GET", f"{IG}/media", FIRST)
    pages, items = collect(ig, "comments")
    assert len(rsps.calls) == 1 and sum(p.api_calls for p in pages) == 1
    assert "replies{" in query(rsps.calls[0])["fields"]
    by_id = {i.external_id: i for i in items}
    assert by_id["c1"].kind == "comment" and by_id["c1"].parent_external_id == "m1"
    assert by_id["c1"].author == Author("instagram", "camille59", "camille59")
    native = by_id["r1"]
    assert (
        native.kind,
        native.direction,
        native.parent_external_id,
        native.thread_external_id,
    ) == (
        "reply",
        "out",
        "c1",
        "m1",
    )
    cursor = json.loads(pages[-1].cursor)
    assert cursor["since"] == "2026-11-19T11:00:00+00:00" and cursor["extra"] == {
        "counts": {"m1": 3}
    }


def test_incremental_then_idle_pass(rsps, ig):
    add(rsps, "GET", f"{IG}/media", FIRST)
    pages, _ = collect(ig, "comments")
    newer = json.loads(json.dumps(FIRST))
    newer["data"][0]["comments"]["data"].insert(0, c("c4", "Et le marché ?", stamp(19, 12)))
    newer["data"][0]["comments_count"] = 4
    rsps.replace("GET", GRAPH + f"{IG}/media", json=newer)
    pages, items = collect(ig, "comments", pages[-1].cursor)
    assert [i.external_id for i in items] == ["c4"] and len(rsps.calls) == 2
    pages, items = collect(ig, "comments", pages[-1].cursor)
    assert items == [] and len(rsps.calls) == 3 and sum(p.api_calls for p in pages) == 1


def test_a_reply_on_an_older_comment_is_found_through_the_count(rsps, ig):
    ig.COMMENTS_PER_MEDIA = 1
    cursor = json.dumps(
        {"since": "2026-11-19T11:00:00+00:00", "seen": ["c3"], "extra": {"counts": {"m1": 3}}}
    )
    more = GRAPH + "m1/comments?limit=1&after=A"
    add(
        rsps,
        "GET",
        f"{IG}/media",
        {"data": [media("m1", [c("c3", "Magnifique", stamp(19, 11))], count=4, next_url=more)]},
    )
    add(
        rsps,
        "GET",
        "m1/comments",
        {
            "data": [
                c(
                    "c1",
                    "C'est où ?",
                    stamp(19, 9),
                    replies=[c("r2", "Merci !", stamp(19, 13), "camille59")],
                )  # fmt: skip
            ]
        },
    )
    pages, items = collect(ig, "comments", cursor)
    assert [(i.external_id, i.parent_external_id) for i in items] == [("r2", "c1")]
    assert len(rsps.calls) == 2


def test_paging_busy_media(rsps, ig):
    ig.COMMENTS_PER_MEDIA = 2
    cursor = json.dumps({"since": "2026-11-19T08:00:00+00:00", "seen": []})
    more = GRAPH + "m1/comments?limit=2&after=A"
    add(
        rsps,
        "GET",
        f"{IG}/media",
        {
            "data": [
                media(
                    "m1", [c("c9", "9", stamp(19, 18)), c("c8", "8", stamp(19, 17))], next_url=more
                )
            ]
        },  # fmt: skip
    )
    add(
        rsps,
        "GET",
        "m1/comments",
        {"data": [c("c7", "7", stamp(19, 16)), c("c0", "0", stamp(18, 7))]},
    )
    _, items = collect(ig, "comments", cursor)
    assert [i.text for i in items] == ["9", "8", "7"] and len(rsps.calls) == 2


def test_malformed_comment_is_rejected(rsps, ig):
    add(rsps, "GET", f"{IG}/media", {"data": [media("m1", [{"id": "c5", "text": "no time"}])]})
    pages, items = collect(ig, "comments")
    assert items == [] and "timestamp" in pages[0].rejected[0].reason


def test_mentions_from_tags_and_idle_pass(rsps, ig):
    tags = {
        "data": [
            {"id": "t2", "caption": "Braderie 🎉 @marcqenbaroeul", "timestamp": stamp(18, 15),
             "username": "Nora.Lille", "permalink": "https://instagram.com/p/x/"},
            {"id": "t1", "caption": "old", "timestamp": stamp(1, 15), "username": "yann"},
        ]
    }  # fmt: skip
    add(rsps, "GET", f"{IG}/tags", tags)
    pages, items = collect(ig, "mentions")
    assert [(i.external_id, i.kind, i.direction) for i in items] == [
        ("t2", "mention", "in"),
        ("t1", "mention", "in"),
    ]
    assert items[0].author == Author("instagram", "nora.lille", "Nora.Lille")
    pages, items = collect(ig, "mentions", pages[-1].cursor)
    assert items == [] and len(rsps.calls) == 2


def test_mention_from_webhook_reads_the_mentioned_comment(rsps, ig):
    add(
        rsps,
        "GET",
        IG,
        {
            "mentioned_comment": {"id": "mc1", "text": "@marcqenbaroeul bravo", "timestamp":
                                  stamp(19, 8), "username": "zoe", "media": {"id": "x9"}},
            "id": IG,
        },
    )  # fmt: skip
    item = ig.mention_from_webhook(comment_id="mc1")
    assert (item.kind, item.parent_external_id, item.author.handle) == ("mention", "x9", "zoe")
    assert "mentioned_comment.comment_id(mc1)" in query(rsps.calls[0])["fields"]


def test_messages_and_idle_pass(rsps, ig):
    body = {
        "data": [
            {
                "id": "aWdf1",
                "updated_time": stamp(19, 14),
                "messages": {
                    "data": [
                        {"id": "im2", "created_time": stamp(19, 14), "message": "Bonjour !",
                         "from": {"id": IG, "username": "marcqenbaroeul"}},
                        {"id": "im1", "created_time": stamp(19, 13), "message": "Horaires ?",
                         "from": {"id": "igsid-77", "username": "camille59"}},
                    ]
                },
            }
        ]
    }  # fmt: skip
    add(rsps, "GET", "me/conversations", body)
    pages, items = collect(ig, "messages")
    assert query(rsps.calls[0])["platform"] == "instagram"
    by_id = {i.external_id: i for i in items}
    assert by_id["im1"].author == Author("instagram", "camille59", "camille59")
    assert by_id["im2"].direction == "out" and by_id["im2"].parent_external_id == "im1"
    pages, items = collect(ig, "messages", pages[-1].cursor)
    assert items == [] and len(rsps.calls) == 2


def test_errors_are_typed(rsps, ig, sleeps):
    add(rsps, "GET", f"{IG}/media", graph_error(190, "Session has expired"), 400)
    with pytest.raises(AuthExpired, match="instagram_ville.*Renew"):
        collect(ig, "comments")
    rsps.replace(
        "GET", GRAPH + f"{IG}/media", json=graph_error(32, "Page request limit"), status=400
    )
    with pytest.raises(RateLimited):
        collect(ig, "comments")
    rsps.replace("GET", GRAPH + f"{IG}/media", json=graph_error(2, "Service unavailable",
                 is_transient=True), status=503)  # fmt: skip
    with pytest.raises(TransientError):
        collect(ig, "comments")
    assert sleeps == [2.0, 10.0]


# ------------------------------------------------------------------ writing
def item(kind, external_id, parent=None, author=None, raw=None):
    return Item(
        network="instagram",
        account="instagram_ville",
        external_id=external_id,
        kind=kind,
        direction="in",
        text="…",
        created_at=NOW,
        author=author,
        parent_external_id=parent,
        thread_external_id="m1",
        raw=raw,
    )


def test_reply_to_comment_and_to_reply(rsps, ig):
    add(rsps, "POST", "c1/replies", {"id": "r9"})
    reply = ig.reply(item("comment", "c1", "m1"), "Au parc !")
    assert form(rsps.calls[0])["message"] == "Au parc !"
    assert (reply.external_id, reply.parent_external_id, reply.direction) == ("r9", "c1", "out")
    ig.reply(item("reply", "r2", "c1"), "Avec plaisir")  # answers under the top-level comment
    assert rsps.calls[1].request.url.startswith(GRAPH + "c1/replies")


def test_reply_to_a_direct_message(rsps, ig):
    add(rsps, "POST", "me/messages", {"recipient_id": "igsid-77", "message_id": "im9"})
    raw = {"id": "im1", "from": {"id": "igsid-77", "username": "camille59"}}
    dm = item("dm", "im1", author=Author("instagram", "camille59", "camille59"), raw=raw)
    reply = ig.reply(dm, "Bonjour")
    sent = form(rsps.calls[0])
    assert json.loads(sent["recipient"]) == {"id": "igsid-77"}  # the messaging id, from raw
    assert json.loads(sent["message"]) == {"text": "Bonjour"}
    assert reply.external_id == "im9"


def test_publish_checks_quota_then_container_then_publish(rsps, ig):
    add(rsps, "GET", f"{IG}/content_publishing_limit",
        {"data": [{"quota_usage": 3, "config": {"quota_total": 25, "quota_duration": 86400}}]})  # fmt: skip
    add(rsps, "POST", f"{IG}/media", {"id": "cont1"})
    add(rsps, "GET", "cont1", {"id": "cont1", "status_code": "IN_PROGRESS"})
    add(rsps, "GET", "cont1", {"id": "cont1", "status_code": "FINISHED"})
    add(rsps, "POST", f"{IG}/media_publish", {"id": "media9"})
    post = OutgoingPost("instagram_ville", "#instamoment", "im-1",
                        image_path="https://www.marcq.fr/img/instamoment.jpg")  # fmt: skip
    assert ig.publish(post) == "media9"
    methods = [(call.request.method, call.request.url.split("?")[0]) for call in rsps.calls]
    assert methods == [
        ("GET", GRAPH + f"{IG}/content_publishing_limit"),
        ("POST", GRAPH + f"{IG}/media"),
        ("GET", GRAPH + "cont1"),
        ("GET", GRAPH + "cont1"),
        ("POST", GRAPH + f"{IG}/media_publish"),
    ]
    assert form(rsps.calls[1]) == {
        "image_url": "https://www.marcq.fr/img/instamoment.jpg",
        "caption": "#instamoment",
        "access_token": TOKEN,
    }
    assert form(rsps.calls[4])["creation_id"] == "cont1"


def test_publish_sends_the_public_copy_of_a_local_image(rsps, ig, tmp_path):
    add(rsps, "GET", f"{IG}/content_publishing_limit",
        {"data": [{"quota_usage": 0, "config": {"quota_total": 25, "quota_duration": 86400}}]})  # fmt: skip
    add(rsps, "POST", f"{IG}/media", {"id": "cont2"})
    add(rsps, "GET", "cont2", {"id": "cont2", "status_code": "FINISHED"})
    add(rsps, "POST", f"{IG}/media_publish", {"id": "media10"})
    post = OutgoingPost("instagram_ville", "#instamoment", "im-2", image_path=str(tmp_path / "a.png"),
                        image_url="https://www.marcq.fr/beffroi-images/a.png")  # fmt: skip
    assert ig.publish(post) == "media10"
    assert form(rsps.calls[1])["image_url"] == "https://www.marcq.fr/beffroi-images/a.png"


def test_publish_refuses_clearly(rsps, ig, tmp_path):
    local = OutgoingPost("instagram_ville", "x", "m", image_path=str(tmp_path / "a.jpg"))
    with pytest.raises(PermanentError, match="from a public URL"):
        ig.publish(local)
    with pytest.raises(PermanentError, match="needs an image"):
        ig.publish(OutgoingPost("instagram_ville", "texte seul", "m"))
    add(rsps, "GET", f"{IG}/content_publishing_limit",
        {"data": [{"quota_usage": 25, "config": {"quota_total": 25, "quota_duration": 86400}}]})  # fmt: skip
    post = OutgoingPost("instagram_ville", "x", "m", link="https://www.marcq.fr/a.jpg")
    with pytest.raises(RateLimited, match="quota is used up") as caught:
        ig.publish(post)
    assert caught.value.reset_at == NOW + timedelta(hours=1)
    assert len(rsps.calls) == 1  # nothing was created


def test_check_finds_the_linked_account(rsps, ig):
    """Without external_id, the Page token's ``me`` names the account (and the doctor says
    to configure it); the permission probes follow, one request each."""
    ig.account_id = None
    add(rsps, "GET", "me", {"id": "1001", "name": "Ville de Marcq",
        "instagram_business_account": {"id": IG, "username": "marcqenbaroeul"}})  # fmt: skip
    for path in (f"{IG}/media", f"{IG}/tags", f"{IG}/content_publishing_limit"):
        add(rsps, "GET", path, {"data": []})
    add(rsps, "GET", "me/conversations", {"data": []})
    lines = ig.check()
    assert "@marcqenbaroeul" in lines[0][1] and "external_id is empty" in lines[1][1]
    assert [ok for ok, _ in lines[2:]] == [True] * 4
    assert "flux « messages » : lire et répondre aux messages Instagram Direct" in lines[4][1]
    assert len(rsps.calls) == 5


def test_check_takes_the_id_from_the_configuration_and_names_missing_permissions(rsps, ig):
    """``me?fields=instagram_business_account`` may need a user token: with external_id
    configured it is never asked. A refused probe names the permissions, in French."""
    add(rsps, "GET", IG, {"id": IG, "username": "marcqenbaroeul"})
    add(rsps, "GET", f"{IG}/media", {"data": []})
    add(rsps, "GET", f"{IG}/tags", {"data": []})
    add(rsps, "GET", "me/conversations", graph_error(200, "(#200) Requires "
        "instagram_manage_messages permission"), 403)  # fmt: skip
    add(rsps, "GET", f"{IG}/content_publishing_limit", {"data": [{"quota_usage": 0}]})
    lines = ig.check()
    assert not any(c.request.url.startswith(GRAPH + "me?") for c in rsps.calls)
    assert "from external_id" in lines[0][1]
    refused = [line for ok, line in lines if not ok]
    assert len(refused) == 1 and "flux « messages » : Meta refuse" in refused[0]
    assert "instagram_manage_messages" in refused[0]


def test_collect_all_into_sqlite(rsps, ig, db):
    add(rsps, "GET", f"{IG}/media", FIRST)
    ig._streams = ["comments"]
    [report] = collect_all(db, [ig], now=lambda: NOW)
    assert (report.status, report.new, report.api_calls) == ("ok", 3, 1)
    assert db.execute("SELECT count(*) FROM queue").fetchone()[0] == 2


def test_find_published_pages_through_recent_media(rsps, ig):
    add(rsps, "GET", f"{IG}/media", {"data": [{"id": "a", "caption": "autre"}],
        "paging": {"next": GRAPH + f"{IG}/media?after=Z"}})  # fmt: skip
    add(rsps, "GET", f"{IG}/media", {"data": [{"id": "b", "caption": "#instamoment rdv-7"}]})
    assert ig.find_published("rdv-7", NOW) == "b"
    sent = query(rsps.calls[0])
    assert sent["fields"] == "id,caption" and sent["since"] == str(int(NOW.timestamp()) - 300)
    assert query(rsps.calls[1])["after"] == "Z"
