"""The simulated city on Bluesky and Mastodon: its citizens live there too.

Everything here is the simulated city's own traffic (no recorded fixture): who is on the
newer networks, what they write, how the city answers there, and who likes and reposts
(favourites and reblogs) the city's posts.
"""

from __future__ import annotations

from collections import Counter
from datetime import timedelta

import pytest

from beffroi.collectors import OutgoingPost, build_collector
from beffroi.collectors.social_errors import PostTooLong
from beffroi.sandbox.compose import make_citizens
from beffroi.scheduler.drafts import check_texts
from tests.collectors.test_sandbox import (  # noqa: F401
    BUILT,
    Clock,
    city,  # the demo's city (650 citizens, 90 days), built once for this module's read-only tests
    collectors,
    drain,
    make_settings,
)
from tests.collectors.test_sandbox_engagement import engagement_pass

NEWER = ("bluesky", "mastodon")


def test_the_city_has_a_bluesky_and_a_mastodon_account_with_their_real_streams(tmp_path):
    settings = make_settings(tmp_path)
    bluesky = build_collector(settings, settings.account("bluesky_ville"))
    mastodon = build_collector(settings, settings.account("mastodon_ville"))
    assert (bluesky.network, mastodon.network) == ("bluesky", "mastodon")
    assert bluesky.streams() == ["notifications", "own", "dms", "engagement"]
    assert mastodon.streams() == ["notifications", "dms", "own", "engagement"]
    assert {a.shown_network for a in settings.accounts} == {
        "x", "facebook", "instagram", "bluesky", "mastodon",
    }  # fmt: skip


def test_a_part_of_the_town_is_on_bluesky_fewer_on_mastodon_more_of_them_from_x():
    citizens = make_citizens(42, 650)
    on = {n: [c for c in citizens if n in c.networks] for n in NEWER}
    print({n: len(v) for n, v in on.items()})
    assert 0.08 * 650 < len(on["bluesky"]) < 0.25 * 650
    assert 0.02 * 650 < len(on["mastodon"]) < 0.10 * 650
    on_x = [c for c in citizens if "x" in c.networks]
    not_x = [c for c in citizens if "x" not in c.networks]
    share = {
        group: sum("bluesky" in c.networks for c in people) / len(people)
        for group, people in (("x", on_x), ("other", not_x))
    }
    assert share["x"] > 2 * share["other"]  # the public that left X went to Bluesky first
    # Everyone keeps at least one of the three older networks; handles look real.
    assert all(set(c.networks) & {"x", "facebook", "instagram"} for c in citizens)
    assert all(c.handles["bluesky"].endswith(".bsky.social") for c in on["bluesky"])
    assert all("_" not in c.handles["bluesky"] for c in on["bluesky"])  # a domain name
    assert all(c.handles["mastodon"].count("@") == 1 for c in on["mastodon"])
    for network in NEWER:
        assert len({c.handles[network] for c in on[network]}) == len(on[network])


def test_history_on_the_newer_networks_is_a_realistic_share_of_the_town(city):  # noqa: F811
    _, network = city
    counts = network.counts()
    inbound = Counter()
    for (net, _kind, direction), n in counts.items():
        if direction == "in":
            inbound[net] += n
    total = sum(inbound.values())
    print({n: round(v / total, 3) for n, v in inbound.items()})
    assert 0.05 < inbound["bluesky"] / total < 0.15
    assert 0.01 < inbound["mastodon"] / total < 0.06
    assert inbound["mastodon"] < inbound["bluesky"] < inbound["instagram"] < inbound["facebook"]
    for net in NEWER:
        for kind, direction in [
            ("mention", "in"), ("reply", "in"), ("dm", "in"),
            ("post", "out"), ("reply", "out"), ("dm", "out"),
        ]:  # fmt: skip
            assert counts.get((net, kind, direction), 0) > 0, (net, kind, direction)
    # A citizen writes on a network they use, under their handle there.
    citizens = {c.author_id(n): (n, c) for c in network.citizens() for n in c.networks}
    for row in network.conn.execute(
        "SELECT network, author_id, author_handle FROM messages "
        "WHERE direction = 'in' AND network IN ('bluesky', 'mastodon') AND origin = 'history'"
    ):
        net, citizen = citizens[row["author_id"]]
        assert net == row["network"] and citizen.handles[net] == row["author_handle"]


def test_streams_cursors_and_one_call_for_an_idle_pass(tmp_path):
    settings = make_settings(tmp_path, citizens=120, history_days=10)
    by_key = collectors(settings, Clock(BUILT))
    for key in ("bluesky_ville", "mastodon_ville"):
        collector = by_key[key]
        kinds = {}
        for stream in collector.streams():
            if stream == "engagement":
                continue
            items, cursor, calls, _ = drain(collector, stream)
            kinds[stream] = Counter((i.kind, i.direction) for i in items)
            assert all(i.network == collector.network for i in items)
            again, _, idle_calls, _ = drain(collector, stream, cursor)
            assert again == [] and idle_calls == 1, (key, stream)
        assert set(kinds["notifications"]) <= {("mention", "in"), ("reply", "in")}
        assert kinds["notifications"][("reply", "in")] > 0
        assert set(kinds["dms"]) <= {("dm", "in"), ("dm", "out")}
        assert {k for k, _ in kinds["own"]} <= {"post", "reply"}
        assert all(d == "out" for _, d in kinds["own"])


