"""Bluesky and Mastodon in the ranking, the report, erasure and retention, on the simulated
city collected through the normal pipeline (a real SQLite file; no recorded fixture: the
simulated city's own traffic)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from beffroi.analytics import RankingFilter, describe_engagement, explain, rank_members
from beffroi.analytics.indicators import period_containing
from beffroi.analytics.report import build_report
from beffroi.config.settings import Retention
from beffroi.store.community import link_members
from beffroi.store.privacy import ERASED_TEXT, erase_member, purge_expired
from tests.sandbox.collected import collected_city

NOW = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)  # a Wednesday evening
NEWER = {"bluesky_ville": "bluesky", "mastodon_ville": "mastodon"}


@pytest.fixture
def city(tmp_path):
    """300 citizens, 40 days, collected with the inbox's hooks as the demo does."""
    settings, conn = collected_city(tmp_path / "beffroi.db", NOW, citizens=300, history_days=40)
    yield settings, conn
    conn.close()


def engaged_members(conn, account: str) -> list[int]:
    return [
        r[0]
        for r in conn.execute(
            "SELECT member_id FROM interactions WHERE account = ? GROUP BY member_id "
            "ORDER BY count(*) DESC, member_id",
            (account,),
        )
    ]


def test_the_ranking_counts_likes_and_reposts_from_bluesky_and_mastodon(city):
    settings, conn = city
    for network in NEWER.values():
        ranking = rank_members(conn, settings, NOW, RankingFilter(network=network))
        assert not ranking.empty and all(network in n for n in ranking["networks"])
        top = int(ranking.iloc[0]["person"])
        why = explain(
            conn, settings, NOW, top, RankingFilter(network=network, combine_persons=False)
        )
        print(network, why.counts)
        assert why.counts["reaction"] + why.counts["share"] > 0
        assert why.contributions["reaction"] > 0 or why.contributions["share"] > 0
    # Across networks, someone who likes on Bluesky is explained with Bluesky likes.
    liker = engaged_members(conn, "bluesky_ville")[0]
    person = conn.execute(
        "SELECT coalesce(person_id, id) FROM members WHERE id = ?", (liker,)
    ).fetchone()[0]
    why = explain(conn, settings, NOW, person)
    kinds = {(i["kind"], i["network"]) for i in why.last_interactions}
    assert ("reaction", "bluesky") in kinds or ("share", "bluesky") in kinds


def test_a_person_on_x_and_bluesky_is_explained_network_by_network(city):
    """Once staff link the X and Bluesky accounts of one citizen, "Pourquoi ce score ?"
    says where the likes and reposts were given."""
    settings, conn = city
    both = conn.execute(
        """
        SELECT x.member_id, b.member_id FROM
          (SELECT i.member_id, m.display_name FROM interactions i JOIN members m
             ON m.id = i.member_id WHERE i.account = 'x_ville' GROUP BY 1) x
        JOIN
          (SELECT i.member_id, m.display_name FROM interactions i JOIN members m
             ON m.id = i.member_id WHERE i.account = 'bluesky_ville' GROUP BY 1) b
        ON x.display_name = b.display_name ORDER BY 1 LIMIT 1
        """
    ).fetchone()
    assert both is not None, "someone likes on X and on Bluesky"
    person = link_members(conn, both[0], both[1], actor="cm", now=NOW)
    why = explain(conn, settings, NOW, person)
    print(describe_engagement(why))
    assert {"x", "bluesky"} <= set(why.engagement_by_network)
    total = sum(sum(k.values()) for k in why.engagement_by_network.values())
    assert total == why.counts["reaction"] + why.counts["share"]
    stored = conn.execute(
        "SELECT count(*) FROM interactions WHERE member_id = ? AND account = 'bluesky_ville'",
        (both[1],),
    ).fetchone()[0]
    assert sum(why.engagement_by_network["bluesky"].values()) == stored
    assert "Bluesky : " in describe_engagement(why) and "X : " in describe_engagement(why)


def test_the_report_counts_bluesky_and_mastodon_messages(city):
    settings, conn = city
    period = period_containing("week", (NOW - timedelta(days=7)).date(), settings.tz)
    report = build_report(conn, settings, period, NOW)
    shown = dict(zip(report.networks["network"], report.networks["n"], strict=True))
    print(shown)
    for account, network in NEWER.items():
        stored = conn.execute(
            "SELECT count(*) FROM items WHERE account = ? AND direction = 'in' "
            "AND created_at >= ? AND created_at < ?",
            (account, period.start.strftime("%Y-%m-%d %H:%M:%S"),
             period.end.strftime("%Y-%m-%d %H:%M:%S")),
        ).fetchone()[0]  # fmt: skip
        assert stored > 0 and shown[network] == stored, network


def test_erasing_a_bluesky_member_removes_their_messages_likes_and_score(city):
    settings, conn = city
    member = next(
        m
        for m in engaged_members(conn, "bluesky_ville")
        if conn.execute(
            "SELECT 1 FROM items WHERE member_id = ? AND direction = 'in'", (m,)
        ).fetchone()
    )
    ranked = rank_members(
        conn, settings, NOW, RankingFilter(network="bluesky", combine_persons=False, limit=None)
    )
    assert member in set(ranked["person"])
    result = erase_member(conn, member, actor="dpo", now=NOW)
    assert result.items > 0 and result.interactions > 0
    texts = {r[0] for r in conn.execute("SELECT text FROM items WHERE member_id = ?", (member,))}
    assert texts == {ERASED_TEXT}
    assert (
        conn.execute("SELECT count(*) FROM interactions WHERE member_id = ?", (member,)).fetchone()[
            0
        ]
        == 0
    )
    after = rank_members(
        conn, settings, NOW, RankingFilter(network="bluesky", combine_persons=False, limit=None)
    )
    assert member not in set(after["person"])


def test_retention_purges_old_bluesky_and_mastodon_messages_and_likes(city):
    settings, conn = city
    cutoff = NOW - timedelta(days=30)  # items_days is at least 30
    old = {
        account: conn.execute(
            "SELECT (SELECT count(*) FROM items WHERE account = ? AND direction = 'in' "
            "AND created_at < ?), (SELECT count(*) FROM interactions WHERE account = ? "
            "AND created_at < ?)",
            (account, cutoff.strftime("%Y-%m-%d %H:%M:%S"), account,
             cutoff.strftime("%Y-%m-%d %H:%M:%S")),
        ).fetchone()
        for account in NEWER
    }  # fmt: skip
    print(old)
    assert all(items > 0 and likes > 0 for items, likes in old.values())
    result = purge_expired(conn, Retention(items_days=30), now=NOW)
    assert result.items >= sum(i for i, _ in old.values())
    assert result.interactions >= sum(k for _, k in old.values())
    for account in NEWER:
        left = conn.execute(
            "SELECT (SELECT count(*) FROM items WHERE account = ? AND direction = 'in' "
            "AND created_at < ?), (SELECT count(*) FROM interactions WHERE account = ? "
            "AND created_at < ?)",
            (account, cutoff.strftime("%Y-%m-%d %H:%M:%S"), account,
             cutoff.strftime("%Y-%m-%d %H:%M:%S")),
        ).fetchone()  # fmt: skip
        assert tuple(left) == (0, 0)
        # The city's own public posts on Bluesky and Mastodon are its record and stay.
        assert (
            conn.execute(
                "SELECT count(*) FROM items WHERE account = ? AND kind = 'post' AND created_at < ?",
                (account, cutoff.strftime("%Y-%m-%d %H:%M:%S")),
            ).fetchone()[0]
            > 0
        )
