"""The simulated city's past: 90 days of city posts, citizen messages and city replies.

Built once, deterministically from the seed and the build time, then stored in the
network's state file. The rhythm follows a real town's: quiet nights, lunch and evening
peaks, replies mostly in opening hours, a few very active people and many one-off ones.
"""

from __future__ import annotations

import bisect
import json
import random
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, timedelta
from datetime import time as Time
from zoneinfo import ZoneInfo

from beffroi.business_hours import SlaClock
from beffroi.sandbox.compose import (
    KIND_WEIGHTS,
    NEEDS_REPLY,
    WEEKDAY_KEYS,
    WEEKDAY_WEIGHTS,
    Citizen,
    citizen_text,
    city_post_text,
    city_reply_text,
    city_response_time,
    local_moment,
    pick_intent,
    pick_theme,
    rendezvous_text,
    writing_network,
)
from beffroi.sandbox.text import THEMES

CITIZEN_MESSAGES_PER_DAY = 68
CITY_POSTS_PER_DAY = {"x": 1.2, "facebook": 1.6, "instagram": 0.8, "bluesky": 1.0, "mastodon": 0.6}
# Likes a city post gets (a usual one, a rendez-vous one): the newer networks' audiences
# are smaller than Facebook's or X's.
POST_LIKES = {
    "x": ((3, 220), (20, 400)),
    "facebook": ((3, 220), (20, 400)),
    "instagram": ((3, 220), (20, 400)),
    "bluesky": ((2, 90), (8, 160)),
    "mastodon": ((1, 35), (4, 60)),
}
FOLLOW_UP_RATE = 0.18
CITIZEN_TO_CITIZEN_RATE = 0.08


@dataclass(frozen=True)
class SimAccount:
    key: str
    network: str  # the simulated network: x | facebook | instagram | bluesky | mastodon
    handle: str


@dataclass(frozen=True)
class SimRendezvous:
    key: str
    name: str
    accounts: tuple[str, ...]
    weekdays: tuple[int, ...]
    at: str  # HH:MM local time
    hashtags: tuple[str, ...] = ()


@dataclass(frozen=True)
class CityProfile:
    """Everything the simulation needs from the configuration, storable as JSON."""

    seed: int
    citizens: int
    history_days: int
    live_every_seconds: float
    timezone: str
    accounts: tuple[SimAccount, ...]
    rendezvous: tuple[SimRendezvous, ...] = ()
    business_days: tuple[int, ...] = (0, 1, 2, 3, 4)
    business_start: str = "08:30"
    business_end: str = "17:30"
    closures: tuple[str, ...] = ()
    country: str = "FR"
    public_holidays: bool = True

    @classmethod
    def from_settings(cls, settings) -> CityProfile:
        accounts = tuple(
            SimAccount(a.key, a.simulates, a.handle)
            for a in settings.accounts
            if a.network == "sandbox" and a.simulates
        )
        keys = {a.key for a in accounts}
        rendezvous = tuple(
            SimRendezvous(
                r.key,
                r.name,
                tuple(k for k in r.accounts if k in keys),
                tuple(WEEKDAY_KEYS.index(d) for d in r.recurrence.days),
                r.recurrence.time.strftime("%H:%M"),
                tuple(r.hashtags),
            )
            for r in settings.rendezvous
            if r.recurrence.kind == "weekly" and any(k in keys for k in r.accounts)
        )
        hours = settings.business_hours
        return cls(
            seed=settings.sandbox.seed,
            citizens=settings.sandbox.citizens,
            history_days=settings.sandbox.history_days,
            live_every_seconds=settings.sandbox.live_every_seconds,
            timezone=settings.city.timezone,
            accounts=accounts,
            rendezvous=rendezvous,
            business_days=tuple(WEEKDAY_KEYS.index(d) for d in hours.days),
            business_start=hours.start.strftime("%H:%M"),
            business_end=hours.end.strftime("%H:%M"),
            closures=tuple(d.isoformat() for d in hours.closures),
            country=settings.city.country,
            public_holidays=hours.public_holidays,
        )

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> CityProfile:
        data = json.loads(text)
        data["accounts"] = tuple(SimAccount(**a) for a in data["accounts"])
        data["rendezvous"] = tuple(
            SimRendezvous(
                **{
                    **r,
                    "accounts": tuple(r["accounts"]),
                    "weekdays": tuple(r["weekdays"]),
                    "hashtags": tuple(r["hashtags"]),
                }
            )
            for r in data["rendezvous"]
        )
        for key in ("business_days", "closures"):
            data[key] = tuple(data[key])
        return cls(**data)

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def hours(self) -> SlaClock:
        """The town hall's opening hours, on the queue's own business clock."""
        return SlaClock(
            self.tz,
            days=[WEEKDAY_KEYS[d] for d in self.business_days],
            start=Time.fromisoformat(self.business_start),
            end=Time.fromisoformat(self.business_end),
            country=self.country if self.public_holidays else None,
            closures=[date.fromisoformat(d) for d in self.closures],
        )

    def account(self, key: str) -> SimAccount | None:
        return next((a for a in self.accounts if a.key == key), None)


