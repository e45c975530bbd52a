"""Link proposals between one person's accounts: read from the profiles collectors store,
confirmed or refused by staff, audited. A real SQLite file; the profiles' recorded sources are
``../shared/fixtures/mastodon/status_context.json`` (a Mastodon note and fields) and
``../shared/fixtures/bluesky/get_follows.json`` (Bluesky descriptions), both recorded; the
members below are written by hand."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from beffroi.collectors.bluesky import author_of as bluesky_author
from beffroi.collectors.item import Author, Item
from beffroi.collectors.mastodon import author_of as mastodon_author
from beffroi.store import connect, transaction
from beffroi.store.account_links import (
    confirm_link_proposal,
    link_proposals,
    names_agree,
    refuse_link_proposal,
)
from beffroi.store.community import CommunityError
from beffroi.store.ingest import save_items
from beffroi.store.objection import object_to_ranking
from beffroi.store.privacy import erase_member, member_record
from tests.conftest import shared_fixture

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=UTC)


@pytest.fixture
def conn(tmp_path):
    conn = connect(tmp_path / "beffroi.db")
    yield conn
    conn.close()


def say(conn, network: str, author: Author, n: int) -> None:
    """``author`` writes to the city once: how collectors bring members in."""
    item = Item(network, f"{network}_ville", f"{network}-{n}", "mention", "in", "Bonjour", NOW,
                author=author)  # fmt: skip
    with transaction(conn):
        save_items(conn, f"{network}_ville", [item], now=NOW)


def member(conn, network: str, external_id: str) -> int:
    return conn.execute(
        "SELECT id FROM members WHERE network = ? AND external_id = ?", (network, external_id)
    ).fetchone()[0]


def jeanne(conn) -> tuple[int, int]:
    """Jeanne on X, and on Bluesky whose profile names her X account (handles with '@' as
    the real Bluesky collector stores them)."""
    say(conn, "x", Author("x", "111", "jeanne_mqb", "Jeanne Leroy"), 1)
    bio = "Vélo et jardins partagés.\nAussi sur X : @Jeanne_MQB."
    say(conn, "bluesky", Author("bluesky", "did:plc:j", "@jeanne.bsky.social", "Jeanne L.", bio), 2)
    return member(conn, "bluesky", "did:plc:j"), member(conn, "x", "111")


def test_names_agree_when_equal_or_shortened_to_the_initial_accents_aside():
    assert names_agree("Élodie Roussel", "elodie roussel")
    assert names_agree("Philippe Dubois", "Philippe D.")
    assert not names_agree("Philippe Dubois", "Philippe M.")
    assert not names_agree("Paul Dubois", "Philippe Dubois")
    assert not names_agree("Jeanne", None)


def test_a_profile_naming_another_known_account_is_proposed_never_linked(conn):
    bluesky, x = jeanne(conn)
    [proposal] = link_proposals(conn)
    assert (proposal.source.id, proposal.target.id) == (bluesky, x)
    assert proposal.quote == "Aussi sur X : @Jeanne_MQB."
    linked = conn.execute("SELECT count(*) FROM members WHERE person_id IS NOT NULL").fetchone()
    assert linked[0] == 0


def test_no_proposal_when_the_names_differ_or_the_account_is_unknown(conn):
    say(conn, "x", Author("x", "222", "asso_marcq", "Association des parents"), 1)
    bio = "Présidente de @asso_marcq. Instagram : @inconnue"
    say(conn, "mastodon", Author("mastodon", "9", "@nina@piaille.fr", "Nina Caron", bio), 2)
    assert link_proposals(conn) == []


def test_confirming_links_the_accounts_audited_and_the_proposal_goes(conn):
    bluesky, x = jeanne(conn)
    person = confirm_link_proposal(conn, bluesky, x, actor="lea", now=NOW)
    persons = {r[0] for r in conn.execute("SELECT coalesce(person_id, id) FROM members")}
    assert persons == {person}
    audit = conn.execute(
        "SELECT actor, action, detail FROM audit WHERE action LIKE 'member.%'"
    ).fetchall()
    assert [(a[0], a[1]) for a in audit] == [("lea", "member.link")]
    assert json.loads(audit[0][2]) == {"person": person, "proposal": "profile"}
    assert link_proposals(conn) == []
    with pytest.raises(CommunityError, match="plus d'actualité"):
        confirm_link_proposal(conn, bluesky, x, actor="lea", now=NOW)


def test_refusing_remembers_the_pair_and_never_proposes_it_again(conn):
    bluesky, x = jeanne(conn)
    refuse_link_proposal(conn, x, bluesky, actor="lea", now=NOW)
    assert link_proposals(conn) == []
    say(conn, "bluesky", Author("bluesky", "did:plc:j", "@jeanne.bsky.social", "Jeanne L.",
                                "Aussi sur X : @jeanne_mqb"), 3)  # fmt: skip
    assert link_proposals(conn) == []
    row = conn.execute("SELECT actor, target_id, detail FROM audit WHERE action = ?",
                       ("member.link_refused",)).fetchone()  # fmt: skip
    assert (row[0], int(row[1]), json.loads(row[2])) == (
        "lea",
        min(x, bluesky),
        {"other": max(x, bluesky)},
    )
    assert (
        conn.execute("SELECT person_id FROM members WHERE person_id IS NOT NULL").fetchall() == []
    )


def test_erased_and_objecting_people_are_not_proposed_and_the_profile_is_erased(conn):
    bluesky, x = jeanne(conn)
    assert member_record(conn, bluesky)["member"]["profile"].endswith("@Jeanne_MQB.")
    object_to_ranking(conn, x, actor="lea", now=NOW)
    assert link_proposals(conn) == []
    erase_member(conn, bluesky, actor="lea", now=NOW)
    assert member_record(conn, bluesky)["member"]["profile"] is None
    say(conn, "bluesky", Author("bluesky", "did:plc:j", "@jeanne.bsky.social", "Jeanne L.",
                                "Aussi sur X : @jeanne_mqb"), 4)  # fmt: skip
    assert member_record(conn, bluesky)["member"]["profile"] is None


def test_collectors_read_the_profile_as_plain_text_from_recorded_answers():
    cassette = json.loads(shared_fixture("mastodon/status_context.json").read_text("utf-8"))
    account = cassette[0]["response"]["body"]["account"]
    author = mastodon_author(account)
    assert author.profile.splitlines()[0] == "I walk funny"
    assert "bread : toasty." in author.profile.splitlines()
    follows = json.loads(shared_fixture("bluesky/get_follows.json").read_text("utf-8"))
    author = bluesky_author(follows["follows"][0])
    assert author.profile == follows["follows"][0]["description"].strip()
    assert "<" not in author.profile
