"""The ``dms`` stream: ``GET /2/dm_events``.

It needs the user-context keys and the app's "Direct Messages" permission. The endpoint has
no ``since_id``: pages are walked newest first. Three facts of the real API shape the walk
(tweepy's recorded DM session, ``shared/fixtures`` issue 12):

- **Late events**: ``GET /2/dm_events`` answered ``result_count 0`` seconds after two DMs
  were sent, while the per-conversation endpoint already had them. An event can therefore
  show up behind a newer one already collected, and it may be late by more than any fixed
  window. The endpoint lists the events of the last 30 days (``RETAINED``, docs.x.com
  "Direct Messages lookup"), so the cursor keeps, beside the newest id seen (``newest``),
  the ids seen over that span (``recent``, at most ``RECENT_KEPT``): any event of a page
  read that is not among them is new, however old. Pages cost requests, so a pass reads
  deeper than its first page only down to ``OVERLAP`` before ``newest``: a late event is
  caught as long as fewer than a page (100) of newer events hide it, at no extra request.
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
    snowflake_at,
    snowflake_time,
)

# How far below the newest event seen a pass pages on (each page is a request).
OVERLAP = timedelta(hours=1)
# How long X lists an event (docs.x.com: "events from up to 30 days ago"): the ids seen
# over that span are kept, so that an event listed late is recognised as new.
RETAINED = timedelta(days=30)
# At most this many ids kept in the cursor (about 20 bytes each).
RECENT_KEPT = 2000


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

    # From when ``recent`` holds every event seen: stored by this code; for a cursor of the
    # one-hour overlap before it, its oldest id (it holds nothing older).
    covered_id = cursor.covered or (min(recent, key=int) if recent else None)
    covered = _time_of(covered_id)

    def already_had(item: Item) -> bool:
        if item.external_id in recent:
            return True
        if cursor.recent is None and known is not None:  # a cursor from before the overlap
            return int(item.external_id) <= int(known)
        return covered is not None and item.created_at < covered

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
            i for i in recent.union(seen) if top is None or (_time_of(i) or top) >= top - RETAINED
        ]
        cursor.recent = sorted(window, key=int)[-RECENT_KEPT:]
        since = covered_id
        if known is None and top is not None:
            # A first walk reads the listing to its end: it has seen all X lists.
            since = str(max(snowflake_at(top - RETAINED), 0))
        if since is not None and len(window) > RECENT_KEPT:  # the cap cut the oldest ids
            since = max(since, cursor.recent[0], key=int)
        cursor.covered = since

    yield from walk_pages(x, "direct messages", cursor, call, parse, finish)
