"""The ``engagement`` stream: who retweeted, quoted or liked the city's own tweets of the
last ``engagement_days`` (the ranking counts them as ``share`` and ``reaction``).

One request reads the city's timeline (``GET /2/users/:id/tweets``, no retweets or
replies) with each tweet's ``public_metrics``; the counts already collected are kept per
tweet in the cursor, so an idle pass is that one request. Only a count that moved sends its
list: ``retweeted_by`` (share), ``quote_tweets`` (share, the quoting author; no text kept),
``liking_users`` (reaction), 100 people a page.

Likes (2026): ``liking_users`` answers only in user context (the city's OAuth 1.0a user
keys; the bearer token is refused) and lists at most ``LIKERS_CEILING`` people per post
for all time, so it is read with the user keys in ONE request per post, never paged: past
100 likes, the count is right and the likers beyond the first 100 stay unknown (README). At most ``engagement_posts_per_pass``
tweets are re-read per pass, the least recently re-read first; the rest wait. X does not
say when a like or retweet happened: an interaction carries its tweet's time. An unlike is
not seen (what was collected stays). A list walked over several pages records its
``next_token`` in the cursor, so a rate limit or a crash resumes it where it stopped.
Collected only when the account's ``streams`` name it (see ``DEFAULT_STREAMS``).

An endpoint refused with a 403 (the app's access level may not include ``liking_users``)
does not stop the others: it is skipped for ``REFUSAL_RETRY``, and every pass ends with an
error that names it, once the other lists are saved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta
from typing import Any

from beffroi.collectors.engagement_plan import due_posts
from beffroi.collectors.errors import AuthExpired, CollectorError, PermanentError
from beffroi.collectors.item import Interaction, Page, Rejected
from beffroi.collectors.x.client import (
    PAGE_SIZE,
    PermissionRefused,
    RequestRefused,
    XClient,
)
from beffroi.collectors.x.cursor import Walk, XCursor
from beffroi.collectors.x.payloads import (
    USER_FIELDS,
    CityTweet,
    api_errors,
    city_tweets,
    engaged_users,
    next_token,
    permalink,
)

log = logging.getLogger(__name__)

# The engagement lists: X's name for each (in messages), tweepy's method, what it counts as.
ENGAGEMENT = {
    "retweets": ("retweeted_by", "get_retweeters", "share"),
    "quotes": ("quote_tweets", "get_quote_tweets", "share"),
    "likes": ("liking_users", "get_liking_users", "reaction"),
}
ENGAGEMENT_REQUEST: dict[str, dict[str, Any]] = {
    "retweets": {"user_fields": USER_FIELDS},
    "quotes": {
        "tweet_fields": ["author_id"],
        "expansions": ["author_id"],
        "user_fields": USER_FIELDS,
    },
    "likes": {"user_fields": USER_FIELDS},
}
# Who liked a post: X lists at most this many people, ever, and only in user context.
LIKERS_CEILING = 100
USER_CONTEXT_ONLY = {"likes"}
# An engagement list X refused (403) is not asked for again before this long.
REFUSAL_RETRY = timedelta(days=1)
# The city's timeline of the engagement window: at most this many pages of 100 tweets.
TIMELINE_PAGES = 5


def _tracked(stored: Any, timeline: dict[str, CityTweet]) -> dict[str, dict[str, Any]]:
    """What the cursor keeps per tweet still on the timeline (older ones are forgotten):
    the counts already collected (``seen``) and when it was last re-read (``refreshed``)."""
    stored = stored if isinstance(stored, dict) else {}
    tracked: dict[str, dict[str, Any]] = {}
    for tweet_id in timeline:
        old = stored.get(tweet_id) if isinstance(stored.get(tweet_id), dict) else {}
        seen = old.get("seen") if isinstance(old.get("seen"), dict) else {}
        entry: dict[str, Any] = {
            "seen": {
                k: v for k, v in seen.items() if k in ENGAGEMENT and (v is None or type(v) is int)
            }
        }
        if isinstance(old.get("refreshed"), str):
            entry["refreshed"] = old["refreshed"]
        tracked[tweet_id] = entry
    return tracked


def _moved(tweet: CityTweet, seen: dict[str, Any], skip: dict[str, Any]) -> list[str]:
    """The lists of ``tweet`` whose count moved since collected. An unknown count (X left
    ``public_metrics`` out) is read once; a count never collected counts as 0."""
    moved = []
    for endpoint in ENGAGEMENT:
        current = tweet.counts.get(endpoint)
        if endpoint in skip:
            continue
        if current is None:
            if endpoint not in seen:
                moved.append(endpoint)
        elif current != seen.get(endpoint, 0):
            moved.append(endpoint)
    return moved


def _standing_refusals(stored: Any, now: datetime) -> dict[str, dict[str, Any]]:
    """The refusals (403) of the last ``REFUSAL_RETRY``; older ones are tried again."""
    kept = {}
    for endpoint, refusal in (stored if isinstance(stored, dict) else {}).items():
        try:
            if (
                endpoint in ENGAGEMENT
                and datetime.fromisoformat(refusal["at"]) > now - REFUSAL_RETRY
            ):
                kept[endpoint] = refusal
        except (TypeError, KeyError, ValueError):
            continue
    return kept


def fetch_engagement(x: XClient, cursor: XCursor) -> Iterator[Page]:
    """Who shared or liked the city's recent tweets (see the module docstring)."""
    now = x.now()
    horizon = now - timedelta(days=x.engagement_days)
    timeline: dict[str, CityTweet] = {}
    rejected: list[Rejected] = []
    calls = 0
    for answer in x.timeline(
        "the city's recent tweets",
        horizon,
        ["created_at", "public_metrics"],
        ["retweets", "replies"],
        TIMELINE_PAGES,
    ):
        calls += answer.calls
        found, bad = city_tweets(answer.body)
        timeline.update((t.external_id, t) for t in found if t.created_at >= horizon)
        rejected += bad
    tracked = _tracked(cursor.tweets, timeline)
    refused = _standing_refusals(cursor.refused, now)
    walk = cursor.walk or Walk()
    cursor.tweets, cursor.refused = tracked, refused
    carried = {"calls": calls, "rejected": rejected, "pages": 0}

    def page(interactions: list[Interaction], cost: int, bad: list[Rejected]) -> Page:
        out = Page(
            [],
            cursor.dump(),
            carried["rejected"] + bad,
            api_calls=cost + carried["calls"] + x.pending_calls,
            interactions=interactions,
        )
        carried.update(calls=0, rejected=[], pages=carried["pages"] + 1)
        x.pending_calls = 0
        return out

    changed = {
        tweet_id: moved
        for tweet_id, entry in tracked.items()
        if (moved := _moved(timeline[tweet_id], entry["seen"], refused))
    }
    walking = walk.tweet
    if walk.endpoint not in changed.get(walking, ()):
        walking = None
    due, walk_due = due_posts(changed, tracked, walking, x.engagement_posts_per_pass, tiebreak=int)
    if not walk_due:
        cursor.walk = None  # its tweet left the window or its count is collected
    if not x.has_user:
        for endpoint in USER_CONTEXT_ONLY:
            refused.setdefault(
                endpoint,
                {
                    "at": now.isoformat(),
                    "why": f"{ENGAGEMENT[endpoint][0]} needs the user-context keys "
                    f"(OAuth 1.0a): set {x.missing_user_hint()}",
                    "auth": True,
                },
            )
    for tweet_id, moved in due:
        tweet = timeline[tweet_id]
        tracked[tweet.external_id]["refreshed"] = now.isoformat()
        for endpoint in moved:
            if endpoint in refused:  # refused for an earlier tweet of this pass
                continue
            try:
                yield from _engaged(x, tweet, endpoint, cursor, page)
            except (PermissionRefused, RequestRefused) as exc:
                refused[endpoint] = {
                    "at": now.isoformat(),
                    "why": exc.problem,
                    "auth": isinstance(exc, AuthExpired),
                }
                if cursor.walk is not None and cursor.walk.endpoint == endpoint:
                    cursor.walk = None
                yield page([], 1, [])
    if not carried["pages"]:
        yield page([], 0, [])
    if refused:
        raise _refusal_error(x, refused)


