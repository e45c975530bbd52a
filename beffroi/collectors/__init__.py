"""Collectors: one module per network, each turning API payloads into ``Item``s.

``build_collector`` is the one place that maps an account's network to its module; the
network modules are imported lazily so that a city without X never imports tweepy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

from beffroi.collectors.errors import (
    REPLY_REFUSED,
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    ReplyNotAllowed,
    SentUnconfirmed,
    TransientError,
    mask_secrets,
)
from beffroi.collectors.item import (
    KINDS,
    QUEUED_KINDS,
    Author,
    Interaction,
    Item,
    OutgoingPost,
    Page,
    Rejected,
    utcnow,
)
from beffroi.collectors.protocol import Collector

if TYPE_CHECKING:
    from beffroi.config import Account, Settings


# Each network's collector class, by module: imported only when an account needs it.
COLLECTOR_CLASSES = {
    "sandbox": ("beffroi.collectors.sandbox", "SandboxCollector"),
    "x": ("beffroi.collectors.x", "XCollector"),
    "facebook": ("beffroi.collectors.facebook", "FacebookCollector"),
    "instagram": ("beffroi.collectors.instagram", "InstagramCollector"),
    "instagram_public": ("beffroi.collectors.instagram_public", "InstagramPublicCollector"),
    "bluesky": ("beffroi.collectors.bluesky", "BlueskyCollector"),
    "mastodon": ("beffroi.collectors.mastodon", "MastodonCollector"),
}


def build_collector(settings: Settings, account: Account) -> Collector:
    """The collector for one of the city's accounts."""
    if account.network not in COLLECTOR_CLASSES:
        raise ValueError(f"unknown network {account.network!r}")
    module, name = COLLECTOR_CLASSES[account.network]
    return getattr(importlib.import_module(module), name).for_account(settings, account)


__all__ = [
    "KINDS",
    "REPLY_REFUSED",
    "QUEUED_KINDS",
    "AuthExpired",
    "Author",
    "Collector",
    "CollectorError",
    "Interaction",
    "Item",
    "OutgoingPost",
    "Page",
    "PermanentError",
    "RateLimited",
    "ReplyNotAllowed",
    "Rejected",
    "SentUnconfirmed",
    "TransientError",
    "build_collector",
    "mask_secrets",
    "utcnow",
]