def test_replies_come_back_in_own_a_dm_answer_stays_in_the_conversation(tmp_path):
    settings = make_settings(tmp_path, citizens=60, history_days=5)
    by_key = collectors(settings, Clock(BUILT))
    for key in ("bluesky_ville", "mastodon_ville"):
        collector = by_key[key]
        _, own_cursor, _, _ = drain(collector, "own")
        _, dms_cursor, _, _ = drain(collector, "dms")
        mention = collector.state.post_citizen_message(key, "mention", "Bonjour, à quelle heure ?")
        dm = collector.state.post_citizen_message(key, "dm", "Bonjour, une question privée")
        notes, _, _, _ = drain(collector, "notifications")
        to_mention = next(i for i in notes if i.external_id == mention)
        reply = collector.reply(to_mention, "Bonjour, dès 9 h. Le service communication")
        assert reply.kind == "reply" and reply.parent_external_id == mention
        own, _, _, _ = drain(collector, "own", own_cursor)
        assert reply.external_id in {i.external_id for i in own}
        dms, dms_cursor, _, _ = drain(collector, "dms", dms_cursor)
        answer = collector.reply(next(i for i in dms if i.external_id == dm), "Bonjour, oui.")
        assert answer.kind == "dm" and answer.thread_external_id == dms[-1].thread_external_id
        assert answer.external_id in {i.external_id for i in drain(collector, "dms", dms_cursor)[0]}
        post = collector.publish(OutgoingPost(key, "Marché de Noël ce samedi", marker="m-1"))
        assert post.startswith(f"sim-{collector.network}-P")
        assert collector.find_published("m-1", BUILT - timedelta(minutes=1)) == post


def test_bluesky_and_mastodon_say_who_liked_and_reposted(tmp_path):
    settings = make_settings(tmp_path, citizens=300, history_days=20)
    by_key = collectors(settings, Clock(BUILT))
    for key, network in (("bluesky_ville", "bluesky"), ("mastodon_ville", "mastodon")):
        found, _, calls = engagement_pass(by_key[key])
        kinds = Counter(i.kind for i in found)
        print(network, dict(kinds), calls)
        assert kinds["reaction"] > kinds["share"] > 0
        present = {
            c.author_id(network) for c in by_key[key].state.citizens() if network in c.networks
        }
        assert {i.author.external_id for i in found} <= present
        assert all(i.network == network and i.account == key for i in found)
    # Smaller audiences than Facebook's: fewer likes per post on the newer networks.
    likes = dict(
        by_key["x_ville"]
        .state.conn.execute(
            "SELECT network, avg(like_count) FROM messages WHERE kind = 'post' "
            "AND origin = 'history' GROUP BY network"
        )
        .fetchall()
    )
    assert likes["mastodon"] < likes["bluesky"] < likes["facebook"]


def test_live_activity_reaches_the_newer_networks_at_their_share(tmp_path):
    settings = make_settings(tmp_path, citizens=650, history_days=1)
    clock = Clock(BUILT)
    by_key = collectors(settings, clock)
    cursors = {(k, s): drain(c, s)[1] for k, c in by_key.items() for s in c.streams()}
    clock.now = BUILT + timedelta(hours=2)  # about 900 messages
    live = Counter()
    for (key, stream), cursor in cursors.items():
        if stream != "engagement":
            for item in drain(by_key[key], stream, cursor)[0]:
                if item.direction == "in":
                    live[item.network] += 1
    total = sum(live.values())
    print(dict(live))
    assert 0.04 < live["bluesky"] / total < 0.15
    assert 0.01 < live["mastodon"] / total < 0.06
    assert live["facebook"] > live["instagram"] > live["bluesky"] > live["mastodon"]


def test_the_calendar_counts_bluesky_graphemes_and_mastodon_characters(tmp_path):
    settings = make_settings(tmp_path, citizens=10, history_days=1)
    checks = {
        c.account: c
        for c in check_texts(
            settings,
            None,
            {"bluesky_ville": "é" * 301, "mastodon_ville": "a" * 500, "x_ville": "a" * 281},
        )
    }
    assert (checks["bluesky_ville"].network, checks["bluesky_ville"].limit) == ("bluesky", 300)
    assert not checks["bluesky_ville"].ok
    assert (checks["mastodon_ville"].network, checks["mastodon_ville"].limit) == ("mastodon", 500)
    assert checks["mastodon_ville"].ok
    assert not checks["x_ville"].ok


def test_an_over_long_text_is_refused_in_french_before_anything_is_sent(tmp_path):
    settings = make_settings(tmp_path, citizens=20, history_days=2)
    by_key = collectors(settings, Clock(BUILT))
    bluesky, mastodon = by_key["bluesky_ville"], by_key["mastodon_ville"]
    with pytest.raises(PostTooLong, match="le texte fait 301 signes, Bluesky en accepte 300"):
        bluesky.publish(OutgoingPost("bluesky_ville", "🇫🇷" * 301, marker="m-long"))
    assert bluesky.publish(OutgoingPost("bluesky_ville", "🇫🇷" * 300, marker="m-ok"))
    note = mastodon.state.post_citizen_message("mastodon_ville", "mention", "Une question ?")
    to = next(i for i in drain(mastodon, "notifications")[0] if i.external_id == note)
    with pytest.raises(PostTooLong, match="Mastodon en accepte 500"):
        mastodon.reply(to, "a" * 501)
    # A link counts 23 on Mastodon, as on the real instance.
    mastodon.reply(to, "a" * 470 + " https://www.marcq-en-baroeul.fr/" + "b" * 40)
    sent = [p.text for p in bluesky.published() + mastodon.published()]
    assert len(sent) == 2 and len(sent[1]) == 543  # 494 as Mastodon counts: accepted
