"""The Facebook Page collector against a local imitation of the Graph API (HTTP layer)."""

from __future__ import annotations

import json
import logging

import pytest

from beffroi.collectors.errors import AuthExpired, PermanentError, RateLimited, TransientError
from beffroi.collectors.facebook import FacebookCollector
from beffroi.collectors.item import Author, Item, OutgoingPost
from beffroi.scheduler import collect_all
from beffroi.store import get_cursor
from tests.collectors.graph_http import (
    NOW,
    PAGE,
    TOKEN,
    Clock,
    add,
    form,
    graph_error,
    page_collector,
    query,
    stamp,
)
from tests.collectors.passes import collect

POST_A = f"{PAGE}_5001"
POST_B = f"{PAGE}_5002"


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def fb(sleeps, clock):
    return page_collector(clock, sleeps)


def comment(cid, text, when, author=("42", "Camille Martin"), parent=None, post="5001"):
    raw = {
        "id": f"{post}_{cid}",
        "message": text,
        "created_time": when,
        "like_count": 0,
        "comment_count": 0,
        "permalink_url": f"https://www.facebook.com/{PAGE}/posts/{post}/?comment_id={cid}",
    }
    if author:
        raw["from"] = {"id": author[0], "name": author[1]}
    if parent:
        raw["parent"] = {"id": f"{post}_{parent}"}
    return raw


def feed(*posts, next_url=None):
    body = {"data": list(posts)}
    if next_url:
        body["paging"] = {"next": next_url}
    return body


def post_with(post_id, comments, next_url=None):
    block = {"data": comments}
    if next_url:
        block["paging"] = {"cursors": {"after": "c1"}, "next": next_url}
    return {"id": post_id, "created_time": stamp(18, 9), "comments": block}


FIRST_FEED = feed(
    post_with(
        POST_A,
        [
            # newest first, as ``order(reverse_chronological)`` returns them
            comment("9003", "Merci pour la réponse", stamp(19, 11), ("43", "Léa")),
            comment(
                "9002",
                "Bonjour, c'est samedi de 9h à 12h.",
                stamp(19, 10),
                (PAGE, "Ville de Marcq"),
                parent="9001",
            ),
            comment("9001", "Le marché est-il ouvert samedi ?", stamp(19, 9)),
        ],
    ),
    post_with(POST_B, [comment("9101", "Sans auteur visible", stamp(19, 8), None, post="5002")]),
)


# ------------------------------------------------------------------ comments
def test_first_pass_reads_comments_replies_and_native_replies_in_one_request(rsps, fb):
    add(rsps, "GET", f"{PAGE}/feed", FIRST_FEED)
    pages, items = collect(fb, "comments")
    assert len(rsps.calls) == 1 and sum(p.api_calls for p in pages) == 1
    sent = query(rsps.calls[0])
    assert "comments.filter(stream).order(reverse_chronological).limit(25)" in sent["fields"]
    assert sent["since"] == str(int(NOW.timestamp()) - 30 * 86400)
    by_id = {i.external_id: i for i in items}
    assert set(by_id) == {"5001_9003", "5001_9002", "5001_9001", "5002_9101"}
    question = by_id["5001_9001"]
    assert (question.kind, question.direction, question.parent_external_id) == (
        "comment",
        "in",
        POST_A,
    )
    assert question.author == Author("facebook", "42", None, "Camille Martin")
    native = by_id["5001_9002"]
    assert (native.kind, native.direction, native.parent_external_id) == (
        "reply",
        "out",
        "5001_9001",
    )
    assert native.thread_external_id == POST_A
    assert by_id["5002_9101"].author is None
    cursor = json.loads(pages[-1].cursor)
    assert cursor == {"since": "2026-11-19T11:00:00+00:00", "seen": ["5001_9003"]}


