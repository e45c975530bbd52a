"""Who likes and shares the simulated city's posts: the sandbox's ``engagement`` stream.

It mirrors what the real networks let the city see. X lists who retweeted, quoted and
liked a tweet, Facebook who reacted to a post (not who shared it), Bluesky who liked and
reposted, Mastodon who favourited and reblogged, Instagram nobody (only a count). A network's regulars (``Citizen.regular_on``) like and
share most posts; the other people are the simulated citizens present on that network,
drawn by how active they are, so the citizens who comment most also like most, as in a real town;
a post's likes come mostly from followers who never write, so only a fifth of its
``like_count`` are simulated citizens. Everything is derived from the seed and the post's
id: two passes, or two processes, list the same people.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from beffroi.sandbox.compose import Citizen

# Engagement settles over a day; a post younger than this is listed on a later pass.
SETTLE = timedelta(hours=24)
CITIZEN_SHARE_OF_LIKES = 0.2
# Simulated citizens' shares per like, where the network says who shared (Facebook does
# not): reposts are commoner on Bluesky than retweets on X, and reblogs on Mastodon, where
# they are how a post travels, commoner still.
SHARES_PER_LIKE = {"x": 0.03, "facebook": 0.0, "bluesky": 0.05, "mastodon": 0.1}
ENGAGEMENT_NETWORKS = tuple(SHARES_PER_LIKE)
# How often a regular of the network (``Citizen.regular_on``) likes and shares one city post:
# on Mastodon they favourite nearly everything and boost most of it.
REGULAR_ENGAGEMENT = {"mastodon": (0.85, 0.6), "bluesky": (0.6, 0.25)}


@dataclass(frozen=True)
class Engagement:
    citizen: Citizen
    kind: str  # "reaction" or "share"


def _weighted_sample(rng: random.Random, people: Sequence[Citizen], k: int) -> list[Citizen]:
    """``k`` different people, the more active more likely (Efraimidis–Spirakis keys)."""
    keyed = sorted(people, key=lambda c: rng.random() ** (1.0 / c.weight), reverse=True)
    return keyed[:k]


def engagement_of(
    seed: int, citizens: Sequence[Citizen], network: str, post_id: str, like_count: int | None
) -> list[Engagement]:
    """The citizens who reacted to and shared one city post, always the same for a post."""
    if network not in ENGAGEMENT_NETWORKS:
        return []
    rng = random.Random(f"{seed}:engagement:{post_id}")
    likes = like_count if like_count is not None else rng.randint(3, 60)
    present = [c for c in citizens if network in c.networks]
    regulars = [c for c in present if network in c.regular_on]
    react, share = REGULAR_ENGAGEMENT.get(network, (0.0, 0.0))
    reacting = [c for c in regulars if rng.random() < react]
    sharing = [c for c in regulars if rng.random() < share]
    # The rest of the post's simulated likes and shares, from the other members.
    others = [c for c in present if network not in c.regular_on]
    reacting += _weighted_sample(
        rng, others, max(0, round(likes * CITIZEN_SHARE_OF_LIKES) - len(reacting))
    )
    sharing += _weighted_sample(
        rng, others, max(0, round(likes * SHARES_PER_LIKE[network]) - len(sharing))
    )
    return [Engagement(c, "reaction") for c in reacting] + [Engagement(c, "share") for c in sharing]
