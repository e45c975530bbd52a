"""The ``mentions`` stream: ``GET /2/users/:id/mentions`` with ``since_id``.

``max_results=100``, so N new mentions cost about N/100 requests, and an idle pass exactly
one request. Read with the city's user keys when configured: X bills the city's own
mentions read that way as "Owned Reads" ($0.001 a post instead of $0.005).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from beffroi.collectors.item import Page
from beffroi.collectors.x.client import TWEET_REQUEST, Answer, XClient
from beffroi.collectors.x.cursor import Walk, XCursor
from beffroi.collectors.x.paging import newest_of, walk_pages
from beffroi.collectors.x.payloads import parse_page


def fetch_mentions(x: XClient, cursor: XCursor) -> Iterator[Page]:
    ctx = x.context()
    since = cursor.since_id
    user_auth = x.owned_read_auth("mentions")  # "Owned Reads": billed a fifth

    def call(token: str | None) -> Answer:
        return x.call(
            "mentions",
            x.client.get_users_mentions,
            id=ctx.city_id,
            since_id=since,
            pagination_token=token,
            user_auth=user_auth,
            **TWEET_REQUEST,
        )

    def parse(body: Any, walk: Walk):
        items, rejected = parse_page(body, ctx, "mention")
        return items, rejected, True

    def finish(cursor: XCursor, walk: Walk) -> None:
        cursor.since_id = newest_of(since, walk)

    yield from walk_pages(x, "mentions", cursor, call, parse, finish)
