"""Writing as the city on X: replies (a tweet, or a DM for a DM), posts, and finding a post
again after a crash.

Writes are never retried blindly (``retry=False``): a 5xx on a POST may have posted.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from beffroi.collectors.errors import PermanentError, ReplyNotAllowed, SentUnconfirmed
from beffroi.collectors.item import Author, Item, OutgoingPost
from beffroi.collectors.matching import normalise_text
from beffroi.collectors.moderation import check_hideable, french_errors
from beffroi.collectors.x.client import Answer, RequestRefused, XClient
from beffroi.collectors.x.media import upload_image
from beffroi.collectors.x.payloads import permalink, snowflake_time
from beffroi.collectors.x.reply_rules import is_reply_restriction, refusal_sentence


def _city_author(x: XClient) -> Author:
    return Author("x", x.city_id or "", x.handle, None)


def _city_reply(x: XClient, to: Item, tweet: dict[str, Any], text: str) -> Item:
    """The city's reply tweet to ``to`` as an item (posted now, or found by ``find_reply``)."""
    external_id = str(tweet["id"])
    return Item(
        network="x",
        account=x.account,
        external_id=external_id,
        kind="reply",
        direction="out",
        text=text,
        created_at=snowflake_time(external_id),
        author=_city_author(x),
        permalink=permalink(external_id, x.handle),
        parent_external_id=to.external_id,
        thread_external_id=to.thread_external_id or to.external_id,
        raw=tweet,
    )


def reply(x: XClient, to: Item, text: str) -> Item:
    """Answer ``to`` as the city: a reply tweet, or a DM for a DM; returns it as posted."""
    x.need_user("replying")
    x.user_id()
    if to.kind == "dm":
        return _reply_dm(x, to, text)
    try:
        answer = x.call(
            "reply",
            x.client.create_tweet,
            retry=False,
            text=text,
            in_reply_to_tweet_id=to.external_id,
            user_auth=True,
        )
    except RequestRefused as exc:
        if not is_reply_restriction(exc.problem):
            raise
        # Since 23 February 2026 X refuses (403) a reply to a post that neither mentions
        # nor quotes the city: nothing was posted, and sending again is refused again.
        raise ReplyNotAllowed(
            f"{refusal_sentence(x.handle)} (Réponse de X : {exc.problem})"
        ) from None
    data = _posted(x, answer, "reply")
    shown = data.get("text") if isinstance(data.get("text"), str) else text
    return _city_reply(x, to, data, shown)


def _reply_dm(x: XClient, to: Item, text: str) -> Item:
    if to.author is not None and to.author.external_id:
        target = {"participant_id": to.author.external_id}
    elif to.thread_external_id:
        target = {"dm_conversation_id": to.thread_external_id}
    else:
        raise PermanentError(f"{x.account}: DM {to.external_id} has no sender to answer")
    answer = x.call(
        "direct message",
        x.client.create_direct_message,
        retry=False,
        text=text,
        user_auth=True,
        **target,
    )
    body = answer.body if isinstance(answer.body, dict) else {}
    data = body.get("data") if isinstance(body.get("data"), dict) else {}
    event_id = data.get("dm_event_id")
    if not _readable_id(event_id):
        raise SentUnconfirmed(
            f"{x.account}: X a accepté le message privé sans en donner l'identifiant", body
        )
    return Item(
        network="x",
        account=x.account,
        external_id=str(event_id),
        kind="dm",
        direction="out",
        text=text,
        created_at=snowflake_time(event_id),
        author=_city_author(x),
        parent_external_id=to.external_id,
        thread_external_id=str(data.get("dm_conversation_id") or to.thread_external_id or "")
        or None,
        raw=data,
    )


def hide(x: XClient, item: Item, hidden: bool = True) -> None:
    """Hide a reply in a conversation the city started (``hidden=False``: show it again):
    ``PUT /2/tweets/{id}/hidden`` with ``{"hidden": true|false}``. X answers success for a
    reply already in that state, so the call is retried like a read."""
    check_hideable("x", item.kind)
    with french_errors("x", hidden):
        x.need_user("hiding a reply")
        answer = x.call(
            "hide reply" if hidden else "unhide reply",
            x.client.hide_reply if hidden else x.client.unhide_reply,
            id=item.external_id,
            user_auth=True,
        )
        body = answer.body if isinstance(answer.body, dict) else {}
        data = body.get("data") if isinstance(body.get("data"), dict) else {}
        if data.get("hidden") is not hidden:
            raise PermanentError(f"{x.account}: X did not confirm the change ({str(body)[:120]})")


