"""Rules that moderate: the engine on its own, then applied at ingestion on a real SQLite
file (whole rows read back with sqlite_utils), the network hide performed after the page's
transaction through the simulated city, retries, audit and undo."""

from __future__ import annotations

import json

import pytest
import sqlite_utils

from beffroi.collectors import Author, Page
from beffroi.inbox import (
    Rule,
    RuleError,
    after_ingestion,
    clean_rule,
    explain,
    ingest_hooks,
    ingest_page,
    list_hits,
    perform_network_actions,
    save_rule,
    set_rule_enabled,
    undo_moderation,
)
from beffroi.inbox.moderation import Subject
from beffroi.sandbox import SandboxNetwork
from tests.inbox.helpers import MONDAY_9, fb_comment, ingest_fb, later, message, queue_row


def rule(conditions, actions=None, name="r") -> Rule:
    return clean_rule(name, conditions, actions or {"label": "vu"})


def sub(text, network="facebook", kind="comment", **kw) -> Subject:
    return Subject(text, network, kind, **kw)


# ---------------------------------------------------------------- the engine


@pytest.mark.parametrize(
    "text",
    [
        "Appelez-moi au 06 12 34 56 78 svp",
        "mon numéro : 06.12.34.56.78",
        "+33 6 12 34 56 78 pour le vide-grenier",
        "écrivez à camille.durand@exemple.fr",
    ],
)
def test_contact_details_in_a_public_comment_are_found_and_masked_in_the_reason(text):
    why = explain(rule({"contact": True, "public_only": True}), sub(text))
    assert why is not None and why[0] == "message public"
    # The reason says what was found without publishing the number or address again.
    assert "…" in why[1], why
    assert "12 34" not in why[1] and "12.34" not in why[1] and "durand@" not in why[1]


def test_contact_rule_leaves_dates_prices_private_messages_and_handles_alone():
    r = rule({"contact": True, "public_only": True})
    for text in ("Rendez-vous le 12/06/2026 à 14h", "Prix : 1 250 €", "Merci @camille_d !"):
        assert explain(r, sub(text)) is None, text
    assert explain(r, sub("06 12 34 56 78", kind="dm")) is None


def test_each_condition_fires_and_says_why():
    cases = [
        (
            {"keywords": ["dépôt sauvage"]},
            "Encore un DEPOT SAUVAGE rue Foch",
            "contient « depot sauvage »",
        ),
        (
            {"lemmas": ["poubelle déborder"]},
            "Les poubelles débordent rue Foch",
            "lemme « poubelle deborder »",
        ),
        ({"link": True}, "voir bit.ly/abc123 !!", "contient un lien (bit.ly/abc123"),
        ({"emoji_only": True}, "👏👏 ❤️", "ne contient que des émojis"),
        ({"min_length": 20}, "x" * 25, "25 caractères (au moins 20)"),
        ({"max_length": 3}, "ok", "2 caractères (au plus 3)"),
        ({"authors": ["@Troll59"], "min_length": 1}, "bonjour", "liste de surveillance (@troll59)"),
        ({"themes": ["propreté"]}, "sale", "thème propreté"),
        ({"tones": ["negative"]}, "nul", "ton négatif"),
    ]
    for conditions, text, expected in cases:
        why = explain(
            rule(conditions), sub(text, author="troll59", theme="propreté", tone="negative")
        )
        assert why is not None and expected in "; ".join(why), (conditions, why)
    # All conditions must hold: the right words on the wrong network do nothing.
    both = rule({"keywords": ["nul"], "networks": ["x"]})
    assert explain(both, sub("nul", network="facebook")) is None
    assert explain(both, sub("nul", network="x")) == ["publié sur X", "contient « nul »"]


def test_a_rule_that_would_catch_everything_or_do_nothing_is_refused_in_french():
    with pytest.raises(RuleError, match="regarder le contenu"):
        clean_rule("tout", {"networks": ["x"]}, {"hide": True})
    with pytest.raises(RuleError, match="au moins une action"):
        clean_rule("rien", {"keywords": ["x"]}, {})
    with pytest.raises(RuleError, match="Adresse d'alerte invalide"):
        clean_rule("a", {"keywords": ["x"]}, {"alert_email": "pas-une-adresse"})


# ---------------------------------------------------------------- at ingestion


def builtin_rule_id(db) -> int:
    return db.execute(
        "SELECT id FROM moderation_rules WHERE builtin = 'hide_contact_details'"
    ).fetchone()[0]


def test_the_builtin_contact_rule_ships_switched_off(db, example_settings):
    ingest_fb(db, example_settings, fb_comment("c1", "Mon 06 12 34 56 78 pour le covoiturage"))
    assert db.execute("SELECT count(*) FROM moderation_hits").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM network_actions").fetchone()[0] == 0


