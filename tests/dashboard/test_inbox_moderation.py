"""The Inbox's "Masquer sur le réseau" / "Réafficher" through Streamlit's AppTest, on a real
database, with Facebook's Graph API answered by ``responses`` (answers written from the
Comment node's documentation: ``{"success": true}``)."""

from __future__ import annotations

import responses

from tests.collectors.graph_http import GRAPH, form
from tests.inbox.helpers import app, button, fb_comment, ingest, ingest_fb, later, message, texts


def audit(db):
    return [
        (r["actor"], r["action"])
        for r in db.execute(
            "SELECT actor, action FROM audit WHERE action LIKE 'network_%' ORDER BY id"
        )
    ]


def test_a_manager_hides_then_shows_again_a_facebook_comment(db, example_settings, monkeypatch):
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", "EAAB-page-token-for-tests")
    ingest_fb(db, example_settings, fb_comment("5001_42", "Le marché est ouvert dimanche ?"))
    with responses.RequestsMock() as rsps:
        rsps.post(GRAPH + "5001_42", json={"success": True})
        rsps.post(GRAPH + "5001_42", json={"success": True})
        at = app(db, example_settings, later(5))
        button(at, "Masquer sur le réseau").click().run()
        assert not at.exception
        assert "Message masqué sur le réseau." in texts(at)
        assert "Masqué sur le réseau —" in texts(at) and "(demandé par alice)" in texts(at)
        button(at, "Réafficher").click().run()
        assert "Message réaffiché sur le réseau." in texts(at)
        assert [form(c)["is_hidden"] for c in rsps.calls] == ["true", "false"]
    assert audit(db) == [
        ("alice", "network_hide_requested"),
        ("alice", "network_hide_done"),
        ("alice", "network_unhide_requested"),
        ("alice", "network_unhide_done"),
    ]


def test_a_refusal_is_shown_in_french_and_kept_in_the_audit(db, example_settings):
    # No token in the environment: Facebook cannot be asked; the manager reads why.
    ingest_fb(db, example_settings, fb_comment("5001_43", "Le marché est ouvert dimanche ?"))
    at = app(db, example_settings, later(5))
    button(at, "Masquer sur le réseau").click().run()
    assert not at.exception
    assert "L'action n'a pas abouti :" in [e.value for e in at.error]
    assert "Facebook refuse l'accès du compte de la ville" in texts(at)
    assert audit(db) == [("alice", "network_hide_requested"), ("alice", "network_hide_failed")]


def test_no_button_where_the_network_cannot_hide_and_none_for_directors(db, example_settings):
    ingest(db, example_settings, message("m1", "@villedemarcq le marché est ouvert dimanche ?"))
    at = app(db, example_settings, later(5))
    assert "X ne permet de masquer que les réponses" in "".join(c.value for c in at.caption)
    assert not [b for b in at.button if b.label == "Masquer sur le réseau"]
    ingest_fb(db, example_settings, fb_comment("5001_44", "Le marché est ouvert samedi ?"))
    at = app(db, example_settings, later(5), username="dora", role="director")
    assert not [b for b in at.button if b.label == "Masquer sur le réseau"]


def test_a_failed_unhide_leaves_the_comment_hidden_and_offers_to_try_again(
    db, example_settings, monkeypatch
):
    monkeypatch.setenv("BEFFROI_META_PAGE_TOKEN", "EAAB-page-token-for-tests")
    ingest_fb(db, example_settings, fb_comment("5001_45", "Le marché est ouvert dimanche ?"))
    with responses.RequestsMock() as rsps:
        rsps.post(GRAPH + "5001_45", json={"success": True})
        rsps.post(GRAPH + "5001_45", json={"error": {"message": "boom", "code": 100}}, status=400)
        at = app(db, example_settings, later(5))
        button(at, "Masquer sur le réseau").click().run()
        button(at, "Réafficher").click().run()
        assert "Facebook a refusé le réaffichage de ce message." in texts(at)
        assert "Le réaffichage a échoué —" in texts(at)
        assert [
            b.label for b in at.button if b.label in ("Réafficher", "Masquer sur le réseau")
        ] == ["Réafficher"]
