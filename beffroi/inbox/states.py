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
    "spam": "le message contient un mot indésirable",
    "empty": "le message ne contient que des emoji, ou rien",
    "urgent": "le message signale un danger",
    "question": "le message pose une question",
    "complaint": "le message exprime une réclamation",
    "problem": "le message signale un problème",
    "request": "le message formule une demande",
    "thanks": "le message remercie ou félicite",
    "dm": "c'est un message privé",
    "no_signal": "commentaire sans demande",
    "between_citizens": "un citoyen répond à un autre",
    "rhetorical": "la question n'attend pas de réponse",
    "model": "le modèle de la ville, appris des corrections, l'a proposé",
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
    """'question:?' -> 'le message pose une question (« ? »)': why triage decided."""
    if not rule:
        return "pas encore trié"
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