def test_a_rule_acts_in_the_page_transaction_and_queues_the_hide_for_after(db, example_settings):
    set_rule_enabled(db, builtin_rule_id(db), True, actor="admin", now=MONDAY_9)
    rid = save_rule(
        db,
        None,
        "Insultes",
        {"keywords": ["incapables"]},
        {"priority": "high", "assign_to": "alice", "label": "insulte"},
        actor="admin",
        now=MONDAY_9,
    )
    set_rule_enabled(db, rid, True, actor="admin", now=MONDAY_9)
    ingest_fb(
        db,
        example_settings,
        fb_comment("c1", "Appelez-moi au 06 12 34 56 78 pour la brocante"),
        fb_comment("c2", "Bande d'incapables, la chaussée est lamentable !"),
        fb_comment("c3", "Belle journée au parc"),
    )
    rows = sqlite_utils.Database(db)
    q1, q2 = queue_row(db, "c1"), queue_row(db, "c2")
    hits = list(rows["moderation_hits"].rows_where(order_by="id"))
    for hit in hits:
        hit.pop("id")
    assert hits == [
        {
            "rule_id": builtin_rule_id(db),
            "rule_name": (
                "Masquer un numéro de téléphone ou une adresse e-mail publiés dans un "
                "commentaire public"
            ),
            "queue_id": q1["id"],
            "item_id": q1["item_id"],
            "actions": json.dumps(
                {"hide": True, "label": "coordonnées publiées"}, ensure_ascii=False, sort_keys=True
            ),
            "why": "message public; contient un numéro de téléphone (06 … 78)",
            "alert_to": None,
            "alerted_at": None,
            "at": "2026-11-30 08:00:00",
            "undone_at": None,
            "undone_by": None,
        },
        {
            "rule_id": rid,
            "rule_name": "Insultes",
            "queue_id": q2["id"],
            "item_id": q2["item_id"],
            "actions": json.dumps(
                # triage had already ranked the complaint high: only what changed is kept
                {"assign_to": "alice", "label": "insulte"},
                ensure_ascii=False,
                sort_keys=True,
            ),
            "why": "contient « incapables »",
            "alert_to": None,
            "alerted_at": None,
            "at": "2026-11-30 08:00:00",
            "undone_at": None,
            "undone_by": None,
        },
    ]
    assert (q2["priority"], q2["assignee"], q2["status"]) == ("high", "alice", "assigned")
    assert list(rows["queue_labels"].rows_where(select="queue_id, label, added_by")) == [
        {"queue_id": q1["id"], "label": "coordonnées publiées", "added_by": "modération"},
        {"queue_id": q2["id"], "label": "insulte", "added_by": "modération"},
    ]
    # The hide is only queued: no network was called inside the transaction.
    [action] = rows["network_actions"].rows
    assert {k: action[k] for k in ("item_id", "action", "status", "requested_by", "attempts")} == {
        "item_id": q1["item_id"],
        "action": "hide",
        "status": "pending",
        "requested_by": "modération",
        "attempts": 0,
    }
    audit = db.execute(
        "SELECT actor, action, target_id FROM audit WHERE action = 'moderation_rule_applied' "
        "ORDER BY id"
    ).fetchall()
    assert [tuple(a) for a in audit] == [
        ("modération", "moderation_rule_applied", str(q1["id"])),
        ("modération", "moderation_rule_applied", str(q2["id"])),
    ]


def test_a_rule_raising_rolls_the_whole_page_back(db, example_settings):
    rid = save_rule(db, None, "r", {"keywords": ["x"]}, {"label": "x"}, actor="a", now=MONDAY_9)
    set_rule_enabled(db, rid, True, actor="a", now=MONDAY_9)
    db.execute("UPDATE moderation_rules SET conditions = 'not json' WHERE id = ?", (rid,))
    with pytest.raises(json.JSONDecodeError):
        ingest_fb(db, example_settings, fb_comment("c1", "x"))
    assert db.execute("SELECT count(*) FROM items").fetchone()[0] == 0


# ---------------------------------------------------------------- after the transaction


@pytest.fixture
def city(tmp_path, example_settings):
    """A simulated Facebook account holding the citizen's comment the rule will hide."""
    from beffroi.collectors.sandbox import SandboxCollector

    state = SandboxNetwork(tmp_path / "city.sandbox.sqlite")
    collector = SandboxCollector(state, "facebook_ville", "facebook", now=lambda: MONDAY_9)
    with state._write():
        state._insert(
            [
                {
                    "external_id": "c1",
                    "account": "facebook_ville",
                    "network": "facebook",
                    "stream": "comments",
                    "kind": "comment",
                    "direction": "in",
                    "text": "Appelez-moi au 06 12 34 56 78",
                    "created_at": "2026-11-30 08:00:00",
                    "origin": "test",
                }
            ]
        )
    yield state, collector
    state.close()