def test_incremental_and_idle_passes_cost_one_request(rsps, fb):
    add(rsps, "GET", f"{PAGE}/feed", FIRST_FEED)
    pages, _ = collect(fb, "comments")
    cursor = pages[-1].cursor
    newer = json.loads(json.dumps(FIRST_FEED))
    newer["data"][0]["comments"]["data"].insert(0, comment("9004", "Et dimanche ?", stamp(19, 12)))
    rsps.replace("GET", fb_url(f"{PAGE}/feed"), json=newer)
    pages, items = collect(fb, "comments", cursor)
    assert [i.external_id for i in items] == ["5001_9004"]
    assert len(rsps.calls) == 2
    cursor = pages[-1].cursor
    pages, items = collect(fb, "comments", cursor)
    assert items == [] and len(rsps.calls) == 3 and sum(p.api_calls for p in pages) == 1
    assert pages[-1].cursor == cursor


def fb_url(path):
    return "https://graph.facebook.com/v24.0/" + path


def test_a_busy_post_is_paged_until_known_comments(rsps, fb):
    fb.COMMENTS_PER_POST = 2
    next1 = fb_url("5001/comments") + "?access_token=x&limit=2&after=c1"
    first = feed(
        post_with(
            POST_A,
            [comment("9010", "six", stamp(19, 16)), comment("9009", "cinq", stamp(19, 15))],
            next_url=next1,
        )
    )
    add(rsps, "GET", f"{PAGE}/feed", first)
    add(
        rsps,
        "GET",
        "5001/comments",
        {
            "data": [
                comment("9008", "quatre", stamp(19, 14)),
                comment("9007", "trois", stamp(19, 13)),
            ],
            "paging": {"next": fb_url("5001/comments") + "?limit=2&after=c2"},
        },
    )
    add(
        rsps,
        "GET",
        "5001/comments",
        {"data": [comment("9006", "deux", stamp(19, 12)), comment("9001", "old", stamp(19, 9))]},
    )
    cursor = json.dumps({"since": "2026-11-19T09:00:00+00:00", "seen": ["5001_9001"]})
    pages, items = collect(fb, "comments", cursor)
    assert [i.text for i in items] == ["six", "cinq", "quatre", "trois", "deux"]
    assert len(rsps.calls) == 3  # 5 new comments, 2 per page
    follow = query(rsps.calls[1])
    assert follow["after"] == "c1" and follow["access_token"] == TOKEN  # never the URL's token
    assert [p.cursor for p in pages[:-1]] == [None] * (len(pages) - 1)
    assert json.loads(pages[-1].cursor)["since"] == "2026-11-19T16:00:00+00:00"


def test_malformed_comment_is_rejected_with_reason(rsps, fb):
    broken = {"id": "5001_9999", "message": "pas de date"}
    add(rsps, "GET", f"{PAGE}/feed", feed(post_with(POST_A, [broken])))
    pages, items = collect(fb, "comments")
    assert items == []
    [rejected] = [r for p in pages for r in p.rejected]
    assert rejected.payload == broken and "created_time" in rejected.reason


# ------------------------------------------------------------------ errors
def test_graph_rate_limit_error_becomes_rate_limited(rsps, fb):
    add(rsps, "GET", f"{PAGE}/feed", graph_error(4, "Application request limit reached"), 400)
    with pytest.raises(RateLimited) as caught:
        collect(fb, "comments")
    assert caught.value.reset_at > NOW


