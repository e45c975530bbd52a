"""The simulated city: a collector that needs no internet, for the demo and full-cycle tests.

A ``sandbox`` account simulates X, Facebook or Instagram (``simulates``). Its items carry the
simulated network's name so the demo looks like the real city, with ids prefixed ``sim-`` so
they never collide with real ones. The network's state (90 days of history, live activity,
what the city sent) lives in ``<database>.sandbox.sqlite``, see ``sandbox_network``.

It honours the collector contract the way the real networks do: pages of at most 100 items,
a cursor saved with each page, one API call for an idle pass, typed errors, and replies that
come back through the stream with the id ``reply`` returned.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from beffroi.collectors.errors import PermanentError
from beffroi.collectors.item import Author, Interaction, Item, OutgoingPost, Page, utcnow
from beffroi.collectors.sandbox_compose import STREAMS
from beffroi.collectors.sandbox_engagement import SETTLE, engagement_of
from beffroi.collectors.sandbox_history import CityProfile
from beffroi.collectors.sandbox_network import (
    Published,
    SandboxNetwork,
    from_text,
    state_path,
)

PAGE_SIZE = 100
ENGAGEMENT_POSTS_PER_PAGE = 20


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
            raise ValueError(
                f"a sandbox account simulates x, facebook or instagram, not {simulates!r}"
            )
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
                '"x", "facebook" or "instagram"'
            )
        return cls(
            SandboxNetwork(state_path(settings.database_path)),
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
        now = self._now()
        self.state.take_failure(self.account, "reply", now)
        self.state.wait(self.account, "reply", "before")
        self._ensure_built(now)
        row = self.state.record_reply(self.account, to.external_id, text, now)
        self.state.wait(self.account, "reply", "after")
        return self._item(row)

    def publish(self, post: OutgoingPost) -> str:
        if post.account != self.account:
            raise PermanentError(f"post for {post.account} sent to account {self.account}")
        now = self._now()
        self.state.take_failure(self.account, "publish", now)
        self.state.wait(self.account, "publish", "before")
        self._ensure_built(now)
        text = post.text if not post.link else f"{post.text}\n{post.link}"
        external_id = self.state.record_post(
            self.account, text, post.marker, now, image_path=post.image_path, link=post.link
        )
        self.state.wait(self.account, "publish", "after")
        return external_id

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
            author = Author(network, row["author_id"], row["author_handle"], row["author_name"])
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


# The three accounts of the simulated city, as a configuration writes them.
SANDBOX_ACCOUNTS: tuple[dict, ...] = (
    {"key": "x_ville", "network": "sandbox", "simulates": "x", "handle": "marcqenbaroeul"},
    {
        "key": "facebook_ville",
        "network": "sandbox",
        "simulates": "facebook",
        "handle": "VilledeMarcqenBaroeul",
    },
    {
        "key": "instagram_ville",
        "network": "sandbox",
        "simulates": "instagram",
        "handle": "marcqenbaroeul",
    },
)


def sandbox_settings(database: str | Path, **sandbox):
    """Settings of the example city on the simulated accounts, with ``database``.

    For tests of every room: ``sandbox_settings(tmp_path / "beffroi.db", citizens=40,
    history_days=5)`` builds a small city in a fraction of a second.
    """
    import tomllib

    from beffroi.config import example_config_path, settings_from_dict

    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    return settings_from_dict(sandbox_config(data, database, **sandbox))


def sandbox_config(data: dict, database: str | Path, **sandbox) -> dict:
    """A configuration mapping whose accounts are the simulated city's.

    ``data`` is a configuration (e.g. the example's, parsed); its real accounts are
    replaced by the three sandbox ones, rendez-vous keep only those accounts, and
    ``sandbox`` overrides keys of the ``[sandbox]`` section (seed, citizens...). Tests of
    other rooms use it to run full cycles against the simulated city.
    """
    keys = {a["key"] for a in SANDBOX_ACCOUNTS}
    rendezvous = []
    for rdv in data.get("rendezvous", []):
        accounts = [k for k in rdv.get("accounts", []) if k in keys]
        if accounts:
            rendezvous.append({**rdv, "accounts": accounts})
    return {
        **data,
        "accounts": [dict(a) for a in SANDBOX_ACCOUNTS],
        "rendezvous": rendezvous,
        "database": {**data.get("database", {}), "path": str(database)},
        "sandbox": {**data.get("sandbox", {}), **sandbox},
    }
