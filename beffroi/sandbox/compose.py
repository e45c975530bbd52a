"""Composing the simulated city: its citizens, their messages, the city's answers and timing.

Everything takes a ``random.Random`` so that the same seed gives the same city, and both the
90-day history and the live activity speak with the same voice.
"""

from __future__ import annotations

import math
import random
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from datetime import time as Time
from zoneinfo import ZoneInfo

from beffroi.business_hours import SlaClock
from beffroi.config.settings import WEEKDAYS
from beffroi.sandbox import text as T

SIM_NETWORKS = ("x", "facebook", "instagram", "bluesky", "mastodon")
OLDER_NETWORKS = SIM_NETWORKS[:3]
# The streams each simulated network offers, named as its real collector names them; on
# Bluesky and Mastodon ``engagement`` lists who liked and reposted (favourited and reblogged)
# the city's posts, which the real Bluesky collector reads in its notifications.
STREAMS: dict[str, tuple[str, ...]] = {
    "x": ("mentions", "replies", "dms", "engagement"),
    "facebook": ("comments", "messages", "posts", "engagement"),
    "instagram": ("comments", "mentions", "messages", "ugc"),
    "bluesky": ("notifications", "own", "dms", "engagement"),
    "mastodon": ("notifications", "dms", "own", "engagement"),
}
# Which kinds of citizen message each simulated network produces, and how often.
KIND_WEIGHTS: dict[str, dict[str, float]] = {
    "x": {"mention": 45, "reply": 40, "dm": 15},
    "facebook": {"comment": 74, "dm": 26},
    "instagram": {"comment": 55, "mention": 11, "dm": 14, "ugc": 20},
    "bluesky": {"mention": 38, "reply": 50, "dm": 12},
    "mastodon": {"mention": 42, "reply": 43, "dm": 15},  # a "direct" status is a dm
}
# Where a citizen who uses several networks writes to the city: Facebook before Instagram
# before X; those who chose Bluesky or Mastodon in 2025 write there rather than on X. With
# the population's presence (``NEWER_NETWORKS_SHARE``), Bluesky carries about 6 % of the
# town's messages and Mastodon about 2 %, as for a French city of 2026.
NETWORK_WEIGHTS = {"facebook": 0.45, "instagram": 0.35, "x": 0.20, "bluesky": 0.25, "mastodon": 0.4}
# Who is also on the networks people moved to from X in 2025: more of X's users than others.
NEWER_NETWORKS_SHARE = {"bluesky": (0.40, 0.10), "mastodon": (0.12, 0.03)}  # (on X, not on X)
# The city's regulars on the newer networks, as a share of the network's members drawn
# among the most active (at least one): on Mastodon a few people boost and favourite nearly
# every post of the city and answer often; on Bluesky the crowd is larger and less devoted.
REGULARS_SHARE = {"mastodon": 0.12, "bluesky": 0.03}
REGULAR_WRITING_BOOST = 6.0  # a regular writes on that network rather than elsewhere
# Of the people on Bluesky or Mastodon who also have another account, how many say so in
# their profile ("Aussi sur X : @…"): what lets Beffroi propose to link their accounts.
BIO_MENTIONS_OTHER_ACCOUNT = 0.35
MASTODON_INSTANCES = ("mastodon.social", "piaille.fr", "mamot.fr", "framapiaf.org", "mstdn.fr")
INTENT_WEIGHTS: dict[str, dict[str, float]] = {
    "dm": {
        "question": 35, "request": 20, "complaint": 10, "report": 12, "thanks": 8,
        "hostile": 2, "spam": 3, "emoji": 1, "compliment": 4, "remark": 3,
    },
    "mention": {
        "question": 20, "request": 10, "complaint": 18, "report": 18, "thanks": 6,
        "emoji": 2, "compliment": 14, "hostile": 5, "spam": 4, "remark": 3,
    },
    "comment": {
        "question": 20, "request": 8, "complaint": 12, "report": 8, "thanks": 14,
        "emoji": 12, "compliment": 14, "hostile": 3, "spam": 3, "remark": 6,
    },
}  # fmt: skip
INTENT_WEIGHTS["reply"] = INTENT_WEIGHTS["comment"]
THEME_WEIGHTS = {
    "mobilité": 16, "propreté": 14, "travaux": 14, "sécurité": 10, "culture": 14,
    "jeunesse": 10, "événements": 14, "démarches": 12,
}  # fmt: skip
# Local hour of day → relative activity (quiet nights, lunch and evening peaks).
HOUR_WEIGHTS = (
    0.3, 0.15, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.0, 2.4, 2.4, 2.5,
    3.0, 3.0, 2.4, 2.2, 2.3, 2.6, 3.0, 3.4, 3.6, 3.2, 2.2, 1.0,
)  # fmt: skip
WEEKDAY_WEIGHTS = (1.1, 1.05, 1.0, 1.0, 0.95, 0.85, 0.8)
NEEDS_REPLY = T.NEEDS_REPLY | {"follow_up"}
WEEKDAY_KEYS = WEEKDAYS  # the configuration's day keys


