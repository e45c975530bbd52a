"""Every real recorded Graph API response in ../shared/fixtures/meta, through our parsers.

The files are python-facebook's test data (Graph API v10/v11, partly redacted), read in
place (never copied). Where a file answers a call our collectors make, it is served over
HTTP to the real client so that its paging blocks and shapes are exercised as they come;
where it answers a lookup (``GET /?ids=...``, ``GET /{id}``), it goes to the parser.
Each test pins the items produced: ids, kinds, parents, authors (or None: Meta withholds
``from`` without the right permission, and these recordings have none).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from urllib.parse import urlparse

import pytest
import responses

from beffroi.collectors import Author, Item, OutgoingPost, PermanentError, Rejected
from beffroi.collectors.facebook import (
    FacebookCollector,
    parse_comment,
    parse_message,
    parse_post,
)
from beffroi.collectors.instagram import (
    InstagramCollector,
    parse_media,
    parse_mentioned_comment,
    parse_mentioned_media,
)
from beffroi.collectors.instagram import (
    parse_comment as ig_comment,
)
from beffroi.scheduler import collect_all
from tests.collectors.graph_http import GRAPH, TOKEN, Clock, Sleeps
from tests.conftest import shared_fixture

FB_PAGE = "19292868552"  # Facebook for Developers, in the recordings
IG_USER = "17841406338772941"
NOW = datetime(2021, 8, 20, 12, 0, tzinfo=UTC)  # just after the recordings


def recorded(name: str):
    return json.loads(shared_fixture(f"meta/{name}").read_text(encoding="utf-8"))


def path_of(next_url: str) -> str:
    """The recorded ``paging.next`` URL's path, re-pointed at the version we speak."""
    parts = [p for p in urlparse(next_url).path.split("/") if p][1:]
    return GRAPH + "/".join(parts)


@pytest.fixture
def rsps():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def fb(page=FB_PAGE):
    return FacebookCollector("facebook_ville", account_id=page, token=TOKEN, sleep=Sleeps(),
                             now=Clock(NOW))  # fmt: skip


def ig():
    collector = InstagramCollector("instagram_ville", account_id=IG_USER, token=TOKEN,
                                   handle="marcqenbaroeul", sleep=Sleeps(), now=Clock(NOW))  # fmt: skip
    collector.HISTORY_DAYS = 4000  # the Instagram recordings reach back to 2018
    return collector


def shape(item: Item):
    author = item.author.external_id if item.author else None
    return (item.external_id, item.kind, item.direction, item.parent_external_id, author)


# ------------------------------------------------------------------ Facebook
POST = "10158407654328553"
THREAD = f"{FB_PAGE}_{POST}"
FB_COMMENTS = [  # (comment id, kind, direction, parent, author) as the permalinks say
    (f"{POST}_10158407835073553", "comment", "in", THREAD, None),
    (f"{POST}_10158407903973553", "comment", "in", THREAD, None),
    (f"{POST}_10158408043788553", "comment", "in", THREAD, None),
    (f"{POST}_10158408729028553", "comment", "in", THREAD, None),
    (f"{POST}_10158408729313553", "comment", "in", THREAD, None),
    (f"{POST}_10158409983033553", "reply", "in", f"{POST}_10158407903973553", None),
    (f"{POST}_10158409984053553", "reply", "in", f"{POST}_10158407903973553", None),
    (f"{POST}_10158409984103553", "reply", "in", f"{POST}_10158407835073553", None),
    (f"{POST}_10158410332078553", "comment", "in", THREAD, None),
    (f"{POST}_10158411321043553", "reply", "in", f"{POST}_10158410332078553", None),
    # page 2
    (f"{POST}_10158412899928553", "comment", "in", THREAD, None),
    (f"{POST}_10158413660043553", "reply", "in", f"{POST}_10158412899928553", None),
    (f"{POST}_10158414379883553", "comment", "in", THREAD, None),
    (f"{POST}_10158414379973553", "comment", "in", THREAD, None),
    (f"{POST}_10158414644018553", "comment", "in", THREAD, None),
]


