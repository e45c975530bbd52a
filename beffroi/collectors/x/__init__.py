"""The X collector: mentions, replies in the city's conversations, DMs and engagement,
through tweepy's API v2 ``Client``.

- ``client``: credentials, tweepy's client, error mapping and retries (``XClient``);
- ``cursor``: each stream's typed position (``XCursor``, ``Walk``);
- ``paging``: the newest-first walk that mentions, replies and DMs share;
- ``mentions``, ``replies``, ``dms``, ``engagement``: one module per stream;
- ``publishing``, ``media``: replies, posts and their images;
- ``doctor``: what ``beffroi doctor`` says of the account;
- ``payloads``: X's JSON into ``Item``s, or ``Rejected`` with a reason;
- ``collector``: ``XCollector``, the collector protocol over all of them.
"""

from __future__ import annotations

from beffroi.collectors.x.client import (
    DEFAULT_STREAMS,
    STREAMS,
    PermissionRefused,
    RequestRefused,
    XClient,
)
from beffroi.collectors.x.collector import XCollector
from beffroi.collectors.x.cursor import Walk, XCursor

__all__ = [
    "DEFAULT_STREAMS",
    "STREAMS",
    "PermissionRefused",
    "RequestRefused",
    "Walk",
    "XClient",
    "XCollector",
    "XCursor",
]
