"""The simulated city: a collector that needs no internet, for the demo and full-cycle tests.

A ``sandbox`` account simulates X, Facebook, Instagram, Bluesky or Mastodon (``simulates``).
Its items carry the simulated network's name so the demo looks like the real city, with ids
prefixed ``sim-`` so they never collide with real ones. The network's state (90 days of history, live activity,
what the city sent) lives in ``<database>.sandbox.sqlite``, see ``beffroi.sandbox``;
this module only converts its rows into ``Item``s and its refusals into collector errors.

It honours the collector contract the way the real networks do: pages of at most 100 items,
a cursor saved with each page, one API call for an idle pass, typed errors, and replies that
come back through the stream with the id ``reply`` returned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from beffroi.collectors.errors import (
    AuthExpired,
    CollectorError,
    PermanentError,
    RateLimited,
    TransientError,
)
from beffroi.collectors.item import Author, Interaction, Item, OutgoingPost, Page, utcnow
from beffroi.collectors.moderation import check_hideable, french_errors
from beffroi.collectors.social_errors import PostTooLong
from beffroi.collectors.social_text import grapheme_count, mastodon_length
from beffroi.sandbox import (
    SETTLE,
    STREAMS,
    CityProfile,
    Published,
    SandboxError,
    SandboxNetwork,
    engagement_of,
    from_text,
    state_path,
)

PAGE_SIZE = 100
# The newer networks refuse a text over their limit, as the real ones do (before any call):
# network -> (name, limit, how it counts, unit).
LENGTH_LIMITS = {
    "bluesky": ("Bluesky", 300, grapheme_count, "signes"),
    "mastodon": ("Mastodon", 500, mastodon_length, "caractères"),
}
ENGAGEMENT_POSTS_PER_PAGE = 20
# The simulated network fails with a kind; the collector error of that kind is raised.
ERRORS: dict[str, type[CollectorError]] = {
    "rate_limited": RateLimited,
    "auth_expired": AuthExpired,
    "transient": TransientError,
    "permanent": PermanentError,
}


@contextmanager
def collector_errors() -> Iterator[None]:
    """Speak the collector protocol: a refusal of the simulated network becomes the typed
    collector error the runner acts on, as a real network's HTTP status would."""
    try:
        yield
    except SandboxError as exc:
        if exc.kind == "rate_limited":
            raise RateLimited(str(exc), reset_at=exc.reset_at) from None
        raise ERRORS[exc.kind](str(exc)) from None


