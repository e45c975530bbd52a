"""The ``replies`` stream: one recent search ``(from:<city> OR conversation_id:<a> OR ...)
-is:retweet`` with ``since_id``.

``from:`` finds the city's own new posts (``post``, out) and the replies the city wrote in
the X app (``reply``, out: this is how a native reply closes a queue item);
``conversation_id:`` finds what citizens write under the city's recent posts. The watched
conversations (the city's posts of the last 7 days, the window of recent search, newest
first, as many as fit in a 512-character query, about a dozen) are kept in the cursor,
since a collector cannot read the store. When a pass discovers a new city post, the next
pass searches from that post's id instead of the newest id seen, so replies that came
before its conversation was watched are not missed (at the price of seeing a few tweets
twice, which ingestion ignores).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from beffroi.collectors.item import Page
from beffroi.collectors.x.client import TWEET_REQUEST, Answer, XClient
from beffroi.collectors.x.cursor import Walk, XCursor
from beffroi.collectors.x.paging import walk_pages
from beffroi.collectors.x.payloads import newest_id, parse_page, snowflake_time

MAX_QUERY_LENGTH = 512
WATCH_DAYS = 7
SEARCH_MARGIN = timedelta(minutes=10)


def replies_query(handle: str, conversations: dict[str, str]) -> str:
    """``(from:<city> OR conversation_id:<newest> OR ...) -is:retweet`` within 512 chars."""
    head, tail = f"(from:{handle}", ") -is:retweet"
    query = head
    for conversation in sorted(conversations, key=int, reverse=True):
        part = f" OR conversation_id:{conversation}"
        if len(query) + len(part) + len(tail) > MAX_QUERY_LENGTH:
            break
        query += part
    return query + tail


def _older_than(external_id: str, moment: datetime) -> bool:
    try:
        return snowflake_time(external_id) < moment
    except ValueError:
        return True


def _watched(stored: Any, horizon: datetime) -> dict[str, str]:
    """The watched conversations still inside the search window (unreadable ones dropped)."""
    kept = {}
    for cid, created in (stored if isinstance(stored, dict) else {}).items():
        try:
            if str(cid).isdigit() and datetime.fromisoformat(created) >= horizon:
                kept[str(cid)] = created
        except (TypeError, ValueError):
            continue
    return kept


def fetch_replies(x: XClient, cursor: XCursor) -> Iterator[Page]:
    ctx = x.context()
    user_auth = x.read_auth("replies")
    horizon = x.now() - timedelta(days=WATCH_DAYS)
    since = cursor.since_id
    if since and _older_than(since, horizon + SEARCH_MARGIN):
        # Recent search refuses a since_id older than its window (400): after a long
        # stop, read the whole window again instead (ingestion ignores duplicates).
        since = None
        cursor.since_id = None
        cursor.walk = None
    conversations = _watched(cursor.conversations, horizon)
    cursor.conversations = conversations
    query = (cursor.walk.query if cursor.walk else None) or replies_query(x.handle, conversations)

    def call(token: str | None) -> Answer:
        return x.call(
            "replies",
            x.client.search_recent_tweets,
            query=query,
            since_id=since,
            next_token=token,
            user_auth=user_auth,
            **TWEET_REQUEST,
        )

    def parse(body: Any, walk: Walk):
        walk.query = query
        items, rejected = parse_page(body, ctx, "reply")
        for item in items:
            is_root = item.thread_external_id in (None, item.external_id)
            if item.direction == "out" and item.kind == "post" and is_root:
                if item.external_id not in conversations and item.created_at >= horizon:
                    conversations[item.external_id] = item.created_at.isoformat()
                    floor = walk.floor
                    if floor is None or not floor.isdigit() or int(item.external_id) < int(floor):
                        walk.floor = item.external_id
        return items, rejected, True

    def finish(cursor: XCursor, walk: Walk) -> None:
        newest = newest_id([since, walk.pending_newest])
        floor = walk.floor
        if (
            floor is not None
            and floor.isdigit()
            and newest is not None
            and int(floor) < int(newest)
        ):
            # Replies to a post discovered in this pass are all newer than the post.
            newest = floor
        if newest:
            cursor.since_id = newest

    yield from walk_pages(x, "replies", cursor, call, parse, finish)