def ascii_slug(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in plain.lower() if c.isalnum())


@dataclass(frozen=True)
class Citizen:
    id: int
    first_name: str
    last_name: str
    handles: dict[str, str]  # network -> handle, only the networks the person uses
    weight: float  # how active: Zipf-like over the population
    # The networks where this person is one of the city's regulars: they like and share
    # nearly everything the city posts there and write there first (a town's small Mastodon
    # crowd, a few Bluesky early comers).
    regular_on: tuple[str, ...] = ()
    # network -> the profile's text (bio), when it names the person's other accounts, as
    # Bluesky and Mastodon profiles often do ("Aussi sur X : @…").
    bios: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def networks(self) -> tuple[str, ...]:
        return tuple(n for n in SIM_NETWORKS if n in self.handles)

    def author_id(self, network: str) -> str:
        return f"sim-{network}-u{self.id}"

    def display_name(self, network: str) -> str:
        if network == "facebook" or self.id % 3:
            return f"{self.first_name} {self.last_name}"
        return f"{self.first_name} {self.last_name[0]}."


def writing_network(rng: random.Random, citizen: Citizen, networks) -> str:
    """The network on which ``citizen`` writes to the city this time, among ``networks``
    (those the city has an account on); someone on none of them writes on one of those."""
    present = [n for n in citizen.networks if n in networks] or sorted(networks)
    weights = [
        NETWORK_WEIGHTS[n] * (REGULAR_WRITING_BOOST if n in citizen.regular_on else 1.0)
        for n in present
    ]
    return rng.choices(present, weights=weights)[0]


# The ways a resident makes a handle of their first and last names (``f``, ``la``), one
# drawn each time: jeanmartin, jean_martin, jmartin, jeanmartin42, jean.mar, jean_59,
# martin.jean.
_HANDLE_SHAPES = (
    lambda rng, f, la: f"{f}{la}",
    lambda rng, f, la: f"{f}_{la}",
    lambda rng, f, la: f"{f[0]}{la}",
    lambda rng, f, la: f"{f}{la}{rng.randint(1, 99)}",
    lambda rng, f, la: f"{f}.{la[:3]}",
    lambda rng, f, la: f"{f}_{rng.choice(['59', '5970', 'marcq', 'mqb', 'lille'])}",
    lambda rng, f, la: f"{la}.{f}",
)


def _handle(rng: random.Random, first: str, last: str) -> str:
    shape = _HANDLE_SHAPES[rng.randrange(len(_HANDLE_SHAPES))]
    return shape(rng, ascii_slug(first), ascii_slug(last))


def _similar(rng: random.Random, handle: str, network: str) -> str:
    """A handle a person would pick on a second network: the same one, lightly changed."""
    choice = rng.randrange(4)
    if choice == 0:
        return handle
    if choice == 1:
        return handle.replace("_", ".") if network == "instagram" else handle.replace(".", "_")
    if choice == 2:
        return f"{handle}_"
    return f"{handle}{rng.randint(2, 9)}"