def test_facebook_comment_pages_through_the_collector(rsps):
    """comments_p1 nested in a feed response, its real ``paging.next`` followed to p2."""
    p1 = recorded("facebook/comments/comments_p1.json")
    p2 = recorded("facebook/comments/comments_p2.json")
    collector = fb()
    collector.COMMENTS_PER_POST = 10
    rsps.get(GRAPH + f"{FB_PAGE}/feed", json={"data": [{"id": THREAD, "comments": p1}]})
    rsps.get(path_of(p1["paging"]["next"]), json=p2)
    pages = list(collector.fetch("comments", None))
    items = [i for p in pages for i in p.items]
    assert sorted(shape(i) for i in items) == sorted(FB_COMMENTS)
    assert all(i.thread_external_id == THREAD for i in items)
    assert [r for p in pages for r in p.rejected] == []
    follow = rsps.calls[1].request.url
    assert "access_token=access_token" not in follow  # the recorded URL's token is not reused
    assert f"access_token={TOKEN}" in follow and "after=after" in follow
    first = next(i for i in items if i.external_id == f"{POST}_10158407903973553")
    assert first.text.startswith("Can someone from Instagram please assist me")
    assert first.created_at == datetime(2021, 8, 10, 19, 38, 44, tzinfo=UTC)
    assert first.reply_count == 2 and first.like_count == 0
    # The recorded block is in chronological order; the newest sets the cursor.
    assert json.loads(pages[-1].cursor)["since"] == "2021-08-14T07:24:42+00:00"


def test_facebook_comment_lookup_and_created_reply(rsps):
    info = parse_comment(
        recorded("facebook/comments/comment_info.json"), account="fb", page_id=FB_PAGE
    )
    assert shape(info) == (
        "10158371815748553_10158371930463553",
        "comment",
        "in",
        f"{FB_PAGE}_10158371815748553",
        None,
    )
    created = recorded("facebook/comments/create_resp.json")
    rsps.post(GRAPH + "245778718206154_1/comments", json=created)
    target = Item("facebook", "facebook_ville", "245778718206154_1", "comment", "in", "?", NOW)
    reply = fb().reply(target, "Message from api and updated")
    assert (reply.external_id, reply.kind, reply.direction, reply.parent_external_id) == (
        "245778718206154_229887283291835",
        "reply",
        "out",
        "245778718206154_1",
    )
    assert reply.created_at == datetime(2023, 7, 14, 10, 45, 55, tzinfo=UTC)
    assert reply.permalink.endswith("comment_id=229887283291835")


def test_facebook_find_reply_needs_the_page_as_author(rsps):
    """RECORDED comments (Meta withheld every ``from``): none can be told to be the Page's,
    so none is taken for its reply, even with the very text. Then the same comments with
    a ``from`` WRITTEN on one of them: the Page's reply is found."""
    body = recorded("facebook/comments/comments_p1.json")
    body.pop("paging", None)  # one page is enough here
    reply_raw = body["data"][5]  # "Hi, please access the Instagram Help Center..."
    text = reply_raw["message"][:40]
    target = Item("facebook", "facebook_ville", f"{POST}_10158407903973553", "comment", "in",
                  "?", NOW, thread_external_id=THREAD)  # fmt: skip
    url = GRAPH + f"{target.external_id}/comments"
    rsps.get(url, json=body)
    since = datetime(2021, 8, 1, tzinfo=UTC)
    assert fb().find_reply(target, text, since) is None
    written = json.loads(json.dumps(body))
    written["data"][5] = dict(reply_raw, id="10158407654328553_10158409983033553",
                              **{"from": {"id": FB_PAGE, "name": "Facebook for Developers"}})  # fmt: skip
    written["data"][3] = dict(written["data"][3], **{"from": {"id": "1234", "name": "Jeanne"}})
    rsps.get(url, json=written)
    found = fb().find_reply(target, text, since)
    assert found is not None
    assert (found.external_id, found.kind, found.direction, found.parent_external_id) == (
        "10158407654328553_10158409983033553",
        "reply",
        "out",
        target.external_id,
    )
    sent = rsps.calls[-1].request.url
    assert "fields=id%2Cmessage%2Cfrom" in sent
    rsps.get(url, json=written)
    assert fb().find_reply(target, text, datetime(2021, 8, 15, tzinfo=UTC)) is None  # too old


