"""Turning X API v2 payloads (tweets, DM events) into ``Item``s, or ``Rejected`` with a reason.

The collector asks for every field an Item needs, but X answers with the default fields
only (``id``, ``text``, ``edit_history_tweet_ids``) in more cases than one would think (the
recorded traffic in ``shared/fixtures/x`` is all like that), so every field but ``id`` and
``text`` is optional here:

- ``created_at`` missing: X ids are "snowflakes" whose top bits are the creation time in
  milliseconds since the Twitter epoch (2010-11-04 01:42:54.657 UTC), so the time is
  recovered exactly (to the millisecond) from the id. A ``created_at`` that is present but
  unreadable is a contradiction, not an omission: that payload is rejected.
- ``author_id`` missing: the author is unknown and the item is taken as inbound (only the
  city's own tweets are outbound, and those are always fetched with their author).
- ``conversation_id`` / ``referenced_tweets`` missing: no thread / no parent.

A payload without a numeric id or without text cannot be stored meaningfully; it becomes a
``Rejected`` with the reason, and the rest of the page goes on.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from beffroi.collectors.item import Author, Item, Rejected
from beffroi.collectors.values import id_text, rejecting, unattributable
from beffroi.collectors.x.reply_rules import referenced_authors

TWITTER_EPOCH_MS = 1288834974657
# Ids below this were issued before snowflakes (Nov 2010) and carry no time.
FIRST_SNOWFLAKE = 1 << 32
# Snowflakes are 63-bit; a longer "id" would put its time past any calendar.
LAST_SNOWFLAKE = 1 << 63

TWEET_FIELDS = [
    "author_id",
    "created_at",
    "conversation_id",
    "in_reply_to_user_id",
    "referenced_tweets",
    "public_metrics",
    # Whom the tweet @mentions: X accepts the city's reply only to a post that mentions or
    # quotes it (since 23 February 2026, ``reply_rules``).
    "entities",
]
USER_FIELDS = ["username", "name"]
DM_EVENT_FIELDS = [
    "id",
    "text",
    "event_type",
    "created_at",
    "sender_id",
    "dm_conversation_id",
    "referenced_tweets",
]


def snowflake_time(external_id: str | int) -> datetime:
    """The creation time encoded in an X snowflake id (exact to the millisecond)."""
    value = int(external_id)
    if value < FIRST_SNOWFLAKE:
        raise ValueError(f"id {value} predates snowflake ids and carries no time")
    if value >= LAST_SNOWFLAKE:
        raise ValueError(f"id {value} is longer than any X id and carries no readable time")
    return datetime.fromtimestamp(((value >> 22) + TWITTER_EPOCH_MS) / 1000, UTC)


def snowflake_at(moment: datetime) -> int:
    """The smallest snowflake id issued at ``moment`` (for since_id arithmetic)."""
    return (int(moment.timestamp() * 1000) - TWITTER_EPOCH_MS) << 22


def newest_id(ids: Iterable[str | int | None]) -> str | None:
    """The largest of some X ids (compared as numbers, as X ids must be)."""
    best = None
    for value in ids:
        # An X id has at most 19 digits: 5,000 of them are no id (and int() refuses them).
        if value is None or not str(value).isdigit() or len(str(value)) > 30:
            continue
        if best is None or int(value) > int(best):
            best = str(value)
    return best


def next_token(body: Any) -> str | None:
    """The ``meta.next_token`` of a page when it is one that can be sent back, else None."""
    meta = body.get("meta") if isinstance(body, dict) else None
    token = meta.get("next_token") if isinstance(meta, dict) else None
    if not isinstance(token, str) or not token:
        return None
    try:
        token.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: it cannot go back into a URL
        return None
    return token


def _parse_time(value: Any, external_id: str) -> datetime:
    if value is None:
        return snowflake_time(external_id)
    if not isinstance(value, str):
        raise ValueError(f"created_at is not a text: {value!r}")
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        raise ValueError(f"created_at has no time zone: {value!r}")
    return parsed


def _valid_id(payload: Any) -> str | None:
    if not isinstance(payload, dict):
        return None
    value = payload.get("id")
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and value.isdigit():
        return value
    return None


def users_by_id(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    includes = body.get("includes") if isinstance(body, dict) else None
    users = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(users, list):
        return {}
    return {str(u["id"]): u for u in users if isinstance(u, dict) and "id" in u}


def _author(author_id: Any, users: dict[str, dict[str, Any]]) -> Author | None:
    author_id = id_text(author_id)
    if author_id is None:
        return None
    user = users.get(author_id, {})
    return Author("x", author_id, user.get("username"), user.get("name"))


def _metric(tweet: dict[str, Any], name: str) -> int | None:
    metrics = tweet.get("public_metrics")
    if isinstance(metrics, dict) and isinstance(metrics.get(name), int):
        return metrics[name]
    return None


def replied_to(tweet: dict[str, Any]) -> str | None:
    refs = tweet.get("referenced_tweets")
    if not isinstance(refs, list):
        return None
    for ref in refs:
        if isinstance(ref, dict) and ref.get("type") == "replied_to" and ref.get("id"):
            return str(ref["id"])
    return None


def permalink(external_id: str, handle: str | None) -> str:
    if handle:
        return f"https://x.com/{handle}/status/{external_id}"
    return f"https://x.com/i/web/status/{external_id}"


def _basics(payload: Any, noun: str) -> tuple[str, str, datetime] | Rejected:
    """What every item needs: a numeric id, a text, a time (read, or from the id)."""
    external_id = _valid_id(payload)
    if external_id is None:
        return Rejected(payload, f"{noun} without a numeric id")
    text = payload.get("text")
    if not isinstance(text, str):
        return Rejected(payload, f"{noun} {external_id} has no text")
    try:
        created = _parse_time(payload.get("created_at"), external_id)
    except ValueError as exc:
        return Rejected(payload, f"{noun} {external_id}: unreadable created_at ({exc})")
    return external_id, text, created


@dataclass(frozen=True)
class Context:
    """Who is collecting: the Beffroi account key and the city's own X user id."""

    account: str
    city_id: str | None