def _newer_handle(rng: random.Random, base: str, network: str, used: set[str]) -> str:
    """A Bluesky handle is a domain name (``prenom-nom.bsky.social``), a Mastodon one a
    user name at an instance (``prenom_nom@piaille.fr``), as the real networks show them."""
    name = "".join(c if c.isalnum() else "-" for c in base).strip("-")
    instance = rng.choice(MASTODON_INSTANCES)
    while True:
        if network == "bluesky":
            handle = f"{name}.bsky.social"
        else:
            handle = f"{name.replace('-', '_')}@{instance}"
        if handle not in used:
            return handle
        name = f"{name}{rng.randint(0, 9)}"


def make_citizens(seed: int, count: int) -> list[Citizen]:
    """The population: plausible French names, 1-3 of X, Facebook and Instagram each (and
    Bluesky or Mastodon for some), Zipf-like activity."""
    rng = random.Random(f"{seed}:citizens")
    # The newer networks draw from their own stream: adding them left the three older
    # networks' population (names, handles, activity) exactly as it was for a seed.
    newer = random.Random(f"{seed}:citizens:newer")
    used_names: set[tuple[str, str]] = set()
    used_handles: dict[str, set[str]] = {n: set() for n in SIM_NETWORKS}
    citizens = []
    for _ in range(count):
        while True:
            name = (rng.choice(T.FIRST_NAMES), rng.choice(T.LAST_NAMES))
            if name not in used_names or len(used_names) > 0.8 * len(T.FIRST_NAMES) * len(
                T.LAST_NAMES
            ):
                used_names.add(name)
                break
        r = rng.random()
        if r < 0.55:
            networks = [rng.choices(OLDER_NETWORKS, weights=(15, 50, 35))[0]]
        elif r < 0.85:
            networks = rng.sample(["facebook", "instagram", "x", "facebook"], 2)
            networks = list(dict.fromkeys(networks)) or ["facebook"]
        else:
            networks = list(OLDER_NETWORKS)
        for network, (on_x, others) in NEWER_NETWORKS_SHARE.items():
            if newer.random() < (on_x if "x" in networks else others):
                networks.append(network)
        base = _handle(rng, *name)
        handles = {}
        for position, network in enumerate(sorted(set(networks), key=SIM_NETWORKS.index)):
            if network in NEWER_NETWORKS_SHARE:
                handle = _newer_handle(newer, base, network, used_handles[network])
            else:
                handle = base if position == 0 else _similar(rng, base, network)
                while handle in used_handles[network]:
                    handle = f"{handle}{rng.randint(0, 9)}"
            used_handles[network].add(handle)
            handles[network] = handle
        # Rank-based Zipf weights, shuffled so that ids do not reveal activity.
        citizens.append((name, handles))
    ranks = list(range(1, count + 1))
    rng.shuffle(ranks)
    people = [
        Citizen(i + 1, first, last, handles, 1.0 / (ranks[i] + 20) ** 1.6)
        for i, ((first, last), handles) in enumerate(citizens)
    ]
    # Regulars and profiles draw from streams of their own: the population above (names,
    # handles, activity) stays what it was for a seed.
    regulars = _regulars(random.Random(f"{seed}:citizens:regulars"), people)
    bios = random.Random(f"{seed}:citizens:bios")
    return [replace(c, regular_on=regulars.get(c.id, ()), bios=_bios(bios, c)) for c in people]


def _regulars(rng: random.Random, people: list[Citizen]) -> dict[int, tuple[str, ...]]:
    """citizen id -> the networks where they are regulars, drawn among each network's
    members, the more active more likely."""
    out: dict[int, tuple[str, ...]] = {}
    for network, share in REGULARS_SHARE.items():
        members = [c for c in people if network in c.handles]
        if not members:
            continue
        keyed = sorted(members, key=lambda c: rng.random() ** (1.0 / c.weight), reverse=True)
        for c in keyed[: max(1, round(share * len(members)))]:
            out[c.id] = (*out.get(c.id, ()), network)
    return out


