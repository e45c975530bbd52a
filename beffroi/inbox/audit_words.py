"""A message's history in words: who did what, and the detail, as a French sentence.

The audit keeps keys (``assign``, ``{"from": "new", "assignee": "admin"}``) because code
reads them back; a community manager reads "Claire Martin — Attribué — à Alex Durand (était :
Nouveau)". Usernames become the staff's names, the machine's own actors say what they are
("Tri automatique", "Dans l'application du réseau"), and an action this table does not know
yet is still shown as words, never as snake_case.
"""

from __future__ import annotations

from collections.abc import Mapping

from beffroi.inbox.states import CLOSE_REASON_LABELS, PRIORITY_LABELS, STATUS_LABELS, TONE_LABELS
from beffroi.labels import duration, network_label

MACHINE_ACTORS = {
    "réseau": "Dans l'application du réseau",
    "triage": "Tri automatique",
    "beffroi": "Beffroi",
    "scheduler": "Beffroi",
    "moderation": "Modération automatique",
    "open311": "Service de la ville (Open311)",
}
ACTION_LABELS = {
    "assign": "Attribué",
    "close": "Clos",
    "reopen": "Rouvert",
    "escalate": "Transmis à un service",
    "reply": "Réponse envoyée",
    "reply_native": "Réponse écrite sur le réseau",
    "reply_failed": "Échec de l'envoi",
    "reply_collision": "Réponse refusée : un collègue avait déjà répondu",
    "reply_kept_dropped": "Texte conservé abandonné",
    "send_uncertain": "Envoi incertain",
    "send_found": "Réponse retrouvée sur le réseau",
    "send_resolved": "Envoi tranché par une personne",
    "release_send": "Envoi débloqué",
    "correct_triage": "Tri corrigé",
    "urgent_alert": "Alerte urgente envoyée",
    "overdue_digest": "Relance des retards envoyée",
    "draft": "Brouillon enregistré",
    "moderation_rule_applied": "Règle de modération appliquée",
    "moderation_undone": "Modération annulée",
    "open311_send": "Demande transmise au service (Open311)",
    "open311_id": "Numéro de demande reçu du service",
    "open311_failed": "Demande au service refusée",
    "open311_uncertain": "Demande au service : réponse perdue, à vérifier",
    "open311_resolved": "Demande résolue par le service",
    "open311_status": "Avancement de la demande au service",
    "open311_citizen_told": "Citoyen prévenu de la résolution",
    "note_add": "Note interne ajoutée",
    "act_delete_reply": "Réponse de la ville supprimée sur le réseau",
    "act_like": "Message aimé sur le réseau",
    "act_block": "Auteur bloqué sur le réseau",
    "act_mute": "Auteur mis en sourdine sur le réseau",
    "act_failed": "Action sur le réseau refusée",
}
# What was tried, for a refused act ("act_failed").
ACT_TRIED = {
    "delete_reply": "suppression de la réponse de la ville",
    "like": "« j'aime »",
    "block": "blocage de l'auteur",
    "mute": "sourdine de l'auteur",
}
# Hides and unhides on the network (``network_hide_requested``, ``network_unhide_done``...).
NETWORK_ACTIONS = {"hide": "Masquage sur le réseau", "unhide": "Réaffichage sur le réseau"}
NETWORK_STEPS = {
    "requested": "demandé",
    "running": "en cours",
    "done": "fait",
    "failed": "en échec",
    "unsupported": "impossible sur ce réseau",
    "cancelled": "annulé",
}
FIELD_LABELS = {
    "theme": "thème",
    "priority": "priorité",
    "needs_reply": "réponse attendue",
    "tone": "ton",
    "tags": "étiquettes",
}


def person_label(actor: str | None, names: Mapping[str, str]) -> str:
    """A staff member's name, or what a machine actor is."""
    if not actor:
        return "—"
    return MACHINE_ACTORS.get(actor) or names.get(actor) or actor


def _words(key: str) -> str:
    text = key.replace("_", " ").replace(".", " ").strip()
    return text[:1].upper() + text[1:]