def test_usage_headers_slow_down_then_stop_before_the_limit(rsps, fb, sleeps, clock):
    usage = {"x-business-use-case-usage": json.dumps({PAGE: [
        {"type": "pages", "call_count": 97, "total_cputime": 10, "total_time": 12,
         "estimated_time_to_regain_access": 7}]})}  # fmt: skip
    add(rsps, "GET", f"{PAGE}/feed", feed(), headers={"x-app-usage": '{"call_count": 80}'})
    collect(fb, "comments")
    add(rsps, "GET", f"{PAGE}/posts", {"data": []}, headers=usage)
    rsps.replace("GET", fb_url(f"{PAGE}/feed"), json=feed(), headers=usage)
    collect(fb, "posts")
    assert sleeps == [5.0]  # slowed down once, at 80 %
    calls = len(rsps.calls)
    with pytest.raises(RateLimited) as caught:
        collect(fb, "comments")
    assert len(rsps.calls) == calls  # refused before sending
    assert caught.value.reset_at == NOW + __import__("datetime").timedelta(minutes=7)
    clock.value = caught.value.reset_at
    rsps.replace("GET", fb_url(f"{PAGE}/feed"), json=feed())
    collect(fb, "comments")  # the estimate has passed: it tries again
    assert len(rsps.calls) == calls + 1


def test_expired_token_names_the_account_and_what_to_do(rsps, fb):
    add(
        rsps,
        "GET",
        f"{PAGE}/feed",
        graph_error(190, "Error validating access token: Session has expired", 463),
        400,
    )
    with pytest.raises(AuthExpired) as caught:
        collect(fb, "comments")
    text = str(caught.value)
    assert "facebook_ville" in text and "BEFFROI_META_PAGE_TOKEN" in text and "Renew" in text


def test_missing_token_says_which_variable(sleeps):
    fb = FacebookCollector(
        "facebook_ville", account_id=PAGE, token=None, token_env="BEFFROI_META_PAGE_TOKEN"
    )
    with pytest.raises(AuthExpired, match="BEFFROI_META_PAGE_TOKEN is not set"):
        collect(fb, "comments")


def test_server_errors_are_retried_then_transient(rsps, fb, sleeps):
    add(rsps, "GET", f"{PAGE}/feed", "<html>502 Bad Gateway</html>", 502)
    add(rsps, "GET", f"{PAGE}/feed", FIRST_FEED)
    _, items = collect(fb, "comments")
    assert len(items) == 4 and sleeps == [2.0]
    rsps.replace("GET", fb_url(f"{PAGE}/feed"), body="<html>oops</html>", status=500)
    with pytest.raises(TransientError, match="HTTP 500"):
        collect(fb, "comments")
    assert sleeps == [2.0, 2.0, 10.0]


def test_connection_reset_is_transient_and_the_token_is_masked(rsps, fb, sleeps, caplog):
    import requests

    rsps.add("GET", fb_url(f"{PAGE}/feed"), body=requests.ConnectionError(
        f"Connection reset by peer while fetching {fb_url(PAGE)}/feed?access_token={TOKEN}"))  # fmt: skip
    caplog.set_level(logging.DEBUG)
    with pytest.raises(TransientError) as caught:
        collect(fb, "comments")
    assert TOKEN not in str(caught.value) and "access_token=***" in str(caught.value)
    assert len(sleeps) == 2
    assert TOKEN not in caplog.text


def test_other_graph_errors_are_permanent(rsps, fb):
    add(rsps, "GET", f"{PAGE}/feed", graph_error(100, "Unsupported get request"), 400)
    with pytest.raises(PermanentError, match="Graph error 100"):
        collect(fb, "comments")


def test_permission_error_asks_a_person(rsps, fb):
    add(rsps, "GET", f"{PAGE}/conversations", graph_error(230, "Requires pages_messaging"), 403)
    with pytest.raises(AuthExpired, match="permission is missing"):
        collect(fb, "messages")


# ------------------------------------------------------------------ messages
def message(mid, text, when, sender):
    return {
        "id": mid,
        "created_time": when,
        "from": {"id": sender[0], "name": sender[1]},
        "message": text,
    }


