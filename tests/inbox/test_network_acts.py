"""Acts on the network from the inbox on the simulated city: a real SQLite network that the
collector writes, the queue's real database, every act audited on the message's history."""

from __future__ import annotations

import pytest

from beffroi.inbox import QueueError, act_on_network, describe_event, history, send_reply
from tests.inbox.helpers import queue_row
from tests.inbox.test_full_cycle import city, city_replies, new_mention  # noqa: F401 (fixture)


def _member(conn, ext):
    return conn.execute(
        "SELECT m.* FROM members m JOIN items i ON i.member_id = m.id WHERE i.external_id = ?",
        (ext,),
    ).fetchone()


def test_delete_like_mute_and_block_reach_the_simulated_network(city):  # noqa: F811
    settings, conn, network = city
    ext = new_mention(settings, conn, network)  # on the simulated X
    qid = queue_row(conn, ext)["id"]
    with pytest.raises(QueueError, match="pas encore répondu"):
        act_on_network(conn, settings, qid, "delete_reply", actor="alice")
    send_reply(conn, settings, qid, "Bonjour, de 10 h à 20 h.", actor="alice")
    assert len(city_replies(network, ext)) == 1

    said = act_on_network(conn, settings, qid, "delete_reply", actor="alice")
    assert said == "Réponse de la ville supprimée sur le réseau."
    assert city_replies(network, ext) == []
    act_on_network(conn, settings, qid, "like", actor="alice")
    act_on_network(conn, settings, qid, "mute", actor="alice")
    author = _member(conn, ext)["external_id"]
    assert network.acts("x_ville") == {("like", ext), ("mute", author)}
    # X keeps blocking to its Enterprise offer: said, nothing done, nothing flagged.
    with pytest.raises(QueueError, match="Enterprise"):
        act_on_network(conn, settings, qid, "block", actor="alice")
    assert not _member(conn, ext)["is_blocked"]

    acts = [e for e in history(conn, qid) if e["action"].startswith("act_")]
    assert [e["action"] for e in acts] == ["act_delete_reply", "act_like", "act_mute"]
    assert describe_event(acts[0], {"alice": "Alice Martin"}, {}) == (
        "Alice Martin",
        "Réponse de la ville supprimée sur le réseau",
        "X",
    )


def test_a_block_where_the_network_allows_it_flags_the_member(city):  # noqa: F811
    settings, conn, network = city
    ext = network.post_citizen_message(
        "facebook_ville", "comment", "Vous êtes nuls", handle="troll59"
    )
    from tests.inbox.test_full_cycle import collect

    collect(conn, settings)
    qid = queue_row(conn, ext)["id"]
    act_on_network(conn, settings, qid, "block", actor="alice")
    assert ("block", _member(conn, ext)["external_id"]) in network.acts("facebook_ville")
    assert _member(conn, ext)["is_blocked"] == 1
    with pytest.raises(QueueError, match="sourdine"):
        act_on_network(conn, settings, qid, "mute", actor="alice")


def test_a_refusal_of_the_network_is_said_and_audited(city):  # noqa: F811
    settings, conn, network = city
    ext = new_mention(settings, conn, network)
    qid = queue_row(conn, ext)["id"]
    network.inject_failure("x_ville", "like", "auth_expired")
    with pytest.raises(QueueError, match="refuse l'accès du compte de la ville"):
        act_on_network(conn, settings, qid, "like", actor="alice")
    assert network.acts("x_ville") == set()
    [failed] = [e for e in history(conn, qid) if e["action"] == "act_failed"]
    who, what, detail = describe_event(failed, {}, {})
    assert what == "Action sur le réseau refusée"
    assert detail.startswith("« j'aime », X, ")