class SandboxCollector:
    """One of the city's accounts on the simulated network."""

    # The simulated network's state holds every post: "not found" means "never received".
    find_published_is_exhaustive = True
    find_published_matches = "marker"  # kept as hidden metadata of the simulated post

    def __init__(
        self,
        state: SandboxNetwork,
        account: str,
        simulates: str,
        *,
        handle: str | None = None,
        streams: list[str] | None = None,
        profile: CityProfile | None = None,
        now: Callable[[], datetime] = utcnow,
    ) -> None:
        if simulates not in STREAMS:
            raise ValueError(f"a sandbox account simulates {', '.join(STREAMS)}, not {simulates!r}")
        self.state = state
        self.account = account
        self.network = simulates
        self.handle = handle or account
        self._streams = streams
        self._profile = profile
        self._now = now

    @classmethod
    def for_account(
        cls, settings, account, now: Callable[[], datetime] = utcnow
    ) -> SandboxCollector:
        if account.simulates is None:
            raise PermanentError(
                f"account {account.key}: a sandbox account needs simulates = "
                + " | ".join(f'"{n}"' for n in STREAMS)
            )
        with collector_errors():
            state = SandboxNetwork(state_path(settings.database_path))
        return cls(
            state,
            account.key,
            account.simulates,
            handle=account.handle,
            streams=account.streams,
            profile=CityProfile.from_settings(settings),
            now=now,
        )

    # ------------------------------------------------------------------ contract

    def streams(self) -> list[str]:
        offered = STREAMS[self.network]
        if self._streams is None:
            return list(offered)
        unknown = [s for s in self._streams if s not in offered]
        if unknown:
            raise PermanentError(
                f"{self.account}: stream {unknown[0]!r} does not exist on simulated "
                f"{self.network} (streams: {', '.join(offered)})"
            )
        return list(self._streams)

    def fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        if stream not in STREAMS[self.network]:
            raise PermanentError(f"no stream {stream!r} on simulated {self.network}")
        with collector_errors():
            yield from self._fetch(stream, cursor)

    def _fetch(self, stream: str, cursor: str | None) -> Iterator[Page]:
        now = self._now()
        self.state.take_failure(self.account, "fetch", now)
        self.state.wait(self.account, "fetch", "before")
        self._ensure_built(now)
        self.state.advance(now)
        try:
            position = int(cursor) if cursor else 0
        except ValueError:
            raise PermanentError(f"invalid sandbox cursor {cursor!r}") from None
        if stream == "engagement":
            yield from self._engagement(position, now)
            return
        while True:
            rows = self.state.page(self.account, stream, position, PAGE_SIZE)
            if not rows:
                yield Page([], None, api_calls=1)
                return
            position = rows[-1]["seq"]
            yield Page([self._item(r) for r in rows], str(position), api_calls=1)
            if len(rows) < PAGE_SIZE:
                return

    def _engagement(self, position: int, now: datetime) -> Iterator[Page]:
        """Who reacted to and shared each post once it has settled, a page of posts at a
        time; the cursor is the last post listed, so each post is listed once."""
        profile = self.state.profile
        citizens = self.state.citizens()
        while True:
            posts = self.state.settled_posts(
                self.account, position, now - SETTLE, ENGAGEMENT_POSTS_PER_PAGE
            )
            if not posts:
                yield Page([], None, api_calls=1)
                return
            interactions = []
            for post in posts:
                for who in engagement_of(
                    profile.seed, citizens, self.network, post["external_id"], post["like_count"]
                ):
                    author = Author(
                        self.network,
                        who.citizen.author_id(self.network),
                        who.citizen.handles[self.network],
                        who.citizen.display_name(self.network),
                        who.citizen.bios.get(self.network),
                    )
                    interactions.append(
                        Interaction(
                            self.network,
                            self.account,
                            who.kind,
                            author,
                            post["external_id"],
                            from_text(post["created_at"]),
                            f"sandbox://{self.network}/{self.account}/{post['external_id']}",
                        )
                    )
            position = posts[-1]["seq"]
            yield Page([], str(position), api_calls=len(posts), interactions=interactions)
            if len(posts) < ENGAGEMENT_POSTS_PER_PAGE:
                return

    def reply(self, to: Item, text: str) -> Item:
        self._check_length(text)
        now = self._now()
        with collector_errors():
            self.state.take_failure(self.account, "reply", now)
            self.state.wait(self.account, "reply", "before")
            self._ensure_built(now)
            row = self.state.record_reply(self.account, to.external_id, text, now)
            self.state.wait(self.account, "reply", "after")
        return self._item(row)

    def hide(self, item: Item, hidden: bool = True) -> None:
        """Hide a citizen's comment (or show it again) where the simulated network's real
        one allows it: Facebook and Instagram comments, X replies."""
        check_hideable(self.network, item.kind)
        now = self._now()
        with french_errors(self.network, hidden), collector_errors():
            self.state.take_failure(self.account, "hide", now)
            self.state.set_hidden(self.account, item.external_id, hidden, now)

    def publish(self, post: OutgoingPost) -> str:
        if post.account != self.account:
            raise PermanentError(f"post for {post.account} sent to account {self.account}")
        now = self._now()
        text = post.text if not post.link else f"{post.text}\n{post.link}"
        self._check_length(text)
        with collector_errors():
            self.state.take_failure(self.account, "publish", now)
            self.state.wait(self.account, "publish", "before")
            self._ensure_built(now)
            external_id = self.state.record_post(
                self.account, text, post.marker, now, image_path=post.image_path, link=post.link
            )
            self.state.wait(self.account, "publish", "after")
        return external_id

    def _check_length(self, text: str) -> None:
        """Simulated Bluesky and Mastodon refuse an over-long text with the real collectors'
        French sentence (the account's ``max_chars`` is the Calendar's business)."""
        if self.network not in LENGTH_LIMITS:
            return
        name, limit, count, unit = LENGTH_LIMITS[self.network]
        length = count(text)
        if length > limit:
            raise PostTooLong(self.account, name, length, limit, unit)

    # A reply call never lasts longer than this plus the delays a test set (``set_delay``).
    SEND_TIMEOUT = 30.0

    @property
    def send_timeout_seconds(self) -> float:
        """The longest a ``reply`` can take: past it, a send still marked is a dead one."""
        return self.SEND_TIMEOUT + self.state.delay(self.account, "reply")

    def find_reply(self, to: Item, text: str, since: datetime) -> Item | None:
        """The city's reply to ``to`` with this exact text, sent since ``since``, or None (the
        simulated network holds every reply: None proves it never arrived)."""
        row = self.state.find_reply(self.account, to.external_id, text, since)
        return self._item(row) if row is not None else None

    def find_published(self, marker: str, since: datetime) -> str | None:
        """The simulated network keeps the marker as hidden metadata of the post.

        (Real networks that cannot carry one match on the text and time instead.)
        """
        with collector_errors():
            return self.state.find_post(self.account, marker, since)

    # ------------------------------------------------------------------ extras

    def check(self) -> list[tuple[bool, str]]:
        """What ``beffroi doctor`` reports for this account."""
        results: list[tuple[bool, str]] = []
        try:
            built = self.state.built
        except sqlite3.Error as exc:
            return [(False, f"{self.account}: simulated network {self.state.path} unusable: {exc}")]
        if not built:
            results.append(
                (
                    True,
                    f"{self.account}: simulated network not built yet ({self.state.path}); "
                    "the first collection builds it",
                )
            )
            return results
        with collector_errors():
            profile = self.state.profile
        counts = sum(v for (net, _, _), v in self.state.counts().items() if net == self.network)
        results.append(
            (
                True,
                f"{self.account}: simulated {self.network}, {counts} messages in {self.state.path}",
            )
        )
        if profile.account(self.account) is None:
            results.append((False, f"{self.account}: not in the simulated network yet"))
        if self._profile is not None and self._profile.seed != profile.seed:
            results.append(
                (
                    False,
                    f"{self.account}: the simulated network was built with seed "
                    f"{profile.seed}, the configuration says {self._profile.seed} "
                    "(delete the state file or run 'beffroi demo --fresh')",
                )
            )
        return results

    def published(self) -> list[Published]:
        return self.state.published(self.account)

    def _ensure_built(self, now: datetime) -> None:
        if self._profile is not None:
            self.state.build(self._profile, now)
        elif not self.state.built:
            raise PermanentError(f"the simulated network {self.state.path} has not been built")

    def _item(self, row) -> Item:
        network = row["network"]
        if row["direction"] == "out":
            author = Author(network, f"sim-{network}-city-{self.account}", self.handle, self.handle)
        elif row["author_id"]:
            author = Author(
                network,
                row["author_id"],
                row["author_handle"],
                row["author_name"],
                self.state.bio_of(row["author_id"], network),
            )
        else:
            author = None
        return Item(
            network=network,
            account=self.account,
            external_id=row["external_id"],
            kind=row["kind"],
            direction=row["direction"],
            text=row["text"],
            created_at=from_text(row["created_at"]),
            author=author,
            permalink=f"sandbox://{network}/{self.account}/{row['external_id']}",
            parent_external_id=row["parent"],
            thread_external_id=row["thread"],
            like_count=row["like_count"],
            raw={"seq": row["seq"] if "seq" in row.keys() else None, "stream": row["stream"]},
        )


def sandbox_collectors(settings, now: Callable[[], datetime]) -> list[SandboxCollector]:
    """The collectors of every enabled (simulated) account, on the clock ``now``: a city
    built and collected at a fixed moment is the same whatever day it is built (on the
    real clock the simulated network adds its live activity up to today)."""
    return [SandboxCollector.for_account(settings, a, now=now) for a in settings.enabled_accounts()]
