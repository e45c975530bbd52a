"""Walking a newest-first paginated X endpoint, one ``Page`` per response.

X pages newest first with ``next_token``, and ``since_id`` must stay the same while paging,
so the stream's new high-water mark is only known at the end of a walk. Each page's cursor
records the walk in progress (``Walk``: the ``next_token`` of the next page, the
``pending_newest`` id taken from the first page); the last page commits the high-water mark.
A run that dies mid-walk resumes at the next page (re-fetching at most the page that was not
saved); if X no longer accepts the stored pagination token, the walk restarts from the
unchanged ``since_id`` (duplicates are harmless, nothing is skipped).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

from beffroi.collectors.errors import PermanentError
from beffroi.collectors.item import Item, Page, Rejected
from beffroi.collectors.x.client import Answer, XClient
from beffroi.collectors.x.cursor import Walk, XCursor
from beffroi.collectors.x.payloads import newest_id
from beffroi.collectors.x.payloads import next_token as next_token_of

log = logging.getLogger(__name__)

Parse = Callable[[Any, Walk], tuple[list[Item], list[Rejected], bool]]


def newest_of(old: str | None, walk: Walk) -> str | None:
    """At the end of a walk, the high-water mark: the newest id seen, or the old one."""
    return newest_id([old, walk.pending_newest]) or old


def walk_pages(
    x: XClient,
    what: str,
    cursor: XCursor,
    call: Callable[[str | None], Answer],
    parse: Parse,
    finish: Callable[[XCursor, Walk], None],
) -> Iterator[Page]:
    """Walk a newest-first paginated stream, one ``Page`` per response.

    ``parse(body, walk)`` returns the page's items, rejects, and whether to go on to
    older pages; ``finish(cursor, walk)`` moves the stream's high-water mark when the walk
    is complete. Until then each page's cursor holds the walk in progress.
    """
    walk = Walk(**vars(cursor.walk)) if cursor.walk else Walk()
    token = walk.next_token
    resumed = token is not None
    while True:
        try:
            answer = call(token)
        except PermanentError:
            if not resumed:
                raise
            log.warning("%s: X refused the stored page token for %s; restarting", x.account, what)
            walk, token, resumed = Walk(), None, False
            cursor.walk = None
            continue
        resumed = False
        body = answer.body
        meta = body.get("meta") if isinstance(body, dict) else None
        meta = meta if isinstance(meta, dict) else {}
        items, rejected, more = parse(body, walk)
        if token is None:
            walk.pending_newest = newest_id(
                [meta.get("newest_id"), *(i.external_id for i in items)]
            )
        next_token = next_token_of(body) if more else None  # None: one that cannot be sent
        if next_token:
            walk.next_token = next_token
            cursor.walk = walk
        else:
            cursor.walk = None
            finish(cursor, walk)
        calls, x.pending_calls = answer.calls + x.pending_calls, 0
        yield Page(items, cursor.dump(), rejected, api_calls=calls)
        if not next_token:
            return
        x.stop_if_used_up(answer, what)
        token = next_token
