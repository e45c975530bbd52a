"""Objection to the engagement ranking: out of rankings and invitations, still answered."""

from __future__ import annotations

from datetime import timedelta

import pytest

from beffroi.analytics.ranking import RankingFilter, rank_members
from beffroi.inbox import ingest_hooks
from beffroi.store.community import (
    CommunityError,
    create_event,
    link_members,
    propose_invitations,
)
from beffroi.store.objection import (
    ObjectionError,
    has_objected,
    object_to_ranking,
    objections,
    withdraw_objection,
)
from tests.analytics.helpers import NOW, item, member_id, save


def _order(frame):
    return [handles[0] for handles in frame["handles"]]


def _event(db):
    return create_event(db, name="Instameet", kind="instameet", starts_at=NOW + timedelta(days=9))


def test_an_objection_leaves_the_person_out_of_rankings_and_invitations(db, example_settings):
    save(db, [item(h, days_ago=1) for h in ("jeanne", "paul", "lea")])
    save(db, [item("jeanne", "mention", days_ago=1, account="x_ville", network="x")])
    jeanne, paul, lea = (member_id(db, h) for h in ("jeanne", "paul", "lea"))
    jeanne_x = db.execute(
        "SELECT id FROM members WHERE handle = 'jeanne' AND network = 'x'"
    ).fetchone()[0]
    link_members(db, jeanne, jeanne_x)
    event = _event(db)
    propose_invitations(db, event, {jeanne: "Bonjour", paul: "Bonjour"})
    assert _order(rank_members(db, example_settings, NOW))[0] == "jeanne"

    withdrawn = object_to_ranking(db, jeanne_x, actor="claire", now=NOW)  # one of her accounts
    assert withdrawn == 1  # her proposed, unsent invitation
    for combine in (True, False):
        filters = RankingFilter(combine_persons=combine)
        assert "jeanne" not in _order(rank_members(db, example_settings, NOW, filters))
    assert sorted(_order(rank_members(db, example_settings, NOW))) == ["lea", "paul"]
    assert has_objected(db, jeanne) and has_objected(db, jeanne_x) and not has_objected(db, lea)
    with pytest.raises(CommunityError, match="opposé au classement"):
        propose_invitations(db, event, {jeanne: "Bonjour"})
    assert propose_invitations(db, event, {lea: "Bonjour"})  # the others still are
    with pytest.raises(ObjectionError, match="déjà opposée"):
        object_to_ranking(db, jeanne_x, actor="claire", now=NOW)
    assert [o["id"] for o in objections(db)] == [jeanne_x]
    audit = db.execute(
        "SELECT actor, action, target_id, detail FROM audit WHERE action LIKE 'member.object%'"
    ).fetchall()
    assert [tuple(a) for a in audit] == [
        ("claire", "member.object", str(jeanne_x), '{"invitations_withdrawn": 1}')
    ]

    withdraw_objection(db, jeanne_x, actor="claire", now=NOW)
    assert _order(rank_members(db, example_settings, NOW))[0] == "jeanne"
    assert propose_invitations(db, event, {jeanne: "Bonjour"})
    with pytest.raises(ObjectionError, match="ne s'était pas opposée"):
        withdraw_objection(db, jeanne_x, actor="claire", now=NOW)


def test_a_person_who_objected_is_still_answered(db, example_settings):
    save(db, [item("jeanne", days_ago=1)])
    object_to_ranking(db, member_id(db, "jeanne"), actor="claire", now=NOW)
    from beffroi.collectors import Page
    from beffroi.inbox import ingest_page

    question = item("jeanne", text="Bonjour, la piscine est-elle ouverte dimanche ?")
    hooks = ingest_hooks(example_settings)
    ingest_page(db, "instagram_ville", "comments", Page([question], None), hooks=hooks, now=NOW)
    row = db.execute(
        "SELECT q.status, q.needs_reply FROM queue q JOIN items i ON i.id = q.item_id "
        "WHERE i.external_id = ?",
        (question.external_id,),
    ).fetchone()
    assert (row["status"], row["needs_reply"]) == ("new", 1)