CONVERSATIONS = {
    "data": [
        {
            "id": "t_77",
            "updated_time": stamp(19, 14),
            "messages": {
                "data": [  # newest first
                    message("m_3", "Avec plaisir.", stamp(19, 14), (PAGE, "Ville")),
                    message("m_2", "Merci !", stamp(19, 13), ("55", "Inès")),
                    message(
                        "m_1",
                        "Bonjour, où déposer des encombrants ?",
                        stamp(19, 12),
                        ("55", "Inès"),
                    ),
                ]
            },
        },
        {
            "id": "t_78",
            "updated_time": stamp(10, 8),
            "messages": {"data": [message("m_0", "vieux", stamp(10, 8), ("56", "Yann"))]},
        },
    ]
}


def test_messages_first_and_idle_pass(rsps, fb):
    add(rsps, "GET", f"{PAGE}/conversations", CONVERSATIONS)
    pages, items = collect(fb, "messages")
    assert query(rsps.calls[0])["platform"] == "messenger"
    by_id = {i.external_id: i for i in items}
    assert set(by_id) == {"m_0", "m_1", "m_2", "m_3"}
    assert by_id["m_3"].direction == "out" and by_id["m_3"].parent_external_id == "m_2"
    assert by_id["m_1"].thread_external_id == "t_77" and by_id["m_1"].kind == "dm"
    pages, items = collect(fb, "messages", pages[-1].cursor)
    assert items == [] and len(rsps.calls) == 2 and sum(p.api_calls for p in pages) == 1


# ------------------------------------------------------------------ posts
def test_posts_are_the_pages_own_and_idle_pass_is_one_request(rsps, fb):
    body = {
        "data": [
            {
                "id": POST_A,
                "message": "Marché de Noël ce week-end",
                "created_time": stamp(18, 9),
                "from": {"id": PAGE, "name": "Ville"},
                "comments": {"data": [], "summary": {"total_count": 3}},
                "reactions": {"data": [], "summary": {"total_count": 12}},
            }
        ]
    }
    add(rsps, "GET", f"{PAGE}/posts", body)
    pages, [post] = collect(fb, "posts")
    assert (post.kind, post.direction, post.like_count, post.reply_count) == ("post", "out", 12, 3)
    pages, items = collect(fb, "posts", pages[-1].cursor)
    assert items == [] and len(rsps.calls) == 2
    assert query(rsps.calls[1])["since"] == str(int(post.created_at.timestamp()))


# ------------------------------------------------------------------ writing
def citizen_item(external_id: str, kind: str, text: str, author: Author, **more) -> Item:
    """A citizen's message on the city's Page, collected at NOW."""
    return Item("facebook", "facebook_ville", external_id, kind, "in", text, NOW, author, **more)


def citizen_comment():
    camille = Author("facebook", "42", None, "Camille")
    return citizen_item("5001_9001", "comment", "Le marché est-il ouvert samedi ?", camille,
                        parent_external_id=POST_A, thread_external_id=POST_A)  # fmt: skip


def test_reply_to_a_comment_posts_under_it(rsps, fb):
    add(
        rsps,
        "POST",
        "5001_9001/comments",
        {"id": "5001_9050", "created_time": stamp(20, 10), "permalink_url": "https://fb/x"},
    )
    reply = fb.reply(citizen_comment(), "Oui, de 8h à 13h.")
    sent = form(rsps.calls[0])
    assert sent["message"] == "Oui, de 8h à 13h." and sent["access_token"] == TOKEN
    assert query(rsps.calls[0])["fields"] == "id,created_time,permalink_url"
    assert (reply.external_id, reply.direction, reply.parent_external_id) == (
        "5001_9050",
        "out",
        "5001_9001",
    )


def test_reply_to_a_message_uses_the_send_api(rsps, fb):
    add(rsps, "POST", f"{PAGE}/messages", {"recipient_id": "55", "message_id": "m_99"})
    ines = Author("facebook", "55", None, "Inès")
    dm = citizen_item("m_1", "dm", "Bonjour", ines, thread_external_id="t_77")
    reply = fb.reply(dm, "Bonjour Inès, à la déchetterie.")
    sent = form(rsps.calls[0])
    assert json.loads(sent["recipient"]) == {"id": "55"}
    assert json.loads(sent["message"]) == {"text": "Bonjour Inès, à la déchetterie."}
    assert sent["messaging_type"] == "RESPONSE"
    assert (reply.external_id, reply.thread_external_id, reply.parent_external_id) == (
        "m_99",
        "t_77",
        "m_1",
    )