def test_facebook_feed_pages_as_posts(rsps):
    p1 = recorded("facebook/posts/feeds_default_fields_p1.json")
    p2 = recorded("facebook/posts/feeds_default_fields_p2.json")
    rsps.get(GRAPH + f"{FB_PAGE}/posts", json=p1)
    rsps.get(path_of(p1["paging"]["next"]), json=p2)
    collector = fb()
    pages = list(collector.fetch("posts", json.dumps({"since": "2021-01-01T00:00:00+00:00"})))
    items = [i for p in pages for i in p.items]
    assert len(items) == 10 and len(rsps.calls) == 2
    assert {(i.kind, i.direction) for i in items} == {("post", "out")}
    counts = {i.external_id: (i.like_count, i.reply_count) for i in items}
    assert counts[f"{FB_PAGE}_10158349356748553"] == (125, 13)
    assert counts[f"{FB_PAGE}_10158316421783553"] == (26959, 82)
    assert items[0].permalink == f"https://www.facebook.com/{FB_PAGE}/posts/10158349356748553/"


def test_facebook_feed_with_chosen_fields():
    raw = recorded("facebook/posts/feed_fields_p1.json")
    items = [parse_post(p, account="fb", page_id="4") for p in raw["data"]]
    assert [(i.external_id, i.kind, i.direction) for i in items] == [
        ("4_10113477241177441", "post", "out"),
        ("4_10113449068715281", "post", "out"),
        ("4_10113400535556121", "post", "out"),
        ("4_10113332572050531", "post", "out"),
        ("4_10113319652002411", "post", "out"),
    ]
    assert items[0].text == "Happy July 4th! 🇺🇸"


MESSENGER_PAGE = "2121008874780932"  # "MyLife", the Page in the recorded Messenger data


def test_messenger_messages_are_dms_with_their_attachments():
    lookup = recorded("facebook/messages/messages_info.json")
    items = [parse_message(m, account="fb", page_id=MESSENGER_PAGE) for m in lookup.values()]
    single = parse_message(
        recorded("facebook/messages/message_info.json"), account="fb", page_id=MESSENGER_PAGE
    )
    assert [shape(i) for i in items] == [
        (
            "m_ToF35NI1OImBjyUIgplSaBMylUFmkYY4bHogy9C1otLISU6SGhccB5NK-THX_W4EdVQiKVv5SgCW9m-_C78mRA",
            "dm",
            "in",
            None,
            "2711636948859886",
        ),
        (
            "m_rU2w1v7XMh8JR7jDSmW3pBMylUFmkYY4bHogy9C1otJUI2R3JKjhRblmg6DHQeVLHU6GP0qwqSqdSg0gnkE8tw",
            "dm",
            "in",
            None,
            "2711636948859886",
        ),
    ]
    assert items[0].author == Author("facebook", "2711636948859886", None, "Kun Liu")
    assert [i.text for i in items] == ["[pièce jointe : image/jpeg]", "[pièce jointe : video/mp4]"]
    assert shape(single) == shape(items[0])
    # Written by the Page, the same message is the city's own.
    mine = parse_message(lookup[items[0].external_id], account="fb", page_id="2711636948859886")
    assert mine.direction == "out"


def test_messenger_conversations_are_containers_not_items(rsps):
    """``GET /?ids=`` of conversations, re-wrapped as the list ``/conversations`` returns."""
    lookup = recorded("facebook/conversations/cvses_info.json")
    rsps.get(GRAPH + f"{MESSENGER_PAGE}/conversations", json={"data": list(lookup.values())})
    pages = list(fb(MESSENGER_PAGE).fetch("messages", None))
    assert [i for p in pages for i in p.items] == [] and pages[-1].rejected == []
    # Nothing new: the position stays at the first pass's floor (90 days back).
    assert json.loads(pages[-1].cursor) == {"since": "2021-05-22T12:00:00+00:00", "seen": []}


def test_the_recorded_error_body_is_a_permanent_error(rsps):
    rsps.get(GRAPH + f"{FB_PAGE}/posts", json=recorded("base/error_data.json"), status=400)
    with pytest.raises(PermanentError, match="Graph error 100.*pages_read_engagement"):
        list(fb().fetch("posts", None))


