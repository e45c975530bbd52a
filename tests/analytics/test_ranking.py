"""The ranking on hand-built databases where the right order is known."""

from __future__ import annotations

import math
from datetime import timedelta

import pytest

from beffroi.analytics.ranking import RankingFilter, describe, explain, rank_members
from beffroi.collectors import Author, Interaction, Page
from beffroi.inbox import ingest_page
from beffroi.store import connect, transaction
from beffroi.store.community import (
    add_member,
    create_event,
    link_members,
    propose_invitations,
    set_member_flags,
    set_status,
    unlink_member,
)
from tests.analytics.helpers import NOW, item, member_id, save


def _order(frame):
    return [handles[0] for handles in frame["handles"]]


def test_decay_makes_recent_interactions_count_more(db, example_settings):
    save(db, [item("recent", days_ago=1), item("old", days_ago=60)])
    ranking = rank_members(db, example_settings, NOW)
    assert _order(ranking) == ["recent", "old"]
    old = ranking.iloc[1]
    # One comment 60 days ago with a 30-day half-life: a quarter of a point, plus one week.
    assert old["pts_comment"] == pytest.approx(0.25)
    assert old["score"] == pytest.approx(0.25 + 0.5)


def test_weights_and_active_weeks(db, example_settings):
    # one ugc today (4 pts) vs three comments today (3 pts): ugc wins in one week each.
    save(db, [item("tagger", "ugc", days_ago=0)])
    save(db, [item("chatty", days_ago=0), item("chatty", days_ago=0), item("chatty", days_ago=0)])
    ranking = rank_members(db, example_settings, NOW)
    assert _order(ranking) == ["tagger", "chatty"]
    # Spread over three weeks, the same three comments gain two more week bonuses.
    save(db, [item("steady", days_ago=0), item("steady", days_ago=7), item("steady", days_ago=14)])
    steady = rank_members(db, example_settings, NOW).set_index("rank").iloc[1]
    expected = 1 + 0.5 ** (7 / 30) + 0.5 ** (14 / 30) + 3 * 0.5
    assert steady["handles"] == ["steady"]
    assert steady["active_weeks"] == 3
    assert steady["score"] == pytest.approx(expected)


def test_outside_window_and_city_posts_do_not_count(db, example_settings):
    save(db, [item("ancient", days_ago=91), item("now", days_ago=2)])
    save(db, [item("city", "post", days_ago=1, direction="out")])
    ranking = rank_members(db, example_settings, NOW)
    assert _order(ranking) == ["now"]
    wider = rank_members(db, example_settings, NOW, RankingFilter(window_days=120))
    assert _order(wider) == ["now", "ancient"]


def test_staff_blocked_spam_and_erased_are_excluded(db, example_settings):
    save(db, [item(h, days_ago=1) for h in ("staff", "blocked", "spam", "erased", "citizen")])
    set_member_flags(db, member_id(db, "staff"), is_staff=True)
    set_member_flags(db, member_id(db, "blocked"), is_blocked=True)
    set_member_flags(db, member_id(db, "spam"), is_spam=True)
    with transaction(db):
        db.execute("UPDATE members SET erased_at = '2026-11-01 00:00:00' WHERE handle = 'erased'")
    assert _order(rank_members(db, example_settings, NOW)) == ["citizen"]


def test_linked_accounts_count_together(db, example_settings):
    save(db, [item("solo", days_ago=1), item("solo", days_ago=1)])
    save(db, [item("ana_ig", days_ago=1)])
    save(db, [item("ana_x", "mention", days_ago=1, account="x_ville", network="x")])
    separate = rank_members(db, example_settings, NOW, RankingFilter(combine_persons=False))
    # a mention (2) ties solo's two comments at the same instant: the lower id goes first.
    assert _order(separate) == ["solo", "ana_x", "ana_ig"]
    person = link_members(db, member_id(db, "ana_ig"), member_id(db, "ana_x"))
    combined = rank_members(db, example_settings, NOW)
    top = combined.iloc[0]
    assert top["person"] == person
    assert sorted(top["handles"]) == ["ana_ig", "ana_x"]
    assert top["networks"] == ["instagram", "x"]
    assert top["score"] == pytest.approx((1 + 2) * 0.5 ** (1 / 30) + 0.5)
    assert len(combined) == 2
    # Per network, only that network's interactions count, even for a linked person.
    instagram = rank_members(db, example_settings, NOW, RankingFilter(network="instagram"))
    assert _order(instagram) == ["solo", "ana_ig"]
    unlink_member(db, member_id(db, "ana_x"))
    assert len(rank_members(db, example_settings, NOW)) == 3