def test_reply_outside_the_24_hour_window_says_so(rsps, fb):
    add(rsps, "POST", f"{PAGE}/messages", graph_error(10, "outside window", 2018278), 400)
    dm = Item("facebook", "facebook_ville", "m_1", "dm", "in", "x", NOW, Author("facebook", "55"))
    with pytest.raises(PermanentError, match="24 hours"):
        fb.reply(dm, "Bonjour")


def test_publish_text_and_photo(rsps, fb, tmp_path):
    add(rsps, "POST", f"{PAGE}/feed", {"id": f"{PAGE}_6001"})
    assert fb.publish(OutgoingPost("facebook_ville", "Jeudi de l'économie #jde", "jde")) == (
        f"{PAGE}_6001"
    )
    assert form(rsps.calls[0])["message"] == "Jeudi de l'économie #jde"
    image = tmp_path / "affiche.jpg"
    image.write_bytes(b"\xff\xd8\xff fake jpeg bytes")
    add(rsps, "POST", f"{PAGE}/photos", {"id": "7001", "post_id": f"{PAGE}_6002"})
    post = OutgoingPost("facebook_ville", "Minute culturelle", "mc", image_path=str(image))
    assert fb.publish(post) == f"{PAGE}_6002"
    body = rsps.calls[1].request.body
    assert b"Minute culturelle" in body and b"fake jpeg bytes" in body
    assert b'name="source"; filename="affiche.jpg"' in body


def test_find_published_looks_for_the_marker(rsps, fb):
    add(
        rsps,
        "GET",
        f"{PAGE}/posts",
        {
            "data": [
                {"id": f"{PAGE}_1", "message": "autre"},
                {"id": f"{PAGE}_2", "message": "x #rdv-42"},
            ]
        },
    )
    assert fb.find_published("#rdv-42", NOW) == f"{PAGE}_2"
    assert fb.find_published("#rdv-43", NOW) is None


# ------------------------------------------------------------------ doctor and runner
def test_check_in_plain_words(rsps, fb):
    add(rsps, "GET", PAGE, {"id": PAGE, "name": "Ville de Marcq", "conversations": {"data": []}})
    lines = fb.check()
    assert all(ok for ok, _ in lines) and "Ville de Marcq" in lines[0][1]
    assert len(rsps.calls) == 1
    rsps.replace("GET", fb_url(PAGE), json=graph_error(190, "expired"), status=400)
    [(ok, text)] = fb.check()
    assert not ok and "expired" in text and "Renew" in text


def test_collect_all_runs_the_collector_into_sqlite(rsps, fb, db):
    broken = {"id": "5001_9999", "message": "pas de date"}
    body = json.loads(json.dumps(FIRST_FEED))
    body["data"][1]["comments"]["data"].append(broken)
    add(rsps, "GET", f"{PAGE}/feed", body)
    fb._streams = ["comments"]
    [report] = collect_all(db, [fb], now=lambda: NOW)
    assert (report.status, report.new, report.api_calls, report.rejected) == ("ok", 4, 1, 1)
    rows = db.execute(
        "SELECT external_id, kind, direction, parent_external_id FROM items ORDER BY external_id"
    ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("5001_9001", "comment", "in", POST_A),
        ("5001_9002", "reply", "out", "5001_9001"),
        ("5001_9003", "comment", "in", POST_A),
        ("5002_9101", "comment", "in", POST_B),
    ]
    queued = db.execute("SELECT count(*) FROM queue").fetchone()[0]
    assert queued == 3  # the city's own reply is not queued
    assert json.loads(get_cursor(db, "facebook_ville", "comments"))["seen"] == ["5001_9003"]
    [again] = collect_all(db, [fb], now=lambda: NOW)
    assert (again.new, again.api_calls) == (0, 1)