# ------------------------------------------------------------------ Instagram
IG_MEDIA = "17846368219941692"


def serve_first_media_page(rsps) -> dict:
    """The recorded first page of media, the recorded comments nested in its first media
    (they belong to media 17846368219941692) and their second page served at their
    ``paging.next``; returns that media page, whose own ``paging.next`` the caller serves."""
    medias_p1 = recorded("instagram/users/medias_p1.json")
    comments_p1 = recorded("instagram/medias/comments_p1.json")
    first = dict(medias_p1["data"][0], id=IG_MEDIA, comments=comments_p1)
    rsps.get(GRAPH + f"{IG_USER}/media", json=dict(medias_p1, data=[first, medias_p1["data"][1]]))
    rsps.get(
        path_of(comments_p1["paging"]["next"]),
        json=recorded("instagram/medias/comments_p2.json"),
    )
    return medias_p1


def test_instagram_media_pages_and_their_comments(rsps):
    medias_p1 = serve_first_media_page(rsps)
    medias_p2 = recorded("instagram/users/medias_p2.json")
    rsps.get(path_of(medias_p1["paging"]["next"]), json=medias_p2)
    pages = list(ig().fetch("comments", None))
    items = [i for p in pages for i in p.items]
    assert [shape(i) for i in items] == [
        ("17858154961981086", "comment", "in", IG_MEDIA, None),
        ("17874875428706419", "comment", "in", IG_MEDIA, None),
        ("17892250648466172", "comment", "in", IG_MEDIA, None),
        ("17914413430382429", "comment", "in", IG_MEDIA, None),
    ]
    assert items[2].created_at == datetime(2020, 2, 24, 9, 15, 16, tzinfo=UTC)
    assert json.loads(pages[-1].cursor)["extra"]["counts"] == {
        IG_MEDIA: 0,
        "17896622936197745": 6,
        "17896129349106152": 0,
        "17893085207160254": 0,
    }
    own = [parse_media(m, account="ig", own_id=IG_USER, handle=None, owned=True)
           for m in medias_p1["data"] + medias_p2["data"]]  # fmt: skip
    assert [(i.external_id, i.kind, i.direction) for i in own] == [
        ("17895731045244887", "post", "out"),
        ("17896622936197745", "post", "out"),
        ("17896129349106152", "post", "out"),
        ("17893085207160254", "post", "out"),
    ]
    assert own[2].text == "ALBUM" and own[1].reply_count == 6


def test_instagram_replies_and_comment_lookup():
    [reply] = [
        ig_comment(r, account="ig", own_id=IG_USER, handle=None, media_id=IG_MEDIA,
                   parent_id="17858154961981086")
        for r in recorded("instagram/comments/replies.json")["data"]
    ]  # fmt: skip
    assert shape(reply) == ("17847314687296283", "reply", "in", "17858154961981086", None)
    lookup = recorded("instagram/comments/comments_fields.json")
    items = [
        ig_comment(c, account="ig", own_id=IG_USER, handle="ikroskun") for c in lookup.values()
    ]
    assert [shape(i) for i in items] == [
        ("17892250648466172", "comment", "out", None, "ikroskun"),  # written by the account
        ("17858154961981086", "comment", "in", None, "lixiangguodu123"),
    ]
    assert items[0].like_count == 1


def test_instagram_find_reply_needs_the_account_as_author(rsps):
    """The RECORDED replies of a comment (no author given): not taken for the account's.
    The same reply with the account's username WRITTEN on it: found."""
    body = recorded("instagram/comments/replies.json")
    comment = "17858154961981086"
    target = Item("instagram", "instagram_ville", comment, "comment", "in", "?", NOW,
                  thread_external_id=IG_MEDIA)  # fmt: skip
    url = GRAPH + f"{comment}/replies"
    rsps.get(url, json=body)
    since = datetime(2020, 8, 1, tzinfo=UTC)
    assert ig().find_reply(target, "nihao", since) is None
    written = {"data": [dict(body["data"][0], username="marcqenbaroeul")]}
    rsps.get(url, json=written)
    found = ig().find_reply(target, "nihao", since)
    assert found is not None
    assert shape(found) == ("17847314687296283", "reply", "out", comment, "marcqenbaroeul")
    assert "fields=id%2Ctext%2Ctimestamp%2Cusername" in rsps.calls[-1].request.url
    rsps.get(url, json=written)
    assert ig().find_reply(target, "autre chose", since) is None
    dm = Item("instagram", "instagram_ville", "m1", "dm", "in", "?", NOW)
    assert ig().find_reply(dm, "nihao", since) is None  # not looked for: no call