def test_ties_are_broken_by_most_recent_then_id(db, example_settings):
    save(db, [item("first", days_ago=3)])
    save(db, [item("second", days_ago=3, at=None)])
    ranking = rank_members(db, example_settings, NOW)
    # identical scores and same instant: the lower person id ranks first, every time.
    assert ranking.iloc[0]["score"] == ranking.iloc[1]["score"]
    assert _order(ranking) == ["first", "second"]
    save(db, [item("later", days_ago=3)])
    assert _order(rank_members(db, example_settings, NOW)) == ["first", "second", "later"]


def test_theme_min_weeks_and_not_invited_filters(db, example_settings):
    save(db, [item("cyclist", days_ago=1)], theme="mobilité")
    save(db, [item("reader", days_ago=1), item("reader", days_ago=9)], theme="culture")
    themed = rank_members(db, example_settings, NOW, RankingFilter(theme="mobilité"))
    assert _order(themed) == ["cyclist"]
    weekly = rank_members(db, example_settings, NOW, RankingFilter(min_active_weeks=2))
    assert _order(weekly) == ["reader"]
    event = create_event(db, name="Instameet", kind="instameet", starts_at=NOW, now=NOW)
    (inv,) = propose_invitations(db, event, {member_id(db, "reader"): "Bonjour"}, now=NOW)
    # A proposal alone does not count as an invitation...
    fresh = rank_members(db, example_settings, NOW, RankingFilter(not_invited_months=6))
    assert _order(fresh) == ["reader", "cyclist"]
    set_status(db, inv, "invited", now=NOW, sent_via="manual")
    fresh = rank_members(db, example_settings, NOW, RankingFilter(not_invited_months=6))
    assert _order(fresh) == ["cyclist"]


def test_explanation_adds_up(db, example_settings):
    save(db, [item("ana", days_ago=2), item("ana", "mention", days_ago=10)])
    save(db, [item("ana", "dm", days_ago=30, account="instagram_ville")])
    ranking = rank_members(db, example_settings, NOW)
    why = explain(db, example_settings, NOW, int(ranking.iloc[0]["person"]))
    assert why.counts["comment"] == 1 and why.counts["mention"] == 1 and why.counts["dm"] == 1
    assert why.contributions["dm"] == pytest.approx(0.5 * 0.5)
    assert math.isclose(sum(why.contributions.values()) + why.bonus, why.score)
    assert why.score == pytest.approx(ranking.iloc[0]["score"])
    assert [r["kind"] for r in why.last_interactions] == ["comment", "mention", "dm"]
    assert why.last_interactions[0]["permalink"].startswith("https://example.org/")
    assert "1 commentaire (" in describe(why) and "semaines actives" in describe(why)


def test_snapchat_members_are_listed_with_their_linked_score(db, example_settings):
    snap = add_member(db, "snapchat", "@lea.snap", "Léa", "rencontrée au forum", now=NOW)
    add_member(db, "snapchat", "tom.snap", now=NOW)
    save(db, [item("lea_ig", days_ago=1)])
    link_members(db, snap, member_id(db, "lea_ig"))
    ranking = rank_members(db, example_settings, NOW, RankingFilter(network="snapchat"))
    assert len(ranking) == 2
    assert "lea.snap" in ranking.iloc[0]["handles"] and ranking.iloc[0]["score"] > 0
    assert ranking.iloc[1]["handles"] == ["tom.snap"] and ranking.iloc[1]["score"] == 0


def test_ranking_reads_through_a_readonly_connection(tmp_path, example_settings):
    conn = connect(tmp_path / "b.db")
    save(conn, [item("ro", days_ago=1)])
    conn.close()
    ro = connect(tmp_path / "b.db", readonly=True)
    assert _order(rank_members(ro, example_settings, NOW)) == ["ro"]
    plan = " ".join(
        str(r[3])
        for r in ro.execute(
            "EXPLAIN QUERY PLAN SELECT member_id, kind, created_at, account FROM items "
            "WHERE direction = 'in' AND member_id IS NOT NULL AND created_at >= '2026-01-01'"
        )
    )
    assert "items_inbound" in plan
    ro.close()


