"""The collector protocol: what every network module offers the rest of Beffroi."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol, runtime_checkable

from beffroi.collectors.item import Item, OutgoingPost, Page


@runtime_checkable
class Collector(Protocol):
    network: str
    account: str

    def streams(self) -> list[str]: ...

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]: ...

    def reply(self, to: Item, text: str) -> Item: ...

    def publish(self, post: OutgoingPost) -> str: ...

    def find_published(self, marker: str, since: datetime) -> str | None: ...