def test_instagram_tags_are_mentions(rsps):
    rsps.get(GRAPH + f"{IG_USER}/tags", json=recorded("instagram/users/tagged_medias.json"))
    pages = list(ig().fetch("mentions", None))
    items = [i for p in pages for i in p.items]
    assert [shape(i) for i in items] == [
        ("17892354025952911", "mention", "in", None, None),
        ("17997587032316367", "mention", "in", None, None),
        ("17846368219941692", "mention", "in", None, None),
        ("17913531439230186", "mention", "in", None, None),
        ("17978630677077508", "mention", "in", None, None),
    ]
    assert items[2].text == "Cute.. #cute #loveyou  @ikroskun" and items[2].reply_count == 6
    # The edge is not strictly ordered (2018-10-08 before 2018-10-09): the newest wins.
    assert json.loads(pages[-1].cursor)["since"] == "2021-03-16T12:02:14+00:00"


def test_instagram_webhook_mentions():
    comment = parse_mentioned_comment(
        recorded("instagram/users/mentioned_comment.json"), account="ig", handle=None
    )
    assert shape(comment) == ("17967008497439572", "mention", "in", None, "ikroskun")
    assert comment.text == "@ikroskun good"
    media = parse_mentioned_media(
        recorded("instagram/users/mentioned_media.json"), account="ig", handle=None
    )
    assert shape(media) == ("17889114512354744", "mention", "in", None, None)
    assert media.text == "@ikroskun hey"
    missing = parse_mentioned_media({"id": IG_USER}, account="ig", handle=None)
    assert isinstance(missing, Rejected) and "mentioned_media" in missing.reason


def test_instagram_publishing_with_the_recorded_answers(rsps):
    rsps.get(GRAPH + f"{IG_USER}/content_publishing_limit",
             json=recorded("instagram/publish/publish_limit_resp.json"))  # fmt: skip
    rsps.post(GRAPH + f"{IG_USER}/media", json=recorded("instagram/publish/create_photo.json"))
    rsps.get(GRAPH + "17889455560051444", json=recorded("instagram/publish/container_info.json"))
    rsps.post(
        GRAPH + f"{IG_USER}/media_publish",
        json=recorded("instagram/publish/publish_container.json"),
    )
    post = OutgoingPost("instagram_ville", "#instamoment", "m", image_path="https://x.fr/a.jpg")
    assert ig().publish(post) == "17920238422030506"


def test_one_recorded_stream_through_the_real_runner(rsps, db):
    p1 = recorded("facebook/comments/comments_p1.json")
    p2 = recorded("facebook/comments/comments_p2.json")
    rsps.get(GRAPH + f"{FB_PAGE}/feed", json={"data": [{"id": THREAD, "comments": p1}]})
    rsps.get(path_of(p1["paging"]["next"]), json=p2)
    collector = fb()
    collector.COMMENTS_PER_POST = 10
    collector._streams = ["comments"]
    [report] = collect_all(db, [collector], now=lambda: NOW)
    assert (report.status, report.new, report.api_calls, report.rejected) == ("ok", 15, 2, 0)
    rows = db.execute("SELECT kind, count(*) FROM items GROUP BY kind ORDER BY kind").fetchall()
    assert [tuple(r) for r in rows] == [("comment", 10), ("reply", 5)]
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 0  # authors withheld


def test_every_recorded_file_is_covered():
    """Every file the manifest lists is read by a test of this module (and nothing else)."""
    import re
    from pathlib import Path

    manifest = json.loads(shared_fixture("meta/MANIFEST.json").read_text(encoding="utf-8"))
    source = Path(__file__).read_text(encoding="utf-8")
    read = set(re.findall(r'recorded\(\s*"([^"]+)"', source))
    assert set(manifest) == read, sorted(set(manifest) ^ read)