def test_reactions_and_shares_count_with_their_weights(db, example_settings):
    """Collected with the page like any item: a retweet (3) outweighs a comment (1), a like
    weighs 0.2, all decayed from the post's time; per network, and gone with a theme."""

    def engaged(who, kind, days_ago, post="x-post-1"):
        author = Author("x", f"id-{who}", who, who.title())
        when = NOW - timedelta(days=days_ago)
        return Interaction("x", "x_ville", kind, author, post, when)

    save(db, [item("talker", "reply", days_ago=0, account="x_ville", network="x")])
    ingest_page(db, "x_ville", "engagement", Page([], "c", interactions=[
        engaged("sharer", "share", 30),
        engaged("liker", "reaction", 0),
        engaged("liker", "reaction", 0, post="x-post-2"),
    ]))  # fmt: skip
    ranking = rank_members(db, example_settings, NOW, RankingFilter(network="x"))
    assert _order(ranking) == ["sharer", "talker", "liker"]
    sharer, liker = ranking.iloc[0], ranking.iloc[2]
    assert sharer["n_share"] == 1 and sharer["pts_share"] == pytest.approx(1.5)  # 3 × ½
    assert liker["n_reaction"] == 2 and liker["pts_reaction"] == pytest.approx(0.4)
    why = describe(explain(db, example_settings, NOW, int(liker["person"])))
    assert "2 réactions (0,4 pts)" in why
    last = explain(db, example_settings, NOW, int(liker["person"])).last_interactions
    assert [(r["kind"], r["text"]) for r in last] == [("reaction", ""), ("reaction", "")]
    # Instagram's ranking and a theme's ranking have no reactions nor shares.
    assert "liker" not in _order(
        rank_members(db, example_settings, NOW, RankingFilter("instagram"))
    )
    themed = rank_members(db, example_settings, NOW, RankingFilter(theme="culture"))
    assert "sharer" not in _order(themed)


# ---------------------------------------------------------------- the old plan as oracle


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """A small city collected through the real path (benchmarks/city.py), a few members
    linked into persons and one invited, read by main's ranking and by today's."""
    from tests.benchmarks.city_db import bench_module, main_at_59cd8f0, small_city

    main = main_at_59cd8f0("beffroi/analytics/ranking.py")

    path = small_city(tmp_path_factory.mktemp("ranking"))
    settings, _ = bench_module("city").city_settings(path, 2500, 120)
    conn = connect(path)
    active = [r[0] for r in conn.execute(
        "SELECT member_id FROM items WHERE member_id IS NOT NULL GROUP BY 1 "
        "ORDER BY count(*) DESC, 1 LIMIT 6"
    )]  # fmt: skip
    if not conn.execute("SELECT 1 FROM members WHERE person_id IS NOT NULL").fetchone():
        link_members(conn, active[0], active[5])
        link_members(conn, active[1], active[4])
        end = bench_module("city").END
        event = create_event(conn, name="Visite", kind="instameet", starts_at=end, now=end)
        (invitation,) = propose_invitations(conn, event, {active[2]: "Bonjour"}, now=end)
        set_status(conn, invitation, "invited", now=end, sent_via="manual")
    yield conn, settings, main, bench_module("city").END
    conn.close()


ORACLE_FILTERS = [
    RankingFilter(),
    RankingFilter(limit=None),
    RankingFilter(combine_persons=False, limit=None),
    RankingFilter(network="x"),
    RankingFilter(network="facebook", window_days=30),
    RankingFilter(theme="propreté"),
    RankingFilter(min_active_weeks=3),
    RankingFilter(not_invited_months=6, limit=None),
    RankingFilter(window_days=365, limit=30),
    # The page cut in SQL by the order pass, with the filters that change who is a person
    # or who is left out (the cases above without a limit read every person at once).
    RankingFilter(combine_persons=False, limit=20),
    RankingFilter(not_invited_months=6, limit=3),
]


def _same_frames(new, old):
    assert list(new.columns) == list(old.columns)
    assert list(new["person"]) == list(old["person"])
    for column in new.columns:
        if new[column].dtype.kind == "f":
            assert new[column].to_numpy() == pytest.approx(old[column].to_numpy(), abs=1e-9)
        else:
            assert new[column].tolist() == old[column].tolist(), column


@pytest.mark.parametrize("filters", ORACLE_FILTERS, ids=repr)
def test_ranking_and_explanations_equal_mains_on_a_collected_city(city, filters):
    conn, settings, main, end = city
    for now in (end, end - timedelta(days=200, hours=5)):
        new = rank_members(conn, settings, now, filters)
        old = main.rank_members(conn, settings, now, main.RankingFilter(**filters.__dict__))
        assert len(new) > 0 or now != end
        _same_frames(new, old)
        for person in list(new["person"][:5]) + [10**9]:
            mine = explain(conn, settings, now, int(person), filters)
            theirs = main.explain(
                conn, settings, now, int(person), main.RankingFilter(**filters.__dict__)
            )
            assert mine.score == pytest.approx(theirs.score, abs=1e-9)
            assert mine.contributions == pytest.approx(theirs.contributions, abs=1e-9)
            assert (mine.counts, mine.active_weeks, mine.accounts, mine.last_interactions) == (
                theirs.counts,
                theirs.active_weeks,
                theirs.accounts,
                theirs.last_interactions,
            )