def test_the_hide_is_performed_after_with_retries_and_undone_on_request(db, example_settings, city):
    state, collector = city
    set_rule_enabled(db, builtin_rule_id(db), True, actor="admin", now=MONDAY_9)
    ingest_fb(db, example_settings, fb_comment("c1", "Appelez-moi au 06 12 34 56 78"))
    qid = queue_row(db, "c1")["id"]
    collectors = {"facebook_ville": collector}

    state.inject_failure("facebook_ville", "hide", "transient")
    first = perform_network_actions(db, example_settings, later(1), collectors=collectors)
    assert (first.retried, first.done) == (1, 0)
    assert "Facebook ne répond pas pour l'instant" in first.messages[0]
    assert not state.is_hidden("c1")
    # Not due yet: nothing is tried before the retry time.
    assert (
        perform_network_actions(db, example_settings, later(1), collectors=collectors).messages
        == []
    )
    second = perform_network_actions(db, example_settings, later(3), collectors=collectors)
    assert second.done == 1 and state.is_hidden("c1")
    action = db.execute("SELECT status, attempts, done_at FROM network_actions").fetchone()
    assert tuple(action) == ("done", 2, "2026-11-30 08:03:00")

    [hit] = list_hits(db)
    assert hit["network_status"] == "done" and hit["network_action"] == "hide"
    outcome = undo_moderation(
        db, example_settings, hit["id"], actor="admin", collector=collector, now=later(10)
    )
    assert outcome == "Annulé : étiquette retirée. Message réaffiché sur le réseau."
    assert not state.is_hidden("c1")
    history = [
        (r["actor"], r["action"])
        for r in db.execute(
            "SELECT actor, action FROM audit WHERE target_kind = 'queue' AND target_id = ? "
            "ORDER BY id",
            (str(qid),),
        )
    ]
    assert history == [
        ("modération", "moderation_rule_applied"),
        ("modération", "network_hide_pending"),
        ("modération", "network_hide_done"),
        ("admin", "moderation_undone"),
        ("admin", "network_unhide_done"),
    ]
    with pytest.raises(Exception, match="déjà été annulée par admin"):
        undo_moderation(db, example_settings, hit["id"], actor="bob", collector=collector)


def test_a_rule_that_closes_is_undone_by_reopening(db, example_settings):
    rid = save_rule(
        db, None, "Pubs", {"link": True}, {"close_reason": "spam"}, actor="a", now=MONDAY_9
    )
    set_rule_enabled(db, rid, True, actor="a", now=MONDAY_9)
    ingest_fb(
        db, example_settings, fb_comment("c9", "Le marché est ouvert dimanche ? www.pub-x.fr")
    )
    row = queue_row(db, "c9")
    assert (row["status"], row["closed_reason"], row["closed_by"]) == (
        "closed",
        "spam",
        "modération",
    )
    [hit] = list_hits(db)
    assert undo_moderation(db, example_settings, hit["id"], actor="cm", now=later(2)) == (
        "Annulé : message rouvert."
    )
    assert queue_row(db, "c9")["status"] == "new"


def test_unsupported_networks_are_recorded_with_the_french_reason(db, example_settings):
    rid = save_rule(db, None, "r", {"keywords": ["nul"]}, {"hide": True}, actor="a", now=MONDAY_9)
    set_rule_enabled(db, rid, True, actor="a", now=MONDAY_9)
    ingest_page(
        db,
        "x_ville",
        "mentions",
        Page([message("m1", "@villedemarcq nul", kind="mention")], None),
        hooks=ingest_hooks(example_settings),
        now=MONDAY_9,
    )
    [hit] = list_hits(db)
    assert hit["actions"]["hide_impossible"].startswith("X ne permet de masquer que les réponses")
    assert db.execute("SELECT count(*) FROM network_actions").fetchone()[0] == 0


