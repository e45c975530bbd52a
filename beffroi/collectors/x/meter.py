"""What every X request costs: counted at the HTTP layer, classified as X bills it.

X's pay-per-use API (February 2026) bills resources returned or created: about $0.005 per
post read, $0.010 per user or DM event read, $0.015 per post created. The X collector's
``requests`` session hands every answer to ``Meter.saw``; each is classified by its path
(``resource_of``) and the resources it carries are counted (the ``data`` entries). The
counts wait in memory until the scheduler saves them (``drain``), per stream, so nothing
here touches the database.

"Owned Reads" (2026): the city reading its own mentions and timeline with its own user
keys (OAuth 1.0a user context) is billed about $0.001 a post instead of $0.005, so those
answers count as ``owned_read``; the same reads with the bearer token stay ``post_read``.

A DM sent is billed here at the post-created rate (X publishes no separate price for it);
media uploads are counted as requests with no resource price.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

RESOURCES = ("post_read", "owned_read", "user_read", "dm_event_read", "post_create", "media_upload")

_RULES: tuple[tuple[str, re.Pattern[str], str], ...] = (
    ("POST", re.compile(r"/2/tweets/?$"), "post_create"),
    ("POST", re.compile(r"/2/dm_conversations"), "post_create"),
    ("POST", re.compile(r"/media/upload"), "media_upload"),
    ("GET", re.compile(r"/2/dm_events"), "dm_event_read"),
    ("GET", re.compile(r"/2/tweets/\d+/(retweeted_by|liking_users)"), "user_read"),
    ("GET", re.compile(r"/2/users/(me|by/|\d+$)"), "user_read"),
    ("GET", re.compile(r"/2/(tweets|users/\d+/(mentions|tweets))"), "post_read"),
)


_OWNED = re.compile(r"/2/users/(\d+)/(mentions|tweets)/?$")


def resource_of(method: str, path: str, *, user_context: bool = False, owner: str | None = None):
    """The billed resource an X request returns or creates (``post_read`` by default).

    ``user_context``: the request was signed with the user keys; ``owner``: the city's
    user id. Reading the owner's own mentions or timeline that way is an owned read.
    """
    owned = _OWNED.search(path) if method.upper() == "GET" else None
    if owned and user_context and owner is not None and owned.group(1) == owner:
        return "owned_read"
    for rule_method, pattern, resource in _RULES:
        if method.upper() == rule_method and pattern.search(path):
            return resource
    return "post_read"


def count_resources(body: Any) -> int:
    """How many resources an answer carries: its ``data`` entries (one for an object)."""
    if not isinstance(body, dict):
        return 0
    data = body.get("data")
    if isinstance(data, list):
        return len(data)
    return 1 if isinstance(data, dict) else 0


@dataclass
class Meter:
    """Counts per (stream, resource): ``[requests, resources]``. ``stream`` is set by the
    collector before each read or write (``mentions``, ``publish``...)."""

    stream: str = "other"
    owner: str | None = None  # the city's X user id, once known (owned reads)
    counts: dict[tuple[str, str], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )

    def saw(
        self, method: str, path: str, status: int, body: Any, *, user_context: bool = False
    ) -> None:
        resource = resource_of(method, path, user_context=user_context, owner=self.owner)
        entry = self.counts[(self.stream, resource)]
        entry[0] += 1
        if 200 <= status < 300:
            entry[1] += count_resources(body) if resource != "post_create" else 1

    def drain(self) -> list[tuple[str, str, int, int]]:
        """The counts since the last drain, as (stream, resource, requests, resources)."""
        out = [(s, r, n, k) for (s, r), (n, k) in sorted(self.counts.items())]
        self.counts.clear()
        return out
