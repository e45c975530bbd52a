"""A send left marked by a crash: released only after the collector's timeout, and only once
the network was asked whether the reply went out; a person decides where it cannot tell.

The crash is real in effect: the claim is taken (``claim_send``) and the process that took it
never records the outcome, with or without the network having received the reply.
"""

from __future__ import annotations

import json
import tomllib
from datetime import timedelta

import pytest

from beffroi import inbox
from beffroi.collectors.sandbox import SandboxCollector
from beffroi.config import example_config_path, settings_from_dict
from beffroi.inbox.replying import SEND_MARGIN, send_timeout
from beffroi.sandbox import SandboxNetwork, sandbox_config, state_path
from beffroi.store import connect, now_utc, sync_accounts
from beffroi.store.community import CommunityError, create_event, propose_invitations
from beffroi.store.queue import SENDING, claim_send
from tests.inbox.helpers import add_managers
from tests.inbox.test_send_race import collect, member_with_a_dm, new_questions

TEXT = "Bonjour, le marché ouvre à 10 h."


def make_city(tmp_path, trust: bool = True):
    data = tomllib.loads(example_config_path().read_text(encoding="utf-8"))
    data = sandbox_config(data, tmp_path / "beffroi.db", citizens=10, history_days=1)
    data["scheduler"] = {**data.get("scheduler", {}), "trust_network_absence": trust}
    settings = settings_from_dict(data)
    conn = connect(settings.database_path)
    sync_accounts(conn, settings)
    add_managers(conn, "alice", "bruno")
    collect(conn, settings)
    return settings, conn, SandboxNetwork(state_path(settings.database_path))


@pytest.fixture
def city(tmp_path):
    settings, conn, network = make_city(tmp_path)
    yield settings, conn, network
    network.close()
    conn.close()


def collector(settings):
    return SandboxCollector.for_account(settings, settings.account("x_ville"))


def replies(network, ext):
    return network.conn.execute(
        "SELECT external_id, text FROM messages WHERE parent = ? AND origin = 'api'", (ext,)
    ).fetchall()


def past_the_timeout(settings, since):
    return since + timedelta(seconds=send_timeout(collector(settings))) + SEND_MARGIN


def crashed_send(settings, conn, network, *, reached_network: bool):
    """Manager A claimed the send; the network got the reply (or not); A's process died."""
    ((ext, qid),) = new_questions(settings, conn, network, 1)
    claimed = now_utc()
    claim_send(conn, qid, TEXT, actor="alice", now=claimed)
    if reached_network:
        collector(settings).reply(inbox.replying.item_for_queue(conn, qid), TEXT)
    return ext, qid, claimed


def audit(conn, qid):
    return [
        (r[0], r[1], json.loads(r[2]) if r[2] else None)
        for r in conn.execute(
            "SELECT actor, action, detail FROM audit WHERE target_kind = 'queue' "
            "AND target_id = ? ORDER BY id",
            (str(qid),),
        )
    ]


def test_a_young_send_is_never_released(city):
    settings, conn, network = city
    ext, qid, claimed = crashed_send(settings, conn, network, reached_network=False)
    limit = past_the_timeout(settings, claimed)
    with pytest.raises(inbox.QueueError, match=r"^Un envoi est en cours depuis 5 s : attendez"):
        inbox.release_stuck_send(
            conn, settings, qid, actor="bruno", now=claimed + timedelta(seconds=5)
        )
    with pytest.raises(inbox.QueueError, match="attendez encore 1 s"):
        inbox.release_stuck_send(
            conn, settings, qid, actor="bruno", now=limit - timedelta(seconds=1)
        )
    for refused in (
        lambda: inbox.close(conn, qid, "spam", actor="bruno"),
        lambda: inbox.assign(conn, qid, "bruno", actor="bruno"),
        lambda: inbox.save_draft(conn, qid, "autre texte", actor="bruno"),
        lambda: inbox.escalate(conn, settings, qid, "voirie", actor="bruno"),
    ):
        with pytest.raises(inbox.QueueError, match=f"^{SENDING}$"):
            refused()
    assert inbox.close_many(conn, [qid], "spam", actor="bruno") == 0
    row = conn.execute("SELECT status, sending_by, reply_draft FROM queue WHERE id = ?", (qid,))
    assert tuple(row.fetchone()) == ("new", "alice", TEXT)
    assert replies(network, ext) == []


def test_a_reply_the_network_received_is_recorded_not_sent_again(city):
    settings, conn, network = city
    ext, qid, claimed = crashed_send(settings, conn, network, reached_network=True)
    check = inbox.release_stuck_send(
        conn, settings, qid, actor="bruno", now=past_the_timeout(settings, claimed)
    )
    assert (check.outcome, check.message) == ("found", inbox.replying.SENT_FOUND)
    (reply,) = replies(network, ext)
    row = conn.execute(
        "SELECT q.status, q.replied_by, q.sending_since, i.external_id FROM queue q "
        "JOIN items i ON i.id = q.reply_item_id WHERE q.id = ?",
        (qid,),
    ).fetchone()
    assert tuple(row) == ("replied", "alice", None, reply["external_id"])
    with pytest.raises(inbox.QueueError, match="déjà reçu une réponse"):
        inbox.send_reply(conn, settings, qid, TEXT, actor="bruno")
    actions = [(actor, action) for actor, action, _ in audit(conn, qid)]
    # Bruno's refused text is kept for him (issue 14: nothing lost), after the settled send.
    assert actions[-3:] == [
        ("alice", "reply"),
        ("bruno", "send_found"),
        ("bruno", "reply_collision"),
    ]
    assert audit(conn, qid)[-2][2]["network"] == f"réponse retrouvée : {reply['external_id']}"


