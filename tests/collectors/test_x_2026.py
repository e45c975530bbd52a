"""X as it is in 2026 (issue 12, "The platforms as they are now"): the reply rule of
23 February 2026 and "Owned Reads".

Every fixture here is WRITTEN FROM THE CURRENT DOCUMENTATION (docs.x.com, 2026: the Post
object's ``entities.mentions`` and ``referenced_tweets`` with ``includes.tweets`` for
``expansions=referenced_tweets.id``; the 403 problem body of the v2 API), none is recorded:
the recorded traffic in ``../shared/fixtures/x`` dates from 2022, before the rule. Likes
(user context, 100 ceiling) are pinned in ``test_x_engagement.py`` and the v2 media upload
in ``test_x.py`` (``test_publish_with_an_image_uploads_it_then_attaches_it``), each on a
fixture written from the documentation too.
"""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
import responses

from beffroi.collectors import REPLY_REFUSED, Item, PermanentError, ReplyNotAllowed
from beffroi.collectors.x.reply_rules import reply_refusal
from beffroi.inbox import ReplyFailed, reply_warning, send_reply
from tests.collectors.x_http import (
    API,
    CITY_ID,
    MENTIONS_URL,
    NOW,
    SEARCH_URL,
    body,
    tid,
    tweet,
    x_collector,
)
from tests.inbox.helpers import ingest, queue_row
from tests.inbox.test_replying_x import mention

CITIZEN = {"id": "2002", "username": "jeanne_marcq", "name": "Jeanne"}
# docs.x.com: the problem X answers a reply its rule refuses.
REPLY_REFUSED_403 = {
    "title": "Forbidden",
    "type": "about:blank",
    "status": 403,
    "detail": "Reply to this conversation is not allowed because you have not been mentioned "
    "or otherwise engaged by the author of the post you are replying to.",
}


@pytest.fixture
def http():
    with responses.RequestsMock(assert_all_requests_are_fired=True) as mock:
        yield mock


def mentioning(tweet_id: str, text: str) -> dict:
    payload = tweet(tweet_id, text, "2002")
    start = text.index("@marcqenbaroeul")
    payload["entities"] = {
        "mentions": [
            {
                "start": start,
                "end": start + 15,
                "username": "marcqenbaroeul",
                "id": CITY_ID,
            }
        ]
    }
    return payload


def test_a_mention_may_be_answered_a_reply_between_citizens_may_not(http):
    asked, aside, city_post = tid(30), tid(20), tid(600)
    http.get(
        MENTIONS_URL,
        json=body([mentioning(asked, "@marcqenbaroeul le marché est maintenu ?")], [CITIZEN]),
    )
    # A citizen answering another citizen in the city's conversation: no @mention of the city.
    side = tweet(aside, "@paul59 oui je l'ai vu ce matin", "2002", conversation=city_post)
    side["entities"] = {"mentions": [{"start": 0, "end": 7, "username": "paul59", "id": "7"}]}
    http.get(SEARCH_URL, json=body([side], [CITIZEN]))
    x = x_collector()
    [mention] = next(x.fetch("mentions", None)).items
    cursor = json.dumps({"conversations": {city_post: NOW.isoformat()}})
    [reply] = next(x.fetch("replies", cursor)).items
    assert (
        reply_refusal(mention.kind, mention.raw, city_id=CITY_ID, handle="marcqenbaroeul") is None
    )
    refusal = reply_refusal(reply.kind, reply.raw, city_id=CITY_ID, handle="marcqenbaroeul")
    assert refusal.startswith(REPLY_REFUSED) and "23 février 2026" in refusal
    assert "application X" in refusal and "message privé" in refusal


