"""The queue's states and closing reasons, with the French words the dashboard shows."""

from __future__ import annotations

from beffroi.store.queue import CLOSE_REASONS, OPEN, QueueError

STATUS_LABELS = {
    "new": "Nouveau",
    "assigned": "Attribué",
    "replied": "Répondu",
    "closed": "Clos",
}
CLOSE_REASON_LABELS = {
    "no_reply_needed": "Pas de réponse nécessaire",
    "spam": "Indésirable (spam)",
    "hidden": "Masqué",
    "handled_elsewhere": "Traité ailleurs",
    "duplicate": "Doublon",
}
PRIORITY_LABELS = {"urgent": "Urgente", "high": "Haute", "normal": "Normale", "low": "Basse"}
TRIAGE_RULE_LABELS = {
    "spam": "mot indésirable",
    "empty": "emoji ou message vide",
    "urgent": "mot d'urgence",
    "question": "question",
    "complaint": "réclamation",
    "problem": "signalement d'un problème",
    "request": "demande",
    "thanks": "remerciement ou compliment",
    "dm": "message privé",
    "no_signal": "commentaire sans demande",
    "between_citizens": "réponse d'un citoyen à un autre",
    "rhetorical": "question qui n'attend pas de réponse",
    "model": "modèle de la ville, appris des corrections",
}

TONE_LABELS = {"positive": "positif", "neutral": "neutre", "negative": "négatif"}

assert set(CLOSE_REASON_LABELS) == set(CLOSE_REASONS)


def theme_rule_label(rule: str | None) -> str:
    """'sécurité:urgence+gaz' -> 'sécurité (« urgence », « gaz »)': which words weighed."""
    if not rule:
        return "aucun mot de thème"
    name, _, words = rule.partition(":")
    if name == "indice":
        name = "un seul indice, pas de thème"
    shown = ", ".join(f"« {w} »" for w in words.split("+") if w)
    return f"{name} ({shown})" if shown else name


def triage_rule_label(rule: str | None) -> str:
    """'question:?' -> 'question (« ? »)': why triage decided, in French."""
    if not rule:
        return "non trié"
    name, _, keyword = rule.partition(":")
    label = TRIAGE_RULE_LABELS.get(name, name)
    return f"{label} (« {keyword} »)" if keyword else label


__all__ = [
    "CLOSE_REASONS",
    "CLOSE_REASON_LABELS",
    "OPEN",
    "PRIORITY_LABELS",
    "STATUS_LABELS",
    "TONE_LABELS",
    "QueueError",
    "theme_rule_label",
    "triage_rule_label",
]