@rejecting("tweet")
def parse_tweet(
    tweet: Any, users: dict[str, dict[str, Any]], ctx: Context, inbound_kind: str
) -> Item | Rejected:
    """One tweet as an Item. ``inbound_kind`` is what a citizen's tweet is on this stream
    (``mention`` or ``reply``); the city's own tweets are ``reply`` when they answer
    something and ``post`` otherwise, always ``direction='out'``."""
    basics = _basics(tweet, "tweet")
    if isinstance(basics, Rejected):
        return basics
    external_id, text, created = basics
    author = _author(tweet.get("author_id"), users)
    parent = replied_to(tweet)
    outbound = author is not None and ctx.city_id is not None and author.external_id == ctx.city_id
    if outbound:
        kind = "reply" if parent else "post"
    else:
        kind = inbound_kind
    conversation = tweet.get("conversation_id")
    return Item(
        network="x",
        account=ctx.account,
        external_id=external_id,
        kind=kind,
        direction="out" if outbound else "in",
        text=text,
        created_at=created,
        author=author,
        permalink=permalink(external_id, author.handle if author else None),
        parent_external_id=parent,
        thread_external_id=str(conversation) if conversation else None,
        like_count=_metric(tweet, "like_count"),
        reply_count=_metric(tweet, "reply_count"),
        raw=tweet,
    )


@rejecting("DM event")
def parse_dm_event(event: Any, users: dict[str, dict[str, Any]], ctx: Context) -> Item | Rejected:
    """One DM event as an Item; only ``MessageCreate`` events are messages."""
    if isinstance(event, dict) and event.get("event_type", "MessageCreate") != "MessageCreate":
        return Rejected(
            event, f"DM event {event.get('id')} is a {event['event_type']}, not a message"
        )
    basics = _basics(event, "DM event")
    if isinstance(basics, Rejected):
        return basics
    external_id, text, created = basics
    author = _author(event.get("sender_id"), users)
    outbound = author is not None and ctx.city_id is not None and author.external_id == ctx.city_id
    conversation = id_text(event.get("dm_conversation_id"))
    if refused := unattributable(event, author, conversation):
        return refused
    return Item(
        network="x",
        account=ctx.account,
        external_id=external_id,
        kind="dm",
        direction="out" if outbound else "in",
        text=text,
        created_at=created,
        author=author,
        permalink=None,
        thread_external_id=conversation,
        raw=event,
    )


