"""An X stream's position, typed (as ``graph.HighWater`` is for Meta).

X pages newest first with ``next_token``, and ``since_id`` must stay the same while paging,
so the stream's new high-water mark is only known at the end of a walk. A cursor therefore
holds the high-water mark (``since_id``, or ``newest`` for DMs, which have no ``since_id``)
and, mid-walk, the walk in progress (``Walk``): the ``next_token`` of the next page and the
``pending_newest`` id taken from the first page. The last page of a walk commits it.

Stored as the same JSON as before this type existed (keys left out when empty), so the
cursors already saved in a city's database read back unchanged; a bare numeric cursor (an
older format still) is a ``since_id``; anything unreadable starts the stream afresh.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, fields
from typing import Any

log = logging.getLogger(__name__)


def _text(value: Any) -> str | None:
    """A stored id or token: a string (an int from an older writer is accepted)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return str(value)
    return value if isinstance(value, str) else None


def _ids(value: Any) -> list[str] | None:
    """A stored list of ids (anything else: none stored)."""
    if not isinstance(value, list):
        return None
    return [text for v in value if (text := _text(v)) is not None and text.isdigit()]


def _digits(value: Any) -> str | None:
    """A stored snowflake id (anything else: none stored)."""
    text = _text(value)
    return text if text is not None and text.isdigit() else None


def _mapping(value: Any) -> dict[str, Any] | None:
    return dict(value) if isinstance(value, dict) else None


@dataclass
class Walk:
    """A newest-first walk in progress, saved with each page until its last."""

    next_token: str | None = None
    pending_newest: str | None = None
    # replies: X ties a next_token to its query; the oldest city post found on the way.
    query: str | None = None
    floor: str | None = None
    # engagement: the tweet whose list (``endpoint``: retweets, quotes, likes) is walked.
    tweet: str | None = None
    endpoint: str | None = None

    @classmethod
    def load(cls, data: Any) -> Walk | None:
        if not isinstance(data, dict):
            return None
        return cls(**{f.name: _text(data.get(f.name)) for f in fields(cls)})

    def dump(self) -> dict[str, str]:
        return {f.name: v for f in fields(self) if (v := getattr(self, f.name)) is not None}


@dataclass
class XCursor:
    """What each X stream remembers between passes (see the stream modules)."""

    since_id: str | None = None  # mentions, replies
    newest: str | None = None  # dms
    recent: list[str] | None = None  # dms: the ids seen over the span X lists
    covered: str | None = None  # dms: the snowflake from which ``recent`` is complete
    conversations: dict[str, Any] | None = None  # replies: watched conversation -> time
    tweets: dict[str, Any] | None = None  # engagement: per tweet, counts collected
    refused: dict[str, Any] | None = None  # engagement: lists X refused, and when
    walk: Walk | None = None

    @classmethod
    def load(cls, cursor: str | None) -> XCursor:
        if not cursor:
            return cls()
        try:
            data = json.loads(cursor)
        except (ValueError, RecursionError):
            # A cursor from an older format (a bare since_id) is still a since_id.
            return cls(since_id=cursor) if cursor.isdigit() else cls()
        if isinstance(data, int) and cursor.isdigit():
            return cls(since_id=cursor)
        if not isinstance(data, dict):
            log.warning("unreadable X cursor %r: starting the stream afresh", cursor[:80])
            return cls()
        return cls(
            since_id=_text(data.get("since_id")),
            newest=_text(data.get("newest")),
            recent=_ids(data.get("recent")),
            covered=_digits(data.get("covered")),
            conversations=_mapping(data.get("conversations")),
            tweets=_mapping(data.get("tweets")),
            refused=_mapping(data.get("refused")),
            walk=Walk.load(data.get("walk")),
        )

    def dump(self) -> str:
        data: dict[str, Any] = {}
        names = ("since_id", "newest", "recent", "covered", "conversations", "tweets", "refused")
        for name in names:
            value = getattr(self, name)
            if value is not None:
                data[name] = value
        if self.walk is not None:
            data["walk"] = self.walk.dump()
        return json.dumps(data, sort_keys=True, separators=(",", ":"))