def test_a_post_quoting_the_city_may_be_answered(http):
    """The quoted post's author comes from ``includes.tweets`` (expansions=referenced_tweets.id)."""
    quoting, city_post = tid(10), tid(900)
    quote = tweet(quoting, "Belle initiative !", "2002")
    quote["referenced_tweets"] = [{"type": "quoted", "id": city_post}]
    page = body([quote], [CITIZEN])
    page["includes"]["tweets"] = [{"id": city_post, "text": "Le marché", "author_id": CITY_ID}]
    http.get(MENTIONS_URL, json=page)
    [item] = next(x_collector().fetch("mentions", None)).items
    assert item.raw["referenced_authors"] == {city_post: CITY_ID}
    assert reply_refusal(item.kind, item.raw, city_id=CITY_ID, handle="marcqenbaroeul") is None
    other = {**item.raw, "referenced_authors": {city_post: "999"}}
    assert reply_refusal(item.kind, other, city_id=CITY_ID, handle="marcqenbaroeul")


def test_a_direct_message_is_never_restricted():
    assert (
        reply_refusal("dm", {"text": "bonjour"}, city_id=CITY_ID, handle="marcqenbaroeul") is None
    )


def _unmentioned(ext: str) -> Item:
    """A reply in the city's conversation whose writer left out the @mention X proposes."""
    text = "Le parking de la mairie est fermé ce week-end ?"
    return replace(
        mention(ext),
        kind="reply",
        text=text,
        permalink=f"https://x.com/jeanne_marcq/status/{ext}",
        raw={"id": ext, "text": text},
    )


def test_the_inbox_warns_before_writing_and_a_refusal_is_not_offered_again(
    db, example_settings, http
):
    asked = tid(25)
    ingest(db, example_settings, _unmentioned(asked))
    qid = queue_row(db, asked)["id"]
    warning = reply_warning(db, example_settings, qid)
    assert warning and warning.startswith(REPLY_REFUSED)
    http.post(f"{API}/tweets", status=403, json=REPLY_REFUSED_403)
    with pytest.raises(ReplyFailed) as caught:
        send_reply(db, example_settings, qid, "Oui, jusqu'à lundi.", actor="alice",
                   collector=x_collector(), now=NOW)  # fmt: skip
    message = str(caught.value)
    assert message.startswith(REPLY_REFUSED) and "brouillon" not in message
    assert isinstance(caught.value.__cause__, ReplyNotAllowed)
    row = queue_row(db, asked)
    assert row["sending_since"] is None and row["last_error"].startswith(REPLY_REFUSED)


def test_another_403_on_a_reply_stays_an_ordinary_refusal(http):
    http.post(
        f"{API}/tweets",
        status=403,
        json={
            **REPLY_REFUSED_403,
            "detail": "You are not allowed to create a Tweet with duplicate content.",
        },  # fmt: skip
    )
    with pytest.raises(PermanentError) as caught:
        x_collector().reply(_unmentioned(tid(5)), "Oui.")
    assert not isinstance(caught.value, ReplyNotAllowed)


# ---------------------------------------------------------------- Owned Reads


@pytest.mark.parametrize(
    ("keys", "resource"),
    [({}, "owned_read"), ({"consumer_key": None}, "post_read")],
    ids=["user keys: owned read", "bearer only: post read"],
)
def test_the_citys_own_mentions_are_metered_as_owned_reads_with_the_user_keys(http, keys, resource):
    http.get(MENTIONS_URL, json=body([tweet(tid(3), "@marcqenbaroeul merci", "2002")]))
    x = x_collector(**keys)
    list(x.fetch("mentions", None))
    assert x.meter.drain() == [("mentions", resource, 1, 1)]


def test_a_mention_stored_without_the_tweet_is_read_from_its_text(db, example_settings):
    """The simulated city's X mentions keep no tweet in ``raw`` (only their place in the
    stream): the demo warned "X refuse cette réponse" on "@marcqenbaroeul Gros nid de
    poule..." though it mentions the city (the example city's handle is villedemarcq). The stored text says it as well as X's."""
    ext = tid(26)
    text = "@villedemarcq Gros nid de poule sur la chaussée rue du Quesne"
    stored = replace(mention(ext), text=text, raw={"seq": 3, "stream": "mentions"})
    ingest(db, example_settings, stored)
    assert reply_warning(db, example_settings, queue_row(db, ext)["id"]) is None
    other = tid(27)
    ingest(db, example_settings, replace(_unmentioned(other), raw={"seq": 4}))
    assert reply_warning(db, example_settings, queue_row(db, other)["id"]).startswith(REPLY_REFUSED)