def api_errors(body: dict[str, Any]) -> list[Rejected]:
    """Partial errors X puts beside the data of a 200 (deleted or protected tweets...)."""
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list):
        return []
    out = []
    for error in errors:
        if isinstance(error, dict):
            title = error.get("title") or error.get("message") or "error"
            detail = error.get("detail") or ""
            out.append(Rejected(error, f"X reported: {title}: {detail}".rstrip(": ")))
        else:
            out.append(Rejected(error, "X reported an unreadable error entry"))
    return out


def parse_page(body: Any, ctx: Context, inbound_kind: str) -> tuple[list[Item], list[Rejected]]:
    """A whole response body (tweets or DM events) as items and rejects.

    ``inbound_kind='dm'`` parses DM events, anything else parses tweets.
    """
    if not isinstance(body, dict):
        return [], [Rejected(body, "response body is not a JSON object")]
    data = body.get("data", [])
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        return [], [Rejected(body, "response 'data' is neither a list nor an object")]
    users = users_by_id(body)
    items: list[Item] = []
    rejected: list[Rejected] = api_errors(body)
    for entry in data:
        if inbound_kind == "dm":
            result = parse_dm_event(entry, users, ctx)
        else:
            authors = referenced_authors(entry, body) if isinstance(entry, dict) else {}
            if authors:  # who wrote a quoted post: the reply rule needs it (reply_rules)
                entry = {**entry, "referenced_authors": authors}
            result = parse_tweet(entry, users, ctx, inbound_kind)
        (rejected if isinstance(result, Rejected) else items).append(result)
    return items, rejected


# ------------------------------------------------------------------ engagement

# The three lists of people behind a tweet's counts, by the ``public_metrics`` they explain.
ENGAGEMENT_METRICS = {"retweets": "retweet_count", "quotes": "quote_count", "likes": "like_count"}


@dataclass(frozen=True)
class CityTweet:
    """One of the city's own tweets as its timeline shows it: when, and its public counts
    (``None`` where X left ``public_metrics`` out)."""

    external_id: str
    created_at: datetime
    counts: dict[str, int | None]


def city_tweets(body: Any) -> tuple[list[CityTweet], list[Rejected]]:
    """The tweets of a timeline page (``GET /2/users/:id/tweets``) with their counts."""
    if not isinstance(body, dict):
        return [], [Rejected(body, "response body is not a JSON object")]
    data = body.get("data", [])
    tweets: list[CityTweet] = []
    rejected: list[Rejected] = api_errors(body)
    for tweet in data if isinstance(data, list) else []:
        external_id = _valid_id(tweet)
        if external_id is None:
            rejected.append(Rejected(tweet, "tweet without a numeric id"))
            continue
        try:
            created = _parse_time(tweet.get("created_at"), external_id)
        except ValueError as exc:
            rejected.append(Rejected(tweet, f"tweet {external_id}: unreadable created_at ({exc})"))
            continue
        counts = {key: _metric(tweet, metric) for key, metric in ENGAGEMENT_METRICS.items()}
        tweets.append(CityTweet(external_id, created.astimezone(UTC), counts))
    return tweets, rejected


def _user(user: Any) -> Author | None:
    external_id = _valid_id(user)
    if external_id is None:
        return None
    return Author("x", external_id, user.get("username"), user.get("name"))


def engaged_users(body: Any, endpoint: str) -> list[Author]:
    """Who retweeted or liked (the users in ``data`` of ``retweeted_by``/``liking_users``),
    or who quoted (the authors of the tweets in ``data`` of ``quote_tweets``, named in
    ``includes.users``). A quote's text is not kept: who shared is all the ranking needs.
    """
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list):
        return []
    if endpoint != "quotes":
        return [author for author in map(_user, data) if author is not None]
    users = users_by_id(body)
    authors = (_author(q.get("author_id"), users) for q in data if isinstance(q, dict))
    return [author for author in authors if author is not None]
