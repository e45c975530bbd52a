"""The public-hashtag collector: real instaloader, its HTTP intercepted with ``responses``.

The JSON below is written for these tests, small and in the shape instaloader 4.16 reads:
- ``GET https://i.instagram.com/api/v1/tags/web_info/?tag_name=...`` — what
  ``instaloader.Hashtag.from_name`` asks (``{"data": {"recent": {"sections": ...}}}``);
- ``GET https://www.instagram.com/explore/tags/{tag}/?max_id=...`` — what instaloader's
  ``SectionIterator`` asks for the next page (``{"data": {"recent": ...}}``);
- each ``media`` carries the fields ``Post.from_iphone_struct`` reads (``pk``, ``code``,
  ``taken_at``, ``caption.text``, ``like_count``, ``comment_count``, ``user``).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from beffroi.collectors.errors import AuthExpired, PermanentError, RateLimited, TransientError
from beffroi.collectors.instagram_public import InstagramPublicCollector
from beffroi.collectors.item import Author, Item, OutgoingPost
from beffroi.scheduler import collect_all

WEB_INFO = "https://i.instagram.com/api/v1/tags/web_info/"
EXPLORE = "https://www.instagram.com/explore/tags/marcqenbaroeul/"
T0 = 1763546400  # 2025-11-19 10:00 UTC
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


def media(pk, code, minutes, user="Nora.Lille", caption="Braderie #marcqenbaroeul"):
    return {
        "pk": pk,
        "id": f"{pk}_555",
        "code": code,
        "taken_at": T0 + minutes * 60,
        "media_type": 1,
        "caption": {"text": caption},
        "like_count": 12,
        "comment_count": 3,
        "has_liked": False,
        "user": {"pk": "555", "username": user, "full_name": "Nora L.", "is_private": False,
                 "profile_pic_url": "https://example.invalid/p.jpg"},
    }  # fmt: skip


def recent(medias, next_max_id=None):
    return {
        "sections": [{"layout_type": "media_grid", "layout_content": {"medias": [
            {"media": m} for m in medias]}}],
        "more_available": bool(next_max_id),
        "next_max_id": next_max_id,
    }  # fmt: skip


def web_info(medias, next_max_id=None):
    return {
        "data": {"name": "marcqenbaroeul", "media_count": 1234,
                 "recent": recent(medias, next_max_id)},
        "status": "ok",
    }  # fmt: skip


def collector(**kwargs):
    defaults = dict(
        hashtags=["marcqenbaroeul"],
        handle="marcqenbaroeul",
        secret_envs={"username": "BEFFROI_INSTALOADER_USER",
                     "session_file": "BEFFROI_INSTALOADER_SESSION"},
        polite=False,
        now=lambda: NOW,
    )  # fmt: skip
    defaults.update(kwargs)
    return InstagramPublicCollector("instagram_public", **defaults)


def run(c, cursor=None, stream="#marcqenbaroeul"):
    pages = list(c.fetch(stream, cursor))
    return pages, [i for p in pages for i in p.items]


def test_first_incremental_and_idle_passes(rsps):
    c = collector()
    rsps.get(WEB_INFO, json=web_info([media("302", "CbB", 20), media("301", "CaA", 10)]))
    pages, items = run(c)
    assert len(rsps.calls) == 1 and "tag_name=marcqenbaroeul" in rsps.calls[0].request.url
    assert [(i.external_id, i.kind, i.direction, i.network) for i in items] == [
        ("302", "ugc", "in", "instagram"),
        ("301", "ugc", "in", "instagram"),
    ]
    assert items[0].author == Author("instagram", "nora.lille", "Nora.Lille", "Nora L.")
    assert items[0].permalink == "https://www.instagram.com/p/CbB/"
    assert items[0].created_at == datetime.fromtimestamp(T0 + 1200, UTC)
    rsps.replace("GET", WEB_INFO, json=web_info([media("303", "CcC", 30), media("302", "CbB", 20)]))
    pages, items = run(c, pages[-1].cursor)
    assert [i.external_id for i in items] == ["303"] and len(rsps.calls) == 2
    pages, items = run(c, pages[-1].cursor)
    assert items == [] and len(rsps.calls) == 3  # idle: one request


def test_pages_while_everything_is_new(rsps):
    c = collector()
    cursor = json.dumps({"since": datetime.fromtimestamp(T0, UTC).isoformat(), "seen": []})
    rsps.get(WEB_INFO, json=web_info([media("305", "E", 50), media("304", "D", 40)], "NEXT1"))
    rsps.get(EXPLORE, json={"data": {"recent": recent([media("303", "C", 30),
                                                        media("300", "Z", -5)])}, "status": "ok"})  # fmt: skip
    pages, items = run(c, cursor)
    assert [i.external_id for i in items] == ["305", "304", "303"]
    assert len(rsps.calls) == 2 and "max_id=NEXT1" in rsps.calls[1].request.url
    assert pages[0].cursor is None and pages[-1].cursor is not None


def test_the_citys_own_post_and_a_malformed_media(rsps):
    rsps.get(WEB_INFO, json=web_info([media("310", "O", 5, user="MarcqEnBaroeul"), {"pk": "9"}]))
    pages, items = run(collector())
    assert [(i.kind, i.direction) for i in items] == [("post", "out")]
    [rejected] = pages[-1].rejected
    assert rejected.payload == {"pk": "9"} and "code" in rejected.reason


def test_anonymous_refusal_says_what_is_unavailable(rsps):
    rsps.get(WEB_INFO, status=302,
             headers={"location": "https://www.instagram.com/accounts/login/?next=/"})  # fmt: skip
    c = collector()
    with pytest.raises(AuthExpired, match="without a login.*instaloader --login"):
        run(c)
    lines = collector().check()
    assert lines[0][0] is True and "lecture de secours par instaloader" in lines[0][1]
    assert lines[1][0] is True and "no Instagram login configured" in lines[1][1]
    assert lines[-1][0] is False and "public hashtag posts are unavailable" in lines[-1][1]
    assert "BEFFROI_INSTALOADER_SESSION" in lines[-1][1]


def test_logged_in_session_is_used(rsps, tmp_path):
    import instaloader

    maker = instaloader.Instaloader(quiet=True)
    maker.load_session("citybot", {"sessionid": "s3cr3t-sess", "ds_user_id": "777",
                                   "csrftoken": "tok"})  # fmt: skip
    session_file = tmp_path / "session-citybot"
    maker.save_session_to_file(str(session_file))
    rsps.get(WEB_INFO, json=web_info([media("301", "CaA", 10)]))
    c = collector(username="citybot", session_file=str(session_file))
    assert c.check()[1:] == [
        (True, "instagram_public: #marcqenbaroeul readable logged in as citybot (1 recent posts)")
    ]
    assert rsps.calls[0].request.headers["authorization"].startswith("Bearer IGT:2:")
    missing = collector(username="citybot", session_file=str(tmp_path / "nope"))
    [_, (ok, text)] = missing.check()
    assert not ok and "does not exist" in text


def test_rate_limit_server_error_and_unknown_tag(rsps):
    rsps.get(WEB_INFO, json={"message": "Please wait a few minutes", "status": "fail"}, status=429)
    with pytest.raises(RateLimited) as caught:
        run(collector())
    assert caught.value.reset_at > NOW
    rsps.replace("GET", WEB_INFO, body="<html>oops</html>", status=500)
    with pytest.raises(TransientError):
        run(collector())
    rsps.replace("GET", WEB_INFO, json={"status": "fail"}, status=404)
    with pytest.raises(PermanentError, match="does not know #marcqenbaroeul"):
        run(collector())


def test_read_only():
    c = collector()
    item = Item("instagram", "instagram_public", "301", "ugc", "in", "x", NOW)
    with pytest.raises(PermanentError, match="read-only"):
        c.reply(item, "Merci !")
    with pytest.raises(PermanentError, match="only reads"):
        c.publish(OutgoingPost("instagram_public", "x", "m"))
    assert c.streams() == ["#marcqenbaroeul"]


def test_ugc_is_stored_but_never_queued(rsps, db):
    rsps.get(WEB_INFO, json=web_info([media("302", "CbB", 20), media("301", "CaA", 10)]))
    [report] = collect_all(db, [collector()], now=lambda: NOW)
    assert (report.status, report.new) == ("ok", 2)
    assert db.execute("SELECT count(*) FROM queue").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 1


def test_for_account_reads_the_configured_variables(example_settings, monkeypatch):
    account = example_settings.account("instagram_public")
    anonymous = InstagramPublicCollector.for_account(example_settings, account)
    assert not anonymous.logged_in
    assert anonymous.streams() == ["#marcqenbaroeul", "#instamoment"]
    monkeypatch.setenv("BEFFROI_INSTALOADER_USER", "citybot")
    monkeypatch.setenv("BEFFROI_INSTALOADER_SESSION", "/secure/session-citybot")
    logged = InstagramPublicCollector.for_account(example_settings, account)
    assert (logged.username, logged.session_file) == ("citybot", "/secure/session-citybot")