def test_a_reply_the_network_never_received_frees_the_item(city):
    settings, conn, network = city
    ext, qid, claimed = crashed_send(settings, conn, network, reached_network=False)
    checked = past_the_timeout(settings, claimed)
    check = inbox.release_stuck_send(conn, settings, qid, actor="bruno", now=checked)
    assert check.outcome == "absent"
    row = conn.execute("SELECT status, sending_since, reply_draft FROM queue WHERE id = ?", (qid,))
    assert tuple(row.fetchone()) == ("new", None, TEXT)  # the draft is kept
    _, action, facts = audit(conn, qid)[-1]
    assert action == "release_send"
    assert facts["network"] == "le réseau confirme n'avoir reçu aucune réponse"
    assert facts["claimed_by"] == "alice" and facts["checked_by"] == "bruno"
    inbox.send_reply(conn, settings, qid, TEXT, actor="bruno")
    assert len(replies(network, ext)) == 1


@pytest.mark.parametrize("went_out", [True, False], ids=["it-went-out", "it-did-not"])
def test_when_the_network_cannot_tell_a_person_decides(tmp_path, went_out):
    settings, conn, network = make_city(tmp_path, trust=False)
    ext, qid, claimed = crashed_send(settings, conn, network, reached_network=went_out)
    if went_out:  # the network's answer must not matter here: the person decides on it
        network.conn.execute("UPDATE messages SET text = 'autre' WHERE parent = ?", (ext,))
    with pytest.raises(inbox.QueueError, match="Vérifiez d'abord l'envoi"):
        inbox.resolve_stuck_send(conn, settings, qid, went_out, actor="bruno")
    check = inbox.release_stuck_send(
        conn, settings, qid, actor="bruno", now=past_the_timeout(settings, claimed)
    )
    assert (check.outcome, check.message) == ("unknown", inbox.replying.SENT_UNKNOWN)
    row = conn.execute("SELECT sending_by, send_check FROM queue WHERE id = ?", (qid,)).fetchone()
    assert row["sending_by"] == "alice"
    assert json.loads(row["send_check"])["network"] == (
        "réponse introuvable, mais le réseau ne voit pas tout"
    )
    with pytest.raises(inbox.QueueError, match="déjà en cours d'envoi"):
        inbox.send_reply(conn, settings, qid, TEXT, actor="bruno")
    inbox.resolve_stuck_send(conn, settings, qid, went_out, actor="bruno")
    row = conn.execute(
        "SELECT status, replied_by, sending_since, send_check FROM queue WHERE id = ?", (qid,)
    ).fetchone()
    if went_out:
        assert tuple(row) == ("replied", "alice", None, None)
        assert audit(conn, qid)[-1][:2] == ("bruno", "send_resolved")
    else:
        assert tuple(row) == ("new", None, None, None)
        assert audit(conn, qid)[-1][2]["went_out"] is False
    network.close()
    conn.close()


def test_a_stuck_invitation_is_settled_by_the_network(city):
    from beffroi.store.community import claim_invitation_send

    settings, conn, network = city
    member = member_with_a_dm(settings, conn, network)
    event = create_event(conn, name="Balade", kind="instameet", starts_at=now_utc() + timedelta(9))
    (found,) = propose_invitations(conn, event, {member: "Venez samedi !"})
    claimed = now_utc()
    claim_invitation_send(conn, found, actor="alice", now=claimed)
    own = collector(settings)
    dm_to = conn.execute(
        "SELECT id FROM items WHERE member_id = ? AND kind = 'dm' AND direction = 'in' "
        "ORDER BY created_at DESC LIMIT 1",
        (member,),
    ).fetchone()[0]
    own.reply(inbox.replying.stored_item(conn, dm_to), "Venez samedi !")  # then the crash
    with pytest.raises(CommunityError, match="^Cette invitation est déjà en cours d'envoi.$"):
        inbox.deliver_invitation(conn, found, lambda _a: own, actor="bruno")
    check = inbox.release_stuck_invitation(
        conn, found, lambda _a: own, actor="bruno", now=past_the_timeout(settings, claimed)
    )
    assert check.outcome == "found"
    status = conn.execute("SELECT status, sent_via, sending_since FROM invitations WHERE id = ?",
                          (found,)).fetchone()  # fmt: skip
    assert tuple(status) == ("invited", "dm", None)
    sent = network.conn.execute(
        "SELECT count(*) FROM messages WHERE origin = 'api' AND text = 'Venez samedi !'"
    ).fetchone()[0]
    assert sent == 1
