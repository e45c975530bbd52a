"""Link proposals on the simulated city collected through the normal pipeline (a real SQLite
file; no recorded fixture: the simulated city's own traffic). Some citizens' Bluesky and
Mastodon profiles name their other account; Beffroi proposes exactly those links, links
nothing by itself, and once a person confirms, the ranking counts the person once."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from beffroi.analytics import RankingFilter, rank_members
from beffroi.cli.demo_links import seed_demo_links
from beffroi.inbox import confirm_link_proposal, link_proposals
from beffroi.store import connect
from tests.sandbox.collected import collected_city

NOW = datetime(2026, 11, 25, 21, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def collected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("city")
    settings, conn = collected_city(folder / "beffroi.db", NOW, citizens=300, history_days=30)
    conn.close()
    return settings


@pytest.fixture
def city(collected, tmp_path):
    """A copy of the collected city per test (each confirms its own links)."""
    source = connect(collected.database_path)
    copy = tmp_path / "copy.db"
    source.execute("VACUUM INTO ?", (str(copy),))
    source.close()
    conn = connect(copy)
    yield collected, conn
    conn.close()


def citizen_of(conn, member_id: int) -> str:
    external = conn.execute("SELECT external_id FROM members WHERE id = ?", (member_id,))
    return external.fetchone()[0].rsplit("-u", 1)[1]


def test_every_proposal_is_one_simulated_citizen_and_nothing_is_linked_by_itself(city):
    _, conn = city
    proposals = link_proposals(conn)
    print(f"{len(proposals)} proposals")
    assert len(proposals) >= 5
    for p in proposals:
        assert citizen_of(conn, p.source.id) == citizen_of(conn, p.target.id)
        assert p.source.network in ("bluesky", "mastodon") and p.target.network != p.source.network
        assert f"@{p.target.handle}".lower() in p.quote.lower()
    linked = conn.execute("SELECT count(*) FROM members WHERE person_id IS NOT NULL")
    assert linked.fetchone()[0] == 0


def test_once_confirmed_the_ranking_counts_the_person_once(city):
    settings, conn = city
    ranking = rank_members(conn, settings, NOW, RankingFilter(limit=None))
    ranked = {int(p) for p in ranking["person"]}
    proposal = next(p for p in link_proposals(conn) if {p.source.id, p.target.id} <= ranked)
    before = len(ranking)
    person = confirm_link_proposal(conn, proposal.source.id, proposal.target.id, actor="lea")
    after = rank_members(conn, settings, NOW, RankingFilter(limit=None))
    assert len(after) == before - 1
    row = after[after["person"] == person].iloc[0]
    assert set(row["networks"]) == {proposal.source.network, proposal.target.network}
    assert {h.lower() for h in row["handles"]} == {
        proposal.source.handle.lower(),
        proposal.target.handle.lower(),
    }


def test_the_demo_confirms_the_proposals_of_the_most_engaged_once(city):
    settings, conn = city
    pending = len(link_proposals(conn))
    confirmed = seed_demo_links(conn, settings, NOW)
    print(f"{confirmed} confirmed of {pending}")
    assert 0 < confirmed < pending
    assert len(link_proposals(conn)) == pending - confirmed
    actors = conn.execute("SELECT DISTINCT actor FROM audit WHERE action = 'member.link'")
    assert [r[0] for r in actors] == ["lead"]
    assert seed_demo_links(conn, settings, NOW) == 0