def test_urllib3_debug_lines_never_show_the_token(fb, caplog):
    """Building a collector installs the masking filter (once, not at import time)."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("urllib3.connectionpool").debug(
        '%s "GET /v24.0/1001/feed?access_token=%s&limit=50 HTTP/1.1" 200 None',
        "https://graph.facebook.com:443",
        TOKEN,
    )
    assert "access_token=***" in caplog.text and TOKEN not in caplog.text


def test_first_pass_reaches_back_90_days_only(rsps, fb):
    old = {
        "id": "t_1",
        "updated_time": "2026-05-01T08:00:00+0000",
        "messages": {"data": [message("m_old", "vieux", "2026-05-01T08:00:00+0000", ("9", "A"))]},
    }
    body = {"data": [CONVERSATIONS["data"][0], old], "paging": {"next": fb_url("x?after=2")}}
    add(rsps, "GET", f"{PAGE}/conversations", body)
    pages, items = collect(fb, "messages")
    assert {i.external_id for i in items} == {"m_1", "m_2", "m_3"}
    assert len(rsps.calls) == 1  # the old conversation ends the pass: no next page


@pytest.mark.parametrize("fault", ["Timeout", "ChunkedEncodingError"])
def test_timeouts_and_broken_bodies_are_retried(rsps, fb, sleeps, fault):
    import requests

    rsps.add(
        "GET", fb_url(f"{PAGE}/feed"), body=getattr(requests.exceptions, fault)("read timed out")
    )
    add(rsps, "GET", f"{PAGE}/feed", FIRST_FEED)
    _, items = collect(fb, "comments")
    assert len(items) == 4 and sleeps == [2.0] and len(rsps.calls) == 2


def test_a_comment_without_id_and_with_an_opaque_permalink_is_rejected():
    from beffroi.collectors.facebook import parse_comment

    raw = {
        "created_time": stamp(19, 9),
        "message": "?",
        "permalink_url": "https://www.facebook.com/1001/posts/pfbid02abc/?comment_id=77",
    }
    rejected = parse_comment(raw, account="facebook_ville", page_id=PAGE)
    assert rejected.payload == raw and "neither an id nor a permalink_url" in rejected.reason


def test_a_native_messenger_reply_links_to_a_message_stored_earlier(rsps, fb):
    add(rsps, "GET", f"{PAGE}/conversations", CONVERSATIONS)
    cursor = json.dumps({"since": "2026-11-19T13:00:00+00:00", "seen": ["m_2"]})
    _, items = collect(fb, "messages", cursor)
    [reply] = items  # m_2 was stored by an earlier pass
    assert (reply.external_id, reply.direction, reply.parent_external_id) == ("m_3", "out", "m_2")


def test_for_account_with_a_local_graph_server(httpserver, example_settings, monkeypatch):
    """``base_url`` points the real client at a real local HTTP server (pytest-httpserver)."""
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", TOKEN)
    account = example_settings.account("facebook_ville").model_copy(update={"external_id": PAGE})
    fb = FacebookCollector.for_account(
        example_settings, account, base_url=httpserver.url_for("/"), now=Clock()
    )
    httpserver.expect_request(f"/v24.0/{PAGE}/posts", method="GET").respond_with_json(
        {"data": [{"id": f"{PAGE}_1", "message": "Bonjour", "created_time": stamp(19, 9)}]}
    )
    _, [post] = collect(fb, "posts")
    assert (post.external_id, post.kind) == (f"{PAGE}_1", "post")
    [(request, _)] = httpserver.log
    assert request.args["access_token"] == TOKEN and request.args["limit"] == "50"
    assert fb.streams() == ["comments", "messages", "posts", "engagement"]  # as configured
