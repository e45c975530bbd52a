"""The simulated city's population on the newer networks: Mastodon's few devoted regulars,
Bluesky's early comers, and the profiles that name a person's other account. Pure
functions of the seed (no file, no network)."""

from __future__ import annotations

import re

from beffroi.sandbox.compose import make_citizens
from beffroi.sandbox.engagement import engagement_of

SEED, PEOPLE = 2026, 650
POSTS = [f"sim-mastodon-{n}" for n in range(200)]


def share_of_posts(citizens, network: str, who, kind: str) -> float:
    hits = 0
    for post in POSTS:
        engaged = engagement_of(SEED, citizens, network, post.replace("mastodon", network), 20)
        hits += any(e.citizen.id == who.id and e.kind == kind for e in engaged)
    return hits / len(POSTS)


def test_mastodon_has_a_few_regulars_who_favourite_and_boost_nearly_every_city_post():
    citizens = make_citizens(SEED, PEOPLE)
    on_mastodon = [c for c in citizens if "mastodon" in c.handles]
    regulars = [c for c in on_mastodon if "mastodon" in c.regular_on]
    print(f"{len(on_mastodon)} on Mastodon, {len(regulars)} regulars")
    assert 2 <= len(regulars) <= max(2, len(on_mastodon) // 5)
    for regular in regulars:
        assert share_of_posts(citizens, "mastodon", regular, "reaction") > 0.7
        assert share_of_posts(citizens, "mastodon", regular, "share") > 0.4
    # The others favourite a post now and then, nothing like a regular.
    others = sorted(
        (c for c in on_mastodon if not c.regular_on), key=lambda c: c.weight, reverse=True
    )
    assert share_of_posts(citizens, "mastodon", others[0], "reaction") < 0.5
    # Regulars are among the town's more active people (they also reply often).
    median = sorted(c.weight for c in on_mastodon)[len(on_mastodon) // 2]
    assert sum(r.weight > median for r in regulars) >= len(regulars) / 2


def test_bluesky_regulars_are_fewer_in_share_and_only_where_the_person_has_an_account():
    citizens = make_citizens(SEED, PEOPLE)
    for c in citizens:
        assert set(c.regular_on) <= set(c.handles)
    on_bluesky = [c for c in citizens if "bluesky" in c.handles]
    regulars = [c for c in on_bluesky if "bluesky" in c.regular_on]
    assert 1 <= len(regulars) < len(on_bluesky) * 0.1


def test_the_regulars_and_profiles_leave_the_population_as_the_seed_made_it():
    first, again = make_citizens(SEED, PEOPLE), make_citizens(SEED, PEOPLE)
    assert [(c.first_name, c.last_name, c.handles, c.weight) for c in first] == [
        (c.first_name, c.last_name, c.handles, c.weight) for c in again
    ]
    assert [(c.regular_on, c.bios) for c in first] == [(c.regular_on, c.bios) for c in again]


def test_some_bluesky_and_mastodon_profiles_name_the_persons_other_account_exactly():
    citizens = make_citizens(SEED, PEOPLE)
    with_bio = [c for c in citizens if c.bios]
    eligible = [
        c
        for c in citizens
        if {"bluesky", "mastodon"} & set(c.handles) and len(c.handles.keys() - {"facebook"}) > 1
    ]
    print(f"{len(with_bio)} profiles of {len(eligible)} who could name another account")
    assert 0.2 * len(eligible) <= len(with_bio) <= 0.5 * len(eligible)
    for c in with_bio:
        for network, bio in c.bios.items():
            assert network in ("bluesky", "mastodon") and network in c.handles
            named = re.findall(r"@[\w.\-@]*[\w]", bio)
            assert len(named) == 1, bio
            assert named[0][1:] in {h for n, h in c.handles.items() if n != network}, bio
