"""Invitations through every state, minors' consent, Snapchat import, and what an event changed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from beffroi.analytics.invitations import (
    draft_messages,
    event_outcome,
    list_events,
    list_invitations,
)
from beffroi.inbox import deliver_invitation
from beffroi.store.community import (
    CommunityError,
    add_member,
    create_event,
    declare_age,
    import_members_csv,
    propose_invitations,
    record_parental_consent,
    set_invitation_message,
    set_status,
)
from tests.analytics.helpers import NOW, item, member_id, save


def _invite(db, settings, event, handles):
    ids = [member_id(db, h) for h in handles]
    return propose_invitations(db, event, draft_messages(db, settings, event, ids), now=NOW)


def test_full_life_cycle_and_refused_moves(db, example_settings):
    save(db, [item(h, days_ago=2) for h in ("ana", "ben", "chloe", "dan")])
    event = create_event(
        db,
        name="Instameet du beffroi",
        kind="instameet",
        starts_at=NOW + timedelta(days=10),
        place="Hippodrome",
        capacity=30,
        now=NOW,
    )
    invitations = _invite(db, example_settings, event, ["ana", "ben", "chloe", "dan"])
    frame = list_invitations(db, event)
    assert list(frame["status"]) == ["proposed"] * 4
    message = frame.iloc[0]["message"]
    assert message.startswith("Bonjour Ana,")
    assert "« Instameet du beffroi »" in message and "Hippodrome" in message
    assert "samedi 5 décembre 2026 à 13h00" in message  # 12:00 UTC is 13:00 in Paris
    assert "Instagram" in message and "Marcq-en-Barœul" in message

    a, b, c, d = invitations
    with pytest.raises(CommunityError, match="impossible"):
        set_status(db, a, "accepted", now=NOW)  # not invited yet
    for inv in invitations:
        delivery = deliver_invitation(db, inv, lambda _account: None, now=NOW)
        assert delivery.via == "manual" and delivery.message
    set_status(db, a, "accepted", now=NOW)
    set_status(db, b, "accepted", now=NOW)
    set_status(db, c, "declined", now=NOW)
    set_status(db, d, "accepted", now=NOW)
    set_status(db, a, "attended", now=NOW)
    set_status(db, b, "no_show", now=NOW)
    set_status(db, d, "declined", now=NOW)  # changed their mind
    with pytest.raises(CommunityError):
        set_status(db, a, "declined", now=NOW)  # attended is final
    with pytest.raises(CommunityError, match="déjà partie"):
        deliver_invitation(db, a, lambda _account: None, now=NOW)
    row = list_events(db).iloc[0]
    assert (row["attended"], row["no_show"], row["declined"], row["invitations"]) == (1, 1, 2, 4)
    audit = db.execute("SELECT count(*) FROM audit WHERE target_kind = 'invitation'").fetchone()[0]
    assert audit >= 11


def test_capacity_is_enforced(db, example_settings):
    save(db, [item(h, days_ago=1) for h in ("a1", "a2", "a3")])
    event = create_event(db, name="Afterwork", kind="afterwork", starts_at=NOW, capacity=2, now=NOW)
    with pytest.raises(CommunityError, match="capacité"):
        _invite(db, example_settings, event, ["a1", "a2", "a3"])
    assert list_invitations(db, event).empty
    assert len(_invite(db, example_settings, event, ["a1", "a2"])) == 2


def _teen_snapmeet(db, name, **extra):
    """A Snapmeet for 12-18 year olds, in five days."""
    return create_event(
        db,
        name=name,
        kind="snapmeet",
        starts_at=NOW + timedelta(days=5),
        min_age=12,
        max_age=18,
        now=NOW,
        **extra,
    )


def test_minors_need_declared_status_and_parental_consent(db, example_settings):
    snap = import_members_csv(
        db,
        "handle,display name,notes\n@lea.snap,Léa,forum jeunesse\nhugo_s,Hugo,\n",
        now=NOW,
    )
    assert snap == 2
    event = _teen_snapmeet(db, "Snapmeet skatepark", capacity=30)
    lea, hugo = _invite(db, example_settings, event, ["lea.snap", "hugo_s"])
    message = list_invitations(db, event).iloc[0]["message"]
    assert "autorisation parentale" in message and "Snapchat" in message
    # An event for 12–18 year olds: nothing leaves before the person's age is declared
    # (the invitation used to go out by DM before anyone knew it).
    with pytest.raises(CommunityError, match="âge déclaré"):
        deliver_invitation(db, lea, lambda _a: object(), now=NOW)
    with pytest.raises(CommunityError, match="entre 1 et 120"):
        declare_age(db, lea, 0, actor="cm", now=NOW)
    declare_age(db, lea, 15, actor="cm", now=NOW)
    declare_age(db, hugo, 25, actor="cm", now=NOW)
    assert deliver_invitation(db, lea, lambda _a: object(), now=NOW).via == "manual"
    with pytest.raises(
        CommunityError, match="réservée aux 12-18 ans : la personne a déclaré 25 ans"
    ):
        deliver_invitation(db, hugo, lambda _a: object(), now=NOW)
    with pytest.raises(CommunityError, match="autorisation parentale"):
        set_status(db, lea, "accepted", now=NOW)
    record_parental_consent(db, lea, actor="cm", now=NOW)
    set_status(db, lea, "accepted", now=NOW)
    # Hugo's age was mistyped: 18 is in the range, and an adult needs no consent.
    declare_age(db, hugo, 18, actor="cm", now=NOW)
    with pytest.raises(CommunityError, match="mineure"):
        record_parental_consent(db, hugo, actor="cm", now=NOW)
    assert deliver_invitation(db, hugo, lambda _a: object(), now=NOW).via == "manual"
    set_status(db, hugo, "accepted", now=NOW)
    rows = list_invitations(db, event).set_index("id")
    assert rows.loc[lea, "consent_recorded_by"] == "cm"
    assert rows.loc[lea, "status"] == rows.loc[hugo, "status"] == "accepted"
    assert (rows.loc[lea, "is_minor"], rows.loc[hugo, "is_minor"]) == (1, 0)


def test_a_declared_adult_is_never_accepted_to_an_event_for_teenagers(db, example_settings):
    """The reported case: declared "majeure" (no age), then accepted to the Snapmeet ados."""
    save(db, [item("tom", days_ago=1)])
    event = _teen_snapmeet(db, "Snapmeet ados")
    (tom,) = _invite(db, example_settings, event, ["tom"])
    # "Déclarée majeure" without an age, as an earlier version let the page record it.
    db.execute("UPDATE invitations SET is_minor = 0 WHERE id = ?", (tom,))
    with pytest.raises(CommunityError, match="âge déclaré"):
        deliver_invitation(db, tom, lambda _a: None, now=NOW)
    declare_age(db, tom, 34, actor="cm", now=NOW)
    with pytest.raises(CommunityError, match="34 ans"):
        deliver_invitation(db, tom, lambda _a: None, now=NOW)
    assert list(list_invitations(db, event)["status"]) == ["proposed"]


def test_csv_import_refuses_a_row_without_handle(db):
    with pytest.raises(CommunityError, match="ligne 3"):
        import_members_csv(db, "handle,display name\nok,Ok\n,Sans pseudo\n", now=NOW)
    assert db.execute("SELECT count(*) FROM members").fetchone()[0] == 0
    add_member(db, "snapchat", "ok", now=NOW)
    import_members_csv(db, "ok,Nom mis à jour,note\n", now=NOW)
    row = db.execute("SELECT display_name, notes FROM members").fetchone()
    assert tuple(row) == ("Nom mis à jour", "note")


def test_outcome_attendance_and_engagement_after(db, example_settings):
    event_at = NOW - timedelta(days=40)
    # Ana: 1 comment before, 3 after. Ben: 2 before, none after.
    save(db, [item("ana", at=event_at - timedelta(days=3))])
    save(db, [item("ana", at=event_at + timedelta(days=d)) for d in (2, 9, 16)])
    save(db, [item("ben", at=event_at - timedelta(days=d)) for d in (2, 3)])
    event = create_event(db, name="Instameet", kind="instameet", starts_at=event_at, now=event_at)
    ana, ben = _invite(db, example_settings, event, ["ana", "ben"])
    for inv in (ana, ben):
        deliver_invitation(db, inv, lambda _a: None, now=event_at)
        set_status(db, inv, "accepted", now=event_at)
    set_status(db, ana, "attended", now=event_at)
    set_status(db, ben, "attended", now=event_at)
    outcome = event_outcome(db, example_settings, event, NOW, days=30)
    assert outcome.attendance_rate == 1.0 and outcome.complete
    per = outcome.per_attendee.set_index("person")
    assert per.loc[member_id(db, "ana"), "n_before"] == 1
    assert per.loc[member_id(db, "ana"), "n_after"] == 3
    assert per.loc[member_id(db, "ben"), "n_after"] == 0
    assert outcome.engaged_more == 1


def test_invitation_sent_as_dm_through_the_simulated_city(tmp_path):
    from beffroi.collectors.sandbox import SandboxCollector
    from beffroi.scheduler.collection import collect_all
    from tests.city_config import open_simulated_city

    settings, conn = open_simulated_city(tmp_path / "beffroi.db", citizens=10, history_days=7)
    collectors = {
        a.key: SandboxCollector.for_account(settings, a, now=lambda: NOW) for a in settings.accounts
    }
    collect_all(conn, collectors.values(), now=lambda: NOW)
    row = conn.execute(
        "SELECT member_id, account FROM items WHERE kind = 'dm' AND direction = 'in' "
        "ORDER BY created_at DESC LIMIT 1"
    ).fetchone()
    assert row is not None, "the simulated city should have DMs"
    event = create_event(conn, name="Instameet", kind="instameet", starts_at=NOW, now=NOW)
    (inv,) = propose_invitations(
        conn, event, draft_messages(conn, settings, event, [row["member_id"]]), now=NOW
    )
    # A network failure is recorded on the invitation, which stays proposed for a retry.
    collectors[row["account"]].state.inject_failure(row["account"], "reply", "transient")
    failed = deliver_invitation(conn, inv, collectors.get, actor="cm", now=NOW)
    assert failed.error and "simulated transient" in failed.error
    assert list_invitations(conn, event).iloc[0]["status"] == "proposed"
    delivery = deliver_invitation(conn, inv, collectors.get, actor="cm", now=NOW)
    assert delivery.via == "dm" and delivery.error is None
    assert list_invitations(conn, event).iloc[0]["send_error"] is None
    sent = conn.execute(
        "SELECT i.kind, i.direction, i.text, i.account FROM invitations v "
        "JOIN items i ON i.id = v.dm_item_id WHERE v.id = ?",
        (inv,),
    ).fetchone()
    assert (sent["kind"], sent["direction"], sent["account"]) == ("dm", "out", row["account"])
    assert sent["text"].startswith("Bonjour") and "Instameet" in sent["text"]
    assert list_invitations(conn, event).iloc[0]["status"] == "invited"
    # The simulated network now holds the city's message in the member's conversation.
    on_network = collectors[row["account"]].state.message(
        conn.execute(
            "SELECT external_id FROM items WHERE id = (SELECT dm_item_id FROM invitations WHERE id = ?)",
            (inv,),
        ).fetchone()[0]
    )
    assert on_network is not None and on_network["direction"] == "out"
    conn.close()


def test_a_dm_a_collection_stored_first_is_still_the_invitations_dm(db):
    """The sent DM may already be in the database (a collection ran between the send and
    its record): the invitation still points at it, and both change in one transaction."""
    from beffroi.store.community import record_invitation_sent

    save(db, [item("ana", "dm", days_ago=1)])
    event = create_event(db, name="Instameet", kind="instameet", starts_at=NOW, now=NOW)
    (inv,) = propose_invitations(db, event, {member_id(db, "ana"): "Bonjour Ana"}, now=NOW)
    sent = item(None, "dm", direction="out", account="instagram_ville", external_id="ig-dm-9")
    save(db, [sent])  # the collection got there first
    record_invitation_sent(db, inv, "instagram_ville", sent, actor="cm", now=NOW)
    row = db.execute(
        "SELECT v.status, i.external_id FROM invitations v JOIN items i ON i.id = v.dm_item_id"
    ).fetchone()
    assert tuple(row) == ("invited", "ig-dm-9")
    with pytest.raises(CommunityError, match="impossible"):
        record_invitation_sent(db, inv, "instagram_ville", sent, actor="cm", now=NOW)
    assert db.execute("SELECT count(*) FROM items WHERE external_id = 'ig-dm-9'").fetchone()[0] == 1


def test_the_same_event_twice_is_refused_and_moves_are_said_in_french(db, example_settings):
    """A double click on "Créer" made two identical events; a refused move named the
    internal states (« proposed » → « accepted »)."""
    when = NOW + timedelta(days=9)
    create_event(db, name="Instameet du parc", kind="instameet", starts_at=when, now=NOW)
    with pytest.raises(CommunityError, match="existe déjà"):
        create_event(db, name=" Instameet du parc ", kind="instameet", starts_at=when, now=NOW)
    assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 1
    save(db, [item("zoe", days_ago=1)])
    event = db.execute("SELECT id FROM events").fetchone()[0]
    (inv,) = _invite(db, example_settings, event, ["zoe"])
    with pytest.raises(CommunityError) as refused:
        set_status(db, inv, "accepted", now=NOW)
    assert str(refused.value) == "passage impossible de « proposée » à « acceptée »"


def test_the_invitation_text_can_be_edited_until_it_leaves(db, example_settings):
    save(db, [item("zoe", days_ago=1)])
    event = create_event(
        db, name="Afterwork", kind="afterwork", starts_at=NOW + timedelta(days=3), now=NOW
    )
    (inv,) = _invite(db, example_settings, event, ["zoe"])
    set_invitation_message(db, inv, "Bonjour Zoé, venez jeudi !", actor="cm", now=NOW)
    delivery = deliver_invitation(db, inv, lambda _a: None, now=NOW)
    assert delivery.message == "Bonjour Zoé, venez jeudi !"
    with pytest.raises(CommunityError, match="déjà partie"):
        set_invitation_message(db, inv, "Trop tard", actor="cm", now=NOW)
    with pytest.raises(CommunityError, match="vide"):
        set_invitation_message(db, inv, "  ", actor="cm", now=NOW)
