"""The normalised item every collector yields, whatever the network.

It is frozen so that a collector's output cannot be changed on the way to the store: what
was fetched is what is saved, and ``raw`` keeps the payload so a parsing fix can be
replayed later.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from beffroi.clock import now_utc

Kind = Literal["comment", "reply", "mention", "dm", "post", "ugc"]
Direction = Literal["in", "out"]
KINDS: tuple[str, ...] = ("comment", "reply", "mention", "dm", "post", "ugc")
# Kinds that a citizen may expect an answer to; ``post`` and ``ugc`` never enter the queue.
# Defined here only: the inbox queues these kinds, nothing else decides it.
QUEUED_KINDS: frozenset[str] = frozenset({"comment", "reply", "mention", "dm"})


@dataclass(frozen=True)
class Author:
    network: str
    external_id: str
    handle: str | None = None
    display_name: str | None = None
    # The profile's text as the person wrote it (a Bluesky description, a Mastodon note and
    # fields), plain text: where people say "aussi sur X : @…", what link proposals read.
    profile: str | None = field(default=None, compare=False)


@dataclass(frozen=True)
class Item:
    network: str
    account: str
    external_id: str
    kind: Kind
    direction: Direction
    text: str
    created_at: datetime
    author: Author | None = None
    permalink: str | None = None
    parent_external_id: str | None = None
    thread_external_id: str | None = None
    like_count: int | None = None
    reply_count: int | None = None
    raw: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if not self.external_id:
            raise ValueError("an item needs its platform id")
        if self.kind not in KINDS:
            raise ValueError(f"unknown item kind {self.kind!r}")
        if self.direction not in ("in", "out"):
            raise ValueError(f"unknown direction {self.direction!r}")
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        if self.created_at.utcoffset() != UTC.utcoffset(None):
            object.__setattr__(self, "created_at", self.created_at.astimezone(UTC))


@dataclass(frozen=True)
class Rejected:
    """A payload that could not become an Item; stored, never dropped."""

    payload: Any
    reason: str


InteractionKind = Literal["reaction", "share"]


@dataclass(frozen=True)
class Interaction:
    """Someone reacted to (like, love...) or shared (retweet, quote) one of the city's posts.

    No text is kept: who, which post, and when is all the ranking needs. Networks do not
    say when a like or a retweet happened; ``created_at`` is then the post's own time, so a
    first collection of old posts does not make old likes look recent.
    """

    network: str
    account: str
    kind: InteractionKind
    author: Author
    target_external_id: str
    created_at: datetime
    permalink: str | None = None

    def __post_init__(self) -> None:
        if self.kind not in ("reaction", "share"):
            raise ValueError(f"unknown interaction kind {self.kind!r}")
        if not self.author.external_id or not self.target_external_id:
            raise ValueError("an interaction needs who and which post")
        if self.created_at.tzinfo is None:
            raise ValueError("created_at must be timezone-aware")
        if self.created_at.utcoffset() != UTC.utcoffset(None):
            object.__setattr__(self, "created_at", self.created_at.astimezone(UTC))


@dataclass
class Page:
    """One page of a stream: its items, what was rejected, and the cursor to store with it.

    ``cursor`` is the stream's position *after* this page; it is saved in the same
    transaction as the items so that a crash re-fetches at most this page.
    ``interactions`` are the reactions and shares a network lists by person (an
    ``engagement`` stream), saved in that same transaction.
    """

    items: list[Item]
    cursor: str | None
    rejected: list[Rejected] = field(default_factory=list)
    api_calls: int = 1
    interactions: list[Interaction] = field(default_factory=list)


@dataclass(frozen=True)
class OutgoingPost:
    """A post the city publishes. ``marker`` lets ``find_published`` recognise it later.

    ``image_path`` is the local file (X and Facebook upload it); ``image_url`` the same
    image at a public https address, for networks that fetch it themselves (Instagram).
    """

    account: str
    text: str
    marker: str
    image_path: str | None = None
    link: str | None = None
    image_url: str | None = None
    # The key the outbox row chose before the call, for networks that create a post at a
    # key of the client's choosing (Bluesky's record key); None elsewhere.
    key: str | None = None
    image_alt: str | None = None


# The program's one clock (``beffroi.clock``), under the name the collectors know it by.
utcnow = now_utc