@dataclass
class Msg:
    """One message on the simulated network (a row of its state file)."""

    external_id: str
    account: str
    network: str
    stream: str
    kind: str
    direction: str
    text: str
    created_at: datetime
    citizen: Citizen | None = None
    parent: str | None = None
    thread: str | None = None
    like_count: int | None = None
    marker: str | None = None
    origin: str = "history"
    intent: str | None = None
    theme: str | None = None


def stream_for(network: str, kind: str) -> str:
    """The stream in which a citizen item or a city post of this kind is read."""
    if kind == "post":
        return {
            "x": "replies",
            "facebook": "posts",
            "instagram": "comments",
            "bluesky": "own",
            "mastodon": "own",
        }[network]
    table = {
        "x": {"mention": "mentions", "reply": "replies", "dm": "dms"},
        "facebook": {"comment": "comments", "reply": "comments", "dm": "messages"},
        "instagram": {
            "comment": "comments",
            "reply": "comments",
            "mention": "mentions",
            "dm": "messages",
            "ugc": "ugc",
        },
        # A mention or a reply arrives as a notification; a dm in the chat (Bluesky) or the
        # conversations (Mastodon's direct statuses).
        "bluesky": {"mention": "notifications", "reply": "notifications", "dm": "dms"},
        "mastodon": {"mention": "notifications", "reply": "notifications", "dm": "dms"},
    }
    stream = table[network].get(kind)
    if stream is None:
        raise ValueError(f"simulated {network} has no {kind!r} messages")
    return stream


def reply_stream(network: str, parent_stream: str, kind: str) -> str:
    """Where the city's own reply is read back: on X, every public reply of the city is
    found by the ``replies`` stream (``from:<city>``), as the real X collector does; on
    Bluesky and Mastodon by ``own`` (the city's feed, replies included); on the other
    networks, beside the message it answers."""
    if network == "x" and kind != "dm":
        return "replies"
    if network in ("bluesky", "mastodon") and kind != "dm":
        return "own"
    return parent_stream


class IdMaker:
    def __init__(self, prefix: str = "") -> None:
        self.prefix = prefix
        self.n = 100_000

    def __call__(self, network: str) -> str:
        self.n += 1
        return f"sim-{network}-{self.prefix}{self.n}"


def city_reply_msg(
    rng: random.Random,
    new_id,
    to: Msg,
    at: datetime,
    intent: str,
    origin: str = "history",
    local_hour: int = 12,
) -> Msg:
    first = to.citizen.first_name if to.citizen else ""
    kind = "dm" if to.kind == "dm" else "reply"
    return Msg(
        new_id(to.network),
        to.account,
        to.network,
        reply_stream(to.network, to.stream, kind),
        kind,
        "out",
        city_reply_text(rng, intent, to.theme, first, local_hour),
        at,
        parent=to.external_id,
        thread=to.thread,
        origin=origin,
    )


def follow_up_msg(
    rng: random.Random, new_id, root: Msg, city_reply: Msg, at: datetime, origin: str
) -> Msg:
    intent = "follow_up" if rng.random() < 0.35 else "happy_follow_up"
    kind = "dm" if root.kind == "dm" else "reply"
    return Msg(
        new_id(root.network),
        root.account,
        root.network,
        root.stream,
        kind,
        "in",
        citizen_text(rng, intent, root.theme or "démarches", kind),
        at,
        citizen=root.citizen,
        parent=city_reply.external_id,
        thread=root.thread,
        origin=origin,
        intent=intent,
        theme=root.theme,
    )