def _field_value(field: str, value: object) -> str:
    if field == "needs_reply":
        return "oui" if value in (1, True, "1", "true") else "non"
    if field == "priority":
        return PRIORITY_LABELS.get(str(value), str(value))
    if field == "tone":
        return TONE_LABELS.get(str(value), str(value))
    return "aucun" if value in (None, "") else str(value)


def _detail(
    action: str, detail: Mapping, names: Mapping[str, str], services: Mapping[str, str]
) -> str:
    d = dict(detail)
    parts: list[str] = []
    was = d.pop("from", None)
    if action == "correct_triage":
        field = str(d.pop("field", ""))
        label = FIELD_LABELS.get(field, field.replace("_", " "))
        new = d.pop("to", None)
        parts.append(f"{label} : « {_field_value(field, was)} » → « {_field_value(field, new)} »")
        was = None
    elif action == "reopen":
        parts.append(
            f"de « {STATUS_LABELS.get(str(was), was)} » "
            f"à « {STATUS_LABELS.get(str(d.pop('to', '')), '')} »"
        )
        was = None
    if action == "note_add":  # the note's text is not in the audit: it leaves with the person
        d.pop("note", None)
        if d.pop("kind", "note") == "service":
            parts.append("note pour le service")
        if not d.get("service"):
            d.pop("service", None)
        mentioned = d.pop("mentioned", None) or []
        if mentioned:
            who = ", ".join(person_label(u, names) for u in mentioned)
            parts.append(f"collègue(s) prévenu(s) : {who}")
    if action.startswith("act_"):  # an act on the network: its ids are for the code
        act = d.pop("act", None)
        d.pop("target", None)
        network = d.pop("network", None)
        if action == "act_failed" and act:
            parts.append(ACT_TRIED.get(act, str(act)))
        if network:
            parts.append(network_label(network))
    if action == "reply_collision":
        parts.append(f"première réponse de {person_label(d.pop('first_by', None), names)}")
        if "text" in d:
            parts.append(f"texte conservé : « {d.pop('text')} »")
    if "assignee" in d:
        parts.append(f"à {person_label(d.pop('assignee'), names)}")
    if "reason" in d:
        reason = d.pop("reason")
        parts.append(f"motif : {CLOSE_REASON_LABELS.get(reason, reason)}")
    if "service" in d:
        service = d.pop("service")
        parts.append(f"à {services.get(service, service)}")
    if "to" in d:
        parts.append(f"à {d.pop('to')}")
    if "items" in d:
        items = d.pop("items")
        count = len(items) if isinstance(items, list) else items
        parts.append(f"{count} message(s)")
    d.pop("reply_item_id", None)
    if d.get("response_seconds") is not None:
        parts.append(f"en {duration(d.pop('response_seconds'))}")
    d.pop("response_seconds", None)
    if "error" in d:
        parts.append(str(d.pop("error")))
    text = ", ".join(parts)
    if was is not None:
        text += f" (était : {STATUS_LABELS.get(str(was), was)})"
    extras = []
    if d.pop("bulk", False):
        extras.append("action groupée")
    if d.pop("round_robin", False):
        extras.append("répartition automatique")
    extras += [f"{k.replace('_', ' ')} : {v}" for k, v in d.items()]
    if extras:
        text = " ; ".join([text, *extras]) if text else " ; ".join(extras)
    return text.strip()


def describe_event(
    event: Mapping, names: Mapping[str, str], services: Mapping[str, str]
) -> tuple[str, str, str]:
    """(who, what, detail) of one audit line of a queue item, in French."""
    action = str(event["action"])
    what = ACTION_LABELS.get(action)
    if what is None and action.startswith("network_"):
        verb, _, step = action.removeprefix("network_").partition("_")
        if verb in NETWORK_ACTIONS:
            what = f"{NETWORK_ACTIONS[verb]} : {NETWORK_STEPS.get(step, step.replace('_', ' '))}"
    what = what or _words(action)
    return (
        person_label(event["actor"], names),
        what,
        _detail(action, event.get("detail") or {}, names, services),
    )
