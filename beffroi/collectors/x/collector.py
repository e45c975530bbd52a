"""``XCollector``: the collector protocol for one of the city's X accounts.

It is the client (``XClient``: credentials, errors, retries) plus one module per job:
``mentions``, ``replies``, ``dms`` and ``engagement`` for the streams, ``publishing`` and
``media`` for writing, ``doctor`` for ``check``. Cursors are ``XCursor`` (JSON in the
store, read back from any earlier format).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import TYPE_CHECKING

from beffroi.collectors.errors import PermanentError
from beffroi.collectors.item import Item, OutgoingPost, Page
from beffroi.collectors.x import doctor, publishing
from beffroi.collectors.x.client import STREAMS, XClient
from beffroi.collectors.x.cursor import XCursor
from beffroi.collectors.x.dms import fetch_dms
from beffroi.collectors.x.engagement import fetch_engagement
from beffroi.collectors.x.mentions import fetch_mentions
from beffroi.collectors.x.replies import fetch_replies, replies_query

if TYPE_CHECKING:
    from beffroi.config import Account, Settings

FETCHERS = {
    "mentions": fetch_mentions,
    "replies": fetch_replies,
    "dms": fetch_dms,
    "engagement": fetch_engagement,
}


class XCollector(XClient):
    """One of the city's X accounts (see each stream's module for what it does)."""

    network = "x"
    # Not found by find_published does not prove "not posted" (text matching, search
    # window): the outbox must then ask a person rather than post again.
    find_published_is_exhaustive = False
    find_published_matches = "text"  # a tweet carries no hidden marker

    @classmethod
    def for_account(cls, settings: Settings, account: Account) -> XCollector:
        collector = cls(
            account,
            bearer_token=account.token(),
            consumer_key=account.secret("consumer_key"),
            consumer_secret=account.secret("consumer_secret"),
            access_token=account.secret("user_access_token"),
            access_token_secret=account.secret("user_access_secret"),
        )
        collector.pricing = settings.x.pricing  # the estimate of the month's X cost
        return collector

    def streams(self) -> list[str]:
        unknown = [s for s in self._streams if s not in STREAMS]
        if unknown:
            raise PermanentError(
                f"{self.account}: unknown X stream {unknown[0]!r}; X offers {', '.join(STREAMS)}"
            )
        return list(self._streams)

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        fetcher = FETCHERS.get(stream)
        if fetcher is None:
            raise PermanentError(f"{self.account}: unknown X stream {stream!r}")
        self.meter.stream = stream
        return fetcher(self, XCursor.load(cursor))

    def replies_query(self, conversations: dict[str, str]) -> str:
        return replies_query(self.handle, conversations)

    def reply(self, to: Item, text: str) -> Item:
        self.meter.stream = "reply"
        return publishing.reply(self, to, text)

    def publish(self, post: OutgoingPost) -> str:
        self.meter.stream = "publish"
        return publishing.publish(self, post)

    def hide(self, item: Item, hidden: bool = True) -> None:
        self.meter.stream = "hide"
        publishing.hide(self, item, hidden)

    def find_published(self, marker: str, since: datetime) -> str | None:
        self.meter.stream = "find_published"
        return publishing.find_published(self, marker, since)

    def find_reply(self, to: Item, text: str, since: datetime) -> Item | None:
        self.meter.stream = "find_reply"
        return publishing.find_reply(self, to, text, since)

    def check(self) -> list[tuple[bool, str]]:
        return doctor.check(self)
