"""The ``dms`` stream: ``GET /2/dm_events``.

It needs the user-context keys and the app's "Direct Messages" permission. The endpoint has
no ``since_id``: pages are walked newest first until an event already seen (``newest``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from beffroi.collectors.item import Page
from beffroi.collectors.x.client import PAGE_SIZE, Answer, XClient
from beffroi.collectors.x.cursor import Walk, XCursor
from beffroi.collectors.x.paging import newest_of, walk_pages
from beffroi.collectors.x.payloads import DM_EVENT_FIELDS, USER_FIELDS, parse_page


def fetch_dms(x: XClient, cursor: XCursor) -> Iterator[Page]:
    x.need_user("reading direct messages")
    ctx = x.context()
    known = cursor.newest if cursor.newest and cursor.newest.isdigit() else None

    def call(token: str | None) -> Answer:
        return x.call(
            "direct messages",
            x.client.get_direct_message_events,
            event_types="MessageCreate",
            dm_event_fields=DM_EVENT_FIELDS,
            expansions=["sender_id"],
            user_fields=USER_FIELDS,
            max_results=PAGE_SIZE,
            pagination_token=token,
            user_auth=True,
        )

    def parse(body: Any, walk: Walk):
        items, rejected = parse_page(body, ctx, "dm")
        fresh = [i for i in items if known is None or int(i.external_id) > int(known)]
        return fresh, rejected, len(fresh) == len(items)

    def finish(cursor: XCursor, walk: Walk) -> None:
        cursor.newest = newest_of(known, walk)

    yield from walk_pages(x, "direct messages", cursor, call, parse, finish)