def citizen_msg(
    rng: random.Random,
    new_id,
    account: SimAccount,
    citizen: Citizen,
    kind: str,
    at: datetime,
    parent_post: Msg | None,
    origin: str,
) -> Msg:
    network = account.network
    intent = "ugc" if kind == "ugc" else pick_intent(rng, kind)
    if parent_post is not None and parent_post.theme and rng.random() < 0.6:
        theme = parent_post.theme
    else:
        theme = pick_theme(rng)
    external_id = new_id(network)
    if kind in ("comment", "reply") and parent_post is not None:
        parent, thread = parent_post.external_id, parent_post.external_id
    elif kind == "dm":
        parent, thread = None, f"sim-{network}-conv-{account.key}-{citizen.id}"
    else:
        parent, thread = None, external_id
    if kind in ("comment", "reply") and parent_post is None:
        kind = "mention" if network != "facebook" else "dm"
        if kind == "dm":
            thread = f"sim-{network}-conv-{account.key}-{citizen.id}"
        intent = pick_intent(rng, kind)
    return Msg(
        external_id,
        account.key,
        network,
        stream_for(network, kind),
        kind,
        "in",
        citizen_text(rng, intent, theme, kind, account.handle),
        at,
        citizen=citizen,
        parent=parent,
        thread=thread,
        like_count=rng.randint(0, 40) if kind == "ugc" else None,
        origin=origin,
        intent=intent,
        theme=theme,
    )


def city_answers(
    rng: random.Random, new_id, msg: Msg, hours: SlaClock, until: datetime, origin: str
) -> list[Msg]:
    """The city's reply to ``msg`` (if it answers before ``until``) and what follows it."""
    intent = msg.intent or "question"
    if intent in NEEDS_REPLY:
        answer = rng.random() < (0.9 if intent == "hostile" else 0.985)
    elif msg.kind == "dm":  # someone wrote to the city privately: it answers, not to spam
        answer = intent in ("remark", "compliment", "emoji") and rng.random() < 0.85
    else:
        answer = intent == "compliment" and rng.random() < 0.3
    if not answer:
        return []
    at = city_response_time(rng, msg.created_at, hours)
    if at > until:
        return []
    hour = at.astimezone(hours.tz).hour
    reply = city_reply_msg(rng, new_id, msg, at, intent, origin, hour)
    out = [reply]
    if msg.intent != "follow_up" and rng.random() < FOLLOW_UP_RATE:
        later = at + timedelta(minutes=rng.lognormvariate(3.6, 1.0))
        if later <= until:
            follow = follow_up_msg(rng, new_id, msg, reply, later, origin)
            out.append(follow)
            out.extend(city_answers(rng, new_id, follow, hours, until, origin))
    return out


def _post(new_id, account: SimAccount, text: str, at: datetime, likes: int, theme: str) -> Msg:
    network = account.network
    return Msg(
        new_id(network), account.key, network, stream_for(network, "post"), "post", "out",
        text, at, like_count=likes, theme=theme,
    )  # fmt: skip


def _city_posts(
    rng: random.Random, new_id, profile: CityProfile, start: datetime, end: datetime
) -> list[Msg]:
    tz = profile.tz
    posts: list[Msg] = []
    day = start.astimezone(tz).date()
    post_hours = [0] * 7 + [1, 2, 3, 3, 3, 3, 2, 2, 3, 3, 3, 2, 2, 1, 1, 0, 0]
    while day <= end.astimezone(tz).date():
        for account in profile.accounts:
            rate = CITY_POSTS_PER_DAY[account.network] * (0.5 if day.weekday() >= 5 else 1.0)
            count = int(rate) + (1 if rng.random() < rate - int(rate) else 0)
            for _ in range(count):
                at = local_moment(rng, day, tz, post_hours)
                theme = rng.choice(THEMES)
                text = city_post_text(rng, theme)
                likes = rng.randint(*POST_LIKES[account.network][0])
                posts.append(_post(new_id, account, text, at, likes, theme))
        for rdv in profile.rendezvous:
            if day.weekday() not in rdv.weekdays:
                continue
            at = datetime.combine(day, Time.fromisoformat(rdv.at), tz).astimezone(UTC)
            at += timedelta(seconds=rng.randint(0, 90))
            for key in rdv.accounts:
                account = profile.account(key)
                if account is None:
                    continue
                text = rendezvous_text(rng, rdv.key, rdv.name, list(rdv.hashtags))
                theme = "culture" if "cult" in rdv.key else "événements"
                likes = rng.randint(*POST_LIKES[account.network][1])
                posts.append(_post(new_id, account, text, at, likes, theme))
        day += timedelta(days=1)
    return [p for p in posts if start <= p.created_at <= end]