def _engaged(
    x: XClient,
    tweet: CityTweet,
    endpoint: str,
    cursor: XCursor,
    page: Callable[[list[Interaction], int, list[Rejected]], Page],
) -> Iterator[Page]:
    """Walk one list of one tweet (who retweeted, quoted or liked it), a page each.

    The last page records the tweet's count as collected; pages before it record the
    ``next_token`` to resume from (a stale one restarts the list: saving is idempotent).
    """
    what, method, kind = ENGAGEMENT[endpoint]
    user_auth = True if endpoint in USER_CONTEXT_ONLY else x.read_auth(what)
    walk = cursor.walk or Walk()
    resuming = walk.tweet == tweet.external_id and walk.endpoint == endpoint
    token = walk.next_token if resuming else None
    link = permalink(tweet.external_id, x.handle)
    while True:
        try:
            answer = x.call(
                f"{what} of tweet {tweet.external_id}",
                getattr(x.client, method),
                id=tweet.external_id,
                max_results=PAGE_SIZE,
                pagination_token=token,
                user_auth=user_auth,
                **ENGAGEMENT_REQUEST[endpoint],
            )
        except RequestRefused:
            raise
        except PermanentError:
            if token is None or not resuming:
                raise
            log.warning("%s: X refused the stored page token for %s", x.account, what)
            token, resuming = None, False
            continue
        resuming = False
        interactions = [
            Interaction("x", x.account, kind, who, tweet.external_id, tweet.created_at, link)
            for who in engaged_users(answer.body, endpoint)
            if who.external_id != x.city_id
        ]
        body = answer.body if isinstance(answer.body, dict) else {}
        # Past the ceiling X has no one more to list: a token there is never followed.
        token = next_token(body) if endpoint not in USER_CONTEXT_ONLY else None
        if token:
            cursor.walk = Walk(tweet=tweet.external_id, endpoint=endpoint, next_token=token)
        else:
            cursor.walk = None
            seen = (cursor.tweets or {})[tweet.external_id]["seen"]
            seen[endpoint] = tweet.counts.get(endpoint)
        yield page(interactions, answer.calls, api_errors(body))
        if not token:
            return
        x.stop_if_used_up(answer, what)


def _refusal_error(x: XClient, refused: dict[str, dict[str, Any]]) -> CollectorError:
    """One error naming every list X refuses, said once the other lists are saved."""
    names = ", ".join(ENGAGEMENT[e][0] for e in refused)
    kept = [ENGAGEMENT[e][0] for e in ENGAGEMENT if e not in refused]
    retry = min(datetime.fromisoformat(r["at"]) for r in refused.values()) + REFUSAL_RETRY
    reasons = "; ".join(sorted({str(r.get("why", "")) for r in refused.values()}))
    message = (
        f"{x.account}: X refuses {names} to this app ({reasons}), so those reactions "
        "or shares are not collected; the app's access level in the X developer portal "
        f"may not include this endpoint. {', '.join(kept) or 'Nothing else'} "
        f"{'is' if len(kept) == 1 else 'are'} still collected; tried again after "
        f"{retry:%Y-%m-%d %H:%M} UTC"
    )
    auth = any(r.get("auth") for r in refused.values())
    return AuthExpired(message) if auth else PermanentError(message)