def _bios(rng: random.Random, citizen: Citizen) -> dict[str, str]:
    """The Bluesky and Mastodon profiles that name the person's other account, in the
    words people use ("Aussi sur X : @…"), for some of those who have one."""
    bios = {}
    for network in ("bluesky", "mastodon"):
        others = [n for n in ("x", "bluesky", "mastodon", "instagram") if n in citizen.handles]
        others = [n for n in others if n != network]
        if network not in citizen.handles or not others:
            continue
        if rng.random() >= BIO_MENTIONS_OTHER_ACCOUNT:
            continue
        other = others[0]
        about = rng.choice(T.BIO_ABOUT)
        where = rng.choice(T.BIO_ELSEWHERE).format(
            reseau=T.BIO_NETWORK_NAMES[other], pseudo=f"@{citizen.handles[other]}"
        )
        bios[network] = f"{about} {where}" if about else where
    return bios


@dataclass
class Slots:
    """Random slot values for one message."""

    rng: random.Random
    values: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        rng = self.rng
        self.values = {
            "rue": rng.choice(T.STREETS),
            "rue2": rng.choice(T.STREETS),
            "lieu": rng.choice(T.PLACES),
            "salle": rng.choice(T.VENUES),
            "quartier": rng.choice(T.QUARTERS),
            "moment": rng.choice(T.MOMENTS),
            "jour": rng.choice(T.DAYS),
            "jour2": rng.choice(T.DAYS),
            "evenement": rng.choice(T.EVENTS),
            "spectacle": rng.choice(T.SHOWS),
            "parc": rng.choice(T.PARKS),
            "numero": str(rng.randint(1, 180)),
            "emoji": rng.choice(T.EMOJIS),
            "instant": rng.choice(T.INSTANTS),
            "prenom_ville": rng.choice(("la mairie", "à la Ville", "à l'équipe", "Marcq")),
            "code": "".join(rng.choice("abcdefghjkmnpqrstuvwxyz23456789") for _ in range(6)),
        }

    def fill(self, template: str) -> str:
        return french_contractions(template.format(**self.values))


_CONTRACTIONS = (
    (" de le ", " du "),
    (" à le ", " au "),
    (" de les ", " des "),
    (" à les ", " aux "),
)


def french_contractions(text: str) -> str:
    """ "près de le parc" → "près du parc": slots carry their article, French contracts it."""
    for wrong, right in _CONTRACTIONS:
        text = text.replace(wrong, right)
    return text


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


def pick_intent(rng: random.Random, kind: str) -> str:
    weights = INTENT_WEIGHTS[kind]
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def pick_theme(rng: random.Random) -> str:
    return rng.choices(list(THEME_WEIGHTS), weights=list(THEME_WEIGHTS.values()))[0]


def citizen_text(
    rng: random.Random,
    intent: str,
    theme: str,
    kind: str,
    city_handle: str | None = None,
    neighbour: str = "",
    answering: str | None = None,
) -> str:
    """A citizen's message in natural French for an intent ("question", "thanks"...)."""
    slots = Slots(rng)
    if intent == "ugc":
        body = slots.fill(rng.choice(T.UGC))
    elif intent == "emoji":
        body = rng.choice(T.EMOJIS)
    elif intent == "thanks":
        body = slots.fill(rng.choice(T.THANKS))
    elif intent == "spam":
        body = slots.fill(rng.choice(T.SPAM))
    elif intent == "hostile":
        body = slots.fill(rng.choice(T.HOSTILE))
    elif intent == "remark":
        body = slots.fill(rng.choice(T.REMARKS))
    elif intent == "compliment":
        own = T.TEMPLATES[theme].get("compliment", ())
        pool = own if own and rng.random() < 0.6 else T.COMPLIMENTS
        body = slots.fill(rng.choice(pool))
    elif intent == "follow_up":
        body = slots.fill(rng.choice(T.FOLLOW_UPS_OPEN))
    elif intent == "chat":  # one citizen answering another under the city's post
        group = T.BETWEEN_CITIZENS_GROUP.get(answering or "", "other")
        body = slots.fill(rng.choice(T.BETWEEN_CITIZENS[group]))
        if neighbour and rng.random() < 0.6:
            body = f"@{neighbour} {body}"
    elif intent == "happy_follow_up":
        body = slots.fill(rng.choice(T.FOLLOW_UPS_HAPPY))
    else:
        body = _capital(slots.fill(rng.choice(T.TEMPLATES[theme][intent])))
        if kind != "reply" and rng.random() < 0.7:
            opener, joiners = rng.choice(T.OPENERS)
            joiner = rng.choice(joiners)
            if joiner == ", ":
                body = body[:1].lower() + body[1:]
            body = opener + joiner + body
        if rng.random() < 0.5:
            body = f"{body} {rng.choice(T.CLOSERS)}".strip()
        elif rng.random() < 0.12:
            body += " " + rng.choice(("😡", "🙏", "😕", "🤔", "😤", "🙂"))
        if rng.random() < 0.08:
            body = body.lower()
    body = _capital(body) if intent not in ("emoji", "thanks") else body
    if kind == "mention" and city_handle and f"@{city_handle}" not in body:
        body = f"@{city_handle} {body}" if rng.random() < 0.7 else f"{body} @{city_handle}"
    return body


