"""The collector protocol: what every network module offers the rest of Beffroi."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol, runtime_checkable

from beffroi.collectors.item import Item, OutgoingPost, Page


@runtime_checkable
class Collector(Protocol):
    """A network account. Optional attributes read by the publishing outbox:

    ``find_published_is_exhaustive`` (default False): True when ``find_published`` sees every
    post of the account, so that ``None`` proves the post was never received. Only then may a
    post interrupted by a crash be sent again without asking a person.

    ``find_published_matches`` (default ``"text"``): what ``find_published`` is given to look
    for. ``"marker"`` where the network keeps the post's hidden marker (``OutgoingPost.marker``);
    ``"text"`` where it cannot (X, Facebook, Instagram): the outbox passes the exact text it
    sent, and the collector matches it among the account's posts since the given time.

    Read by the inbox when a reply send stayed marked in progress (a crash mid-send):
    ``send_timeout_seconds`` (default: ``timeout``, else 60), the longest a ``reply`` call can
    last; ``find_reply(to, text, since) -> Item | None``, the city's reply to ``to`` with that
    text since ``since`` (absent: the network cannot tell, a person decides).
    ``find_reply_is_exhaustive`` says whether ``find_reply``'s None is a proof (default:
    ``find_published_is_exhaustive``; Bluesky's posts are, its threads' replies are not).

    Read by the inbox's moderation, after the ingestion transaction: ``hide(item, hidden)``
    hides a citizen's comment on the network or shows it again (idempotent), raising
    ``collectors.moderation.HideUnsupported`` where the network cannot (absent: the same).
    """

    network: str
    account: str

    def streams(self) -> list[str]: ...

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]: ...

    def reply(self, to: Item, text: str) -> Item: ...

    def publish(self, post: OutgoingPost) -> str: ...

    def find_published(self, marker: str, since: datetime) -> str | None: ...
