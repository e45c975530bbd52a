"""The ``dms`` stream: ``GET /2/dm_events``.

It needs the user-context keys and the app's "Direct Messages" permission. The endpoint has
no ``since_id``: pages are walked newest first. Three facts of the real API shape the walk
(tweepy's recorded DM session, ``shared/fixtures`` issue 12):

- **Late events**: ``GET /2/dm_events`` answered ``result_count 0`` seconds after two DMs
  were sent, while the per-conversation endpoint already had them. An event can therefore
  show up behind a newer one already collected. The cursor keeps, beside the newest id
  seen (``newest``), every id seen within ``OVERLAP`` of it (``recent``); each pass reads
  down to ``OVERLAP`` before ``newest`` and yields the events it has not seen yet.
- **The last page carries a ``next_token``** too: a page with fewer events than asked for
  is the last one, so an idle pass (or one with a few new DMs) is ONE request.
- **The city's own messages** are recognised by ``sender_id`` (asked for in
  ``dm_event.fields``) and stored as ``out``; each is linked to the citizen's message it
  follows in its conversation (``parent_external_id``), so the inbox closes that message as
  answered, even when both arrive in the same page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

from beffroi.collectors.conversations import link_out_messages
from beffroi.collectors.item import Item, Page
from beffroi.collectors.x.client import PAGE_SIZE, Answer, XClient
from beffroi.collectors.x.cursor import Walk, XCursor
from beffroi.collectors.x.paging import newest_of, walk_pages
from beffroi.collectors.x.payloads import (
    DM_EVENT_FIELDS,
    USER_FIELDS,
    parse_page,
    snowflake_time,
)

# How far below the newest event seen each pass reads again, for events that show up late.
OVERLAP = timedelta(hours=1)
# At most this many ids kept in the cursor for the overlap window.
RECENT_KEPT = 500


def _time_of(external_id: str | None):
    """The time in a snowflake id, or None for an id that carries none."""
    try:
        return snowflake_time(external_id) if external_id else None
    except (TypeError, ValueError, OverflowError):
        return None


def link_city_answers(items: list[Item]) -> list[Item]:
    """Each of the city's DMs linked to the citizen's DM it follows, per conversation;
    the page's order is kept."""
    by_thread: dict[str | None, list[Item]] = {}
    for item in items:
        by_thread.setdefault(item.thread_external_id, []).append(item)
    linked = {
        id(original): item
        for thread, group in by_thread.items()
        if thread is not None
        for original, item in zip(
            sorted(group, key=lambda i: (i.created_at, i.external_id)),
            link_out_messages(group),
            strict=True,
        )
    }
    return [linked.get(id(item), item) for item in items]


def fetch_dms(x: XClient, cursor: XCursor) -> Iterator[Page]:
    x.need_user("reading direct messages")
    ctx = x.context()
    known = cursor.newest if cursor.newest and cursor.newest.isdigit() else None
    newest_time = _time_of(known)
    floor = newest_time - OVERLAP if newest_time is not None else None
    recent = set(cursor.recent or ())
    seen: list[str] = []

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

    def already_had(item: Item) -> bool:
        if item.external_id in recent:
            return True
        if cursor.recent is None and known is not None:  # a cursor from before the overlap
            return int(item.external_id) <= int(known)
        return floor is not None and item.created_at < floor

    def parse(body: Any, walk: Walk):
        items, rejected = parse_page(body, ctx, "dm")
        seen.extend(i.external_id for i in items)
        data = body.get("data") if isinstance(body, dict) else None
        full = isinstance(data, list) and len(data) >= PAGE_SIZE
        reached_floor = floor is not None and any(i.created_at < floor for i in items)
        fresh = [i for i in link_city_answers(items) if not already_had(i)]
        return fresh, rejected, full and not reached_floor

    def finish(cursor: XCursor, walk: Walk) -> None:
        cursor.newest = newest_of(known, walk)
        top = _time_of(cursor.newest)
        window = [
            i for i in recent.union(seen) if top is None or (_time_of(i) or top) >= top - OVERLAP
        ]
        cursor.recent = sorted(window, key=int)[-RECENT_KEPT:]

    yield from walk_pages(x, "direct messages", cursor, call, parse, finish)