def _answer_a_neighbour(rng: random.Random, msg: Msg, under: list[Msg]) -> None:
    """Turn ``msg`` into a citizen's answer to another citizen's earlier comment."""
    earlier = [c for c in under if c.created_at < msg.created_at and c.citizen != msg.citizen]
    if not earlier:
        return
    other = rng.choice(earlier[-8:])
    handle = other.citizen.handles.get(msg.network, "") if other.citizen else ""
    msg.kind, msg.parent, msg.intent = "reply", other.external_id, "chat"
    msg.text = citizen_text(
        rng, "chat", other.theme or "événements", "reply", neighbour=handle, answering=other.intent
    )


def build_history(profile: CityProfile, citizens: list[Citizen], end: datetime) -> list[Msg]:
    """Every message of the past ``history_days`` days, sorted by time."""
    rng = random.Random(f"{profile.seed}:history")
    new_id = IdMaker()
    tz, hours = profile.tz, profile.hours()
    start = end - timedelta(days=profile.history_days)
    if not profile.accounts:
        return []
    posts = _city_posts(rng, new_id, profile, start - timedelta(days=3), end)
    posts.sort(key=lambda m: m.created_at)
    by_account: dict[str, list[Msg]] = {a.key: [] for a in profile.accounts}
    for post in posts:
        by_account[post.account].append(post)
    post_times = {k: [p.created_at for p in v] for k, v in by_account.items()}
    networks = {a.network for a in profile.accounts}
    accounts_of = {n: [a for a in profile.accounts if a.network == n] for n in networks}
    days = [
        start.astimezone(tz).date() + timedelta(days=i) for i in range(profile.history_days + 1)
    ]
    day_weights = [WEEKDAY_WEIGHTS[d.weekday()] for d in days]
    total = max(len(citizens), profile.history_days * CITIZEN_MESSAGES_PER_DAY)
    weights = [c.weight for c in citizens]
    messages: list[Msg] = [p for p in posts if p.created_at >= start]
    comments_under: dict[str, list[Msg]] = {}
    for index in range(total):
        # Everyone speaks at least once; after that, activity follows the Zipf weights.
        citizen = citizens[index] if index < len(citizens) else rng.choices(citizens, weights)[0]
        network = writing_network(rng, citizen, networks)
        account = rng.choice(accounts_of[network])
        kinds = KIND_WEIGHTS[network]
        kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
        at = local_moment(rng, rng.choices(days, day_weights)[0], tz)
        if not start <= at <= end:
            at = start + (end - start) * rng.random()
        parent_post = None
        if kind in ("comment", "reply"):
            i = bisect.bisect_right(post_times[account.key], at)
            if i:
                parent_post = by_account[account.key][
                    max(0, i - 1 - min(i - 1, int(rng.expovariate(1.2))))
                ]
        msg = citizen_msg(rng, new_id, account, citizen, kind, at, parent_post, "history")
        if msg.kind == "comment" and parent_post is not None:
            under = comments_under.setdefault(parent_post.external_id, [])
            if rng.random() < CITIZEN_TO_CITIZEN_RATE:
                _answer_a_neighbour(rng, msg, under)
            if msg.kind == "comment":
                under.append(msg)
        messages.append(msg)
        messages.extend(city_answers(rng, new_id, msg, hours, end, "history"))
    messages.sort(key=lambda m: (m.created_at, m.external_id))
    return messages
