"""Collectors: one module per network, each turning API payloads into ``Item``s.

``build_collector`` is the one place that maps an account's network to its module; the
network modules are imported lazily so that a city without X never imports tweepy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
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


def build_collector(settings: Settings, account: Account) -> Collector:
    """The collector for one of the city's accounts."""
    if account.network == "sandbox":
        from beffroi.collectors.sandbox import SandboxCollector

        return SandboxCollector.for_account(settings, account)
    if account.network == "x":
        from beffroi.collectors.x import XCollector

        return XCollector.for_account(settings, account)
    if account.network == "facebook":
        from beffroi.collectors.facebook import FacebookCollector

        return FacebookCollector.for_account(settings, account)
    if account.network == "instagram":
        from beffroi.collectors.instagram import InstagramCollector

        return InstagramCollector.for_account(settings, account)
    if account.network == "instagram_public":
        from beffroi.collectors.instagram_public import InstagramPublicCollector

        return InstagramPublicCollector.for_account(settings, account)
    if account.network == "bluesky":
        from beffroi.collectors.bluesky import BlueskyCollector

        return BlueskyCollector.for_account(settings, account)
    if account.network == "mastodon":
        from beffroi.collectors.mastodon import MastodonCollector

        return MastodonCollector.for_account(settings, account)
    raise ValueError(f"unknown network {account.network!r}")


__all__ = [
    "KINDS",
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
    "Rejected",
    "SentUnconfirmed",
    "TransientError",
    "build_collector",
    "mask_secrets",
    "utcnow",
]