def test_an_alert_rule_mails_once_after_the_page_through_a_real_smtp_server(
    db, example_settings, smtp_server
):
    from tests.inbox.helpers import with_smtp

    settings = with_smtp(example_settings, smtp_server)
    _, _, received = smtp_server
    rid = save_rule(
        db,
        None,
        "Menaces",
        {"lemmas": ["brûler"]},
        {"alert_email": "cabinet@marcq.test", "priority": "urgent"},
        actor="admin",
        now=MONDAY_9,
    )
    set_rule_enabled(db, rid, True, actor="admin", now=MONDAY_9)
    ingest_fb(db, settings, fb_comment("c7", "Je vais brûler la mairie"))
    assert received == []  # nothing leaves during the page's transaction
    line = after_ingestion(db, settings, later(1))
    assert (
        line
        == "modération : 0 fait(s), 0 à réessayer, 0 en échec, 0 impossible(s), 1 alerte(s) envoyée(s)"
    )
    [mail] = received
    assert mail["To"] == "cabinet@marcq.test"
    assert mail["Subject"] == "[Beffroi] Modération : Menaces"
    body = mail.get_content()
    assert "« Je vais brûler la mairie »" in body and "contient le lemme « bruler »" in body
    assert after_ingestion(db, settings, later(2)) is None
    # Triage thought the threat needed no reply; the rule asks for a person: it is open.
    row = queue_row(db, "c7")
    assert (row["status"], row["priority"], row["closed_reason"]) == ("new", "urgent", None)
    [hit] = list_hits(db)
    assert hit["actions"] == {"priority": ["low", "urgent"], "reopened": True}
    assert undo_moderation(db, settings, hit["id"], actor="admin", now=later(5)) == (
        "Annulé : message reclos comme sans réponse nécessaire, priorité remise."
    )
    row = queue_row(db, "c7")
    assert (row["status"], row["priority"], row["closed_by"]) == ("closed", "low", "triage")


def test_what_a_rule_did_reads_as_french():
    from beffroi.inbox import describe_actions, describe_conditions

    assert describe_actions({"priority": ["low", "urgent"], "reopened": True, "hide": True}) == (
        "rouvrir, masquer sur le réseau, priorité urgente"
    )
    assert describe_conditions({"contact": True, "public_only": True, "networks": ["x"]}) == (
        "contient un numéro de téléphone ou une adresse e-mail ; sur X ; message public"
    )


def test_undoing_a_hide_not_performed_yet_cancels_it(db, example_settings):
    set_rule_enabled(db, builtin_rule_id(db), True, actor="admin", now=MONDAY_9)
    ingest_fb(db, example_settings, fb_comment("c1", "mon mail : camille@exemple.fr"))
    [hit] = list_hits(db)
    assert undo_moderation(db, example_settings, hit["id"], actor="cm", now=later(1)) == (
        "Annulé : étiquette retirée, masquage annulé avant d'être fait."
    )
    assert [tuple(r) for r in db.execute("SELECT action, status FROM network_actions")] == [
        ("hide", "cancelled")
    ]
    # Nothing is left for the network: no call, not even to a collector without a token.
    assert perform_network_actions(db, example_settings, later(2)).messages == []


def test_erasing_a_citizen_masks_them_in_watch_lists_and_reasons(db, example_settings):
    from beffroi.store import erase_member

    rid = save_rule(
        db, None, "Surveillés", {"authors": ["troll59"]}, {"hide": True}, actor="a", now=MONDAY_9
    )
    set_rule_enabled(db, rid, True, actor="a", now=MONDAY_9)
    troll = Author("facebook", "fb-t", "troll59", "Troll")
    ingest_fb(db, example_settings, fb_comment("c1", "bof", author=troll))
    member = db.execute("SELECT id FROM members WHERE handle = 'troll59'").fetchone()[0]
    erase_member(db, member, actor="admin")
    for table, column in (
        ("moderation_rules", "conditions"),
        ("moderation_hits", "why"),
        ("network_actions", "reason"),
        ("audit", "detail"),
    ):
        values = " ".join(str(r[0]) for r in db.execute(f"SELECT {column} FROM {table}"))  # noqa: S608
        assert "troll59" not in values, (table, values)


def test_a_rule_gives_the_message_to_the_least_busy_community_manager(db, example_settings):
    from tests.inbox.helpers import add_managers

    add_managers(db, "alice", "bruno")
    rid = save_rule(
        db,
        None,
        "Voirie",
        {"keywords": ["trottoir"]},
        {"assign_team": True},
        actor="a",
        now=MONDAY_9,
    )
    set_rule_enabled(db, rid, True, actor="a", now=MONDAY_9)
    ingest_fb(db, example_settings, fb_comment("c1", "Le trottoir est cassé, que faire ?"))
    ingest_fb(db, example_settings, fb_comment("c2", "Un trottoir encore cassé, vous passez ?"))
    assert [queue_row(db, e)["assignee"] for e in ("c1", "c2")] == ["alice", "bruno"]
    assert [h["why"] for h in list_hits(db)] == ["contient « trottoir »"] * 2