def city_reply_text(
    rng: random.Random, intent: str, theme: str | None, first_name: str, local_hour: int = 12
) -> str:
    """Greeting, body, closing and signature, the way a city's community manager writes."""
    pool = T.CITY_REPLIES.get(intent) or T.CITY_REPLIES["question"]
    evening = local_hour >= 18
    greetings = T.CITY_GREETINGS if first_name else T.CITY_GREETINGS_ANONYMOUS
    greetings = tuple(g for g in greetings if g.startswith("Bonsoir") == evening or not g)
    greeting = rng.choice(greetings).format(prenom=first_name)
    closings = tuple(
        c
        for c in T.CITY_CLOSINGS
        if ("soirée" in c) == (local_hour >= 16) or "journée" not in c and "soirée" not in c
    )
    body = rng.choice(pool).format(
        service=T.THEME_SERVICES.get(theme or "", "service concerné"),
        theme=theme or "actualités",
    )
    if not greeting or greeting.endswith("!"):
        body = _capital(body)
    parts = [greeting, body, rng.choice(closings), rng.choice(T.CITY_SIGNATURES)]
    return " ".join(p for p in parts if p)


def city_post_text(rng: random.Random, theme: str) -> str:
    return Slots(rng).fill(rng.choice(T.CITY_POSTS[theme]))


def rendezvous_text(rng: random.Random, key: str, name: str, hashtags: list[str]) -> str:
    pool = T.RENDEZVOUS_POSTS.get(key)
    if pool:
        text = Slots(rng).fill(rng.choice(pool))
    else:
        text = f"{name} : {city_post_text(rng, pick_theme(rng))}"
    missing = [h for h in hashtags if h.lower() not in text.lower()]
    return " ".join([text, *missing])


# --- timing ---------------------------------------------------------------------------


def city_response_time(rng: random.Random, asked: datetime, hours: SlaClock) -> datetime:
    """When the city's community manager answers: mostly within opening hours, some slow.
    ``hours`` is the town hall's clock, the one the real queue's deadlines use."""
    r = rng.random()
    if r < 0.06:  # evening or weekend duty: answered quickly whatever the hour
        return asked + timedelta(minutes=rng.uniform(4, 50))
    if r < 0.18:  # slow: one to three working days
        return hours.due_at(asked, rng.uniform(540, 1600))
    minutes = min(480.0, max(3.0, rng.lognormvariate(math.log(45), 0.8)))
    return hours.due_at(asked, minutes)


def local_moment(
    rng: random.Random, day: date, tz: ZoneInfo, hour_weights=HOUR_WEIGHTS
) -> datetime:
    hour = rng.choices(range(24), weights=hour_weights)[0]
    return datetime.combine(day, Time(hour, rng.randrange(60), rng.randrange(60)), tz).astimezone(
        ZoneInfo("UTC")
    )
