"""What the inbox shows of a message's history and triage is French with people's names,
never the audit's keys (``assign``, ``from = new, assignee = admin``,
``reason = no_reply_needed``) nor usernames (issue "dashboard", "Words, not keys")."""

from datetime import UTC, datetime

import pytest

from beffroi.inbox import describe_event, person_label, triage_rule_label

NAMES = {"cm": "Claire Martin", "admin": "Alex Durand"}
SERVICES = {"voirie": "Voirie"}
AT = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)


def event(actor, action, **detail):
    return {"at": AT, "actor": actor, "action": action, "detail": detail}


@pytest.mark.parametrize(
    ("ev", "expected"),
    [
        (
            event("cm", "assign", **{"from": "new", "assignee": "admin"}),
            ("Claire Martin", "Attribué", "à Alex Durand (était : Nouveau)"),
        ),
        (
            event("admin", "assign", **{"from": "new", "assignee": "cm", "round_robin": True}),
            (
                "Alex Durand",
                "Attribué",
                "à Claire Martin (était : Nouveau) ; répartition automatique",
            ),
        ),
        (
            event("triage", "close", **{"from": "new", "reason": "no_reply_needed"}),
            ("Tri automatique", "Clos", "motif : Pas de réponse nécessaire (était : Nouveau)"),
        ),
        (
            event("cm", "close", **{"from": "assigned", "reason": "spam", "bulk": True}),
            (
                "Claire Martin",
                "Clos",
                "motif : Indésirable (spam) (était : Attribué) ; action groupée",
            ),
        ),
        (
            event("cm", "reopen", **{"from": "closed", "to": "new"}),
            ("Claire Martin", "Rouvert", "de « Clos » à « Nouveau »"),
        ),
        (
            event("réseau", "reply_native", reply_item_id=12, response_seconds=600),
            ("Dans l'application du réseau", "Réponse écrite sur le réseau", "en 10 min"),
        ),
        (
            event("cm", "escalate", **{"from": "assigned", "service": "voirie"}),
            ("Claire Martin", "Transmis à un service", "à Voirie (était : Attribué)"),
        ),
        (
            event("cm", "correct_triage", field="theme", **{"from": "travaux", "to": "mobilité"}),
            ("Claire Martin", "Tri corrigé", "thème : « travaux » → « mobilité »"),
        ),
        (
            event("cm", "correct_triage", field="needs_reply", **{"from": 0, "to": 1}),
            ("Claire Martin", "Tri corrigé", "réponse attendue : « non » → « oui »"),
        ),
        (
            event("beffroi", "urgent_alert", to="astreinte@ville.fr"),
            ("Beffroi", "Alerte urgente envoyée", "à astreinte@ville.fr"),
        ),
        (
            event("cm", "reply_failed", error="Le réseau a refusé la réponse."),
            ("Claire Martin", "Échec de l'envoi", "Le réseau a refusé la réponse."),
        ),
    ],
)
def test_each_event_reads_as_who_what_and_a_french_detail(ev, expected):
    assert describe_event(ev, NAMES, SERVICES) == expected


def test_an_unknown_action_or_key_is_still_words_not_snake_case():
    who, what, detail = describe_event(event("bob", "future_thing", some_key="v"), NAMES, {})
    assert (who, what) == ("bob", "Future thing")
    assert detail == "some key : v"


def test_people_are_named_and_the_machine_actors_described():
    assert person_label("cm", NAMES) == "Claire Martin"
    assert person_label("réseau", NAMES) == "Dans l'application du réseau"
    assert person_label("triage", NAMES) == "Tri automatique"
    assert person_label("inconnu", NAMES) == "inconnu"


def test_the_triage_reason_is_a_sentence():
    assert triage_rule_label("question:?") == "le message pose une question (« ? »)"
    assert triage_rule_label("between_citizens:@jeanne") == (
        "un citoyen répond à un autre (« @jeanne »)"
    )
    assert triage_rule_label(None) == "pas encore trié"


def test_moderation_and_open311_lines_are_words_too():
    assert describe_event(event("moderation", "network_hide_done"), NAMES, {})[:2] == (
        "Modération automatique",
        "Masquage sur le réseau : fait",
    )
    assert describe_event(event("cm", "network_unhide_requested"), NAMES, {})[1] == (
        "Réaffichage sur le réseau : demandé"
    )
    assert describe_event(event("open311", "open311_resolved"), NAMES, {})[:2] == (
        "Service de la ville (Open311)",
        "Demande résolue par le service",
    )