def _readable_id(value: Any) -> bool:
    """An id X really issues: a snowflake that carries its time (``"0"``, a list, 30 digits
    are not)."""
    if type(value) not in (str, int) or not str(value).isdigit():
        return False
    try:
        snowflake_time(value)
    except ValueError:
        return False
    return True


WHAT = {"reply": "la réponse", "post": "la publication"}


def _posted(x: XClient, answer: Answer, what: str) -> dict[str, Any]:
    """The created tweet; X accepted the call (it answered 2xx), so a body without a usable
    id is a write that went out, described oddly: ``SentUnconfirmed``, never a failure."""
    body = answer.body if isinstance(answer.body, dict) else {}
    data = body.get("data")
    if not isinstance(data, dict) or not _readable_id(data.get("id")):
        raise SentUnconfirmed(
            f"{x.account}: X a accepté {WHAT[what]} sans en donner un identifiant lisible "
            f"({str(answer.body)[:80]})",
            answer.body,
        )
    return data


def publish(x: XClient, post: OutgoingPost) -> str:
    """Post a tweet (with its image, if any); returns its id.

    The image goes first through ``POST /2/media/upload`` (``media``), retried like a
    read: an upload that went through twice only leaves an unused media id on X. Its id is
    sent as ``media.media_ids``. The tweet itself is not retried.
    """
    x.need_user("publishing")
    media_ids = [upload_image(x, post.image_path)] if post.image_path else None
    text = post.text
    if post.link and post.link not in text:
        text = f"{text}\n{post.link}"
    answer = x.call(
        "publish",
        x.client.create_tweet,
        retry=False,
        text=text,
        media_ids=media_ids,
        user_auth=True,
    )
    return str(_posted(x, answer, "post")["id"])


def find_published(x: XClient, marker: str, since: datetime) -> str | None:
    """The id of the city's tweet carrying ``marker``, posted since ``since``, or None.

    X cannot carry an invisible marker, so this matches on text: the city's own tweets
    since ``since`` (minus a minute of clock skew) are compared to ``marker`` after
    normalisation (links dropped since X rewrites them to t.co, case and spaces folded);
    a tweet whose text contains the marker matches. The outbox passes the post's text
    (``find_published_matches = "text"``). The oldest match wins. Walks at most
    three pages (300 tweets).
    """
    needle = normalise_text(marker)
    if not needle:
        return None
    start = since - timedelta(minutes=1)
    match = None
    for answer in x.timeline("the city's tweets", start, ["created_at"], ["retweets"], 3):
        body = answer.body if isinstance(answer.body, dict) else {}
        for tweet in body.get("data") or []:
            if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
                continue
            if needle in normalise_text(str(tweet.get("text", ""))):
                if match is None or int(tweet["id"]) < int(match):
                    match = str(tweet["id"])
    return match


def find_reply(x: XClient, to: Item, text: str, since: datetime) -> Item | None:
    """The city's reply tweet to ``to`` holding ``text``, posted since ``since``, or None.

    The same reads as ``find_published`` (the city's own tweets since then, at most three
    pages of 100, no search: recent search is billed by the tweet and sees 7 days), with
    ``referenced_tweets`` asked for: a tweet "replied_to" ``to`` whose text, normalised,
    holds the text sent. None is no proof (``find_published_is_exhaustive`` is False). A
    DM's reply is not looked for (None: a person decides)."""
    if to.kind == "dm":
        return None
    needle = normalise_text(text)
    if not needle:
        return None
    start = since - timedelta(minutes=1)
    found: dict[str, Any] | None = None
    for answer in x.timeline(
        "the city's replies", start, ["created_at", "referenced_tweets"], ["retweets"], 3
    ):
        body = answer.body if isinstance(answer.body, dict) else {}
        for tweet in body.get("data") or []:
            if not isinstance(tweet, dict) or not str(tweet.get("id", "")).isdigit():
                continue
            answers = any(
                isinstance(ref, dict)
                and ref.get("type") == "replied_to"
                and str(ref.get("id")) == to.external_id
                for ref in tweet.get("referenced_tweets") or []
            )
            if answers and needle in normalise_text(str(tweet.get("text", ""))):
                if found is None or int(tweet["id"]) < int(found["id"]):
                    found = tweet
    if found is None:
        return None
    return _city_reply(x, to, found, str(found.get("text", "")))
