"""Modération: the rules that act on new messages, tried before they are switched on, and
every automatic action with who, what and why, each one undoable.

For administrators. A rule is written here (conditions, all of which must hold, and
actions), tried against the last 30 days ("Cette règle aurait masqué 12 commentaires : …",
with the list), then switched on; from then on it acts on each new message as it is
collected. The journal lists what the rules did; "Annuler" reopens the message, puts back
its priority and assignee, removes the label and shows the comment again on the network.
Beffroi ships one rule, off until an admin turns it on: hide a phone number or an e-mail
address a citizen published in a public comment.

Citizen text is shown with ``st.dataframe`` and ``st.text`` only, never Markdown or HTML;
writes go through ``beffroi.inbox`` with the admin's name for the audit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from beffroi import inbox
from beffroi.dashboard.context import offered_index
from beffroi.dashboard.format import KIND_LABELS, full_time, network_label
from beffroi.dashboard.moderation_panel import STATE_WORDS
from beffroi.store import list_staff

TITLE = "Modération"
ICON = ":material/shield:"
ROLES = {"admin"}
ORDER = 90

FLASH = "moderation_flash"
PICK_NEXT = "mod_pick_next"
NEW = 0  # the "new rule" choice in the rule picker
SECTIONS = ("Règles", "Journal des actions automatiques")
NETWORKS = ("facebook", "instagram", "x", "mastodon", "bluesky")
KINDS = ("comment", "reply", "mention", "dm", "ugc")


def _refused(message: str) -> None:
    """A refusal: the sentence may quote what an admin typed or a network said, so it is
    plain text under a fixed headline, never Markdown."""
    st.error("Ce n'est pas fait :")
    st.text(message)


def _done(message: str) -> None:
    """Reload with ``message`` at the top (a success written before a rerun is lost)."""
    st.session_state[FLASH] = message
    st.rerun()


def _rules(conn):
    return inbox.list_rules(conn)


def _hits(conn):
    return inbox.list_hits(conn)


def _staff(conn):
    return [m.username for m in list_staff(conn) if m.role in ("community_manager", "admin")]


def _rules_table(rules: list) -> None:
    st.dataframe(
        pd.DataFrame(
            {
                "Règle": [r.name for r in rules],
                "État": ["active" if r.enabled else "désactivée" for r in rules],
                "Si le message…": [inbox.describe_conditions(r.conditions) for r in rules],
                "Alors": [inbox.describe_actions(r.actions) for r in rules],
            }
        ),
        hide_index=True,
        width="stretch",
    )


def _words(text: str) -> list[str]:
    return [w.strip() for w in (text or "").split(",") if w.strip()]


def _form(ctx, rule, staff: list[str]) -> tuple[str, dict[str, Any], dict[str, Any], str | None]:
    """The rule's fields; returns (name, conditions, actions, button pressed)."""
    c = rule.conditions if rule else {}
    a = rule.actions if rule else {}
    key = f"mod_{rule.id if rule else NEW}"
    themes = [t.name for t in ctx.settings.themes]
    reasons = list(inbox.CLOSE_REASONS)
    with st.form(key):
        name = st.text_input("Nom de la règle", value=rule.name if rule else "")
        st.markdown("**Si le message…** (toutes les conditions cochées ou remplies)")
        left, right = st.columns(2)
        with left:
            keywords = st.text_input(
                "contient l'un de ces mots (séparés par des virgules)",
                value=", ".join(c.get("keywords", [])),
            )
            lemmas = st.text_input(
                "contient l'un de ces lemmes (« poubelle déborder » trouve aussi "
                "« les poubelles débordent »)",
                value=", ".join(c.get("lemmas", [])),
            )
            authors = st.text_input(
                "est écrit par l'un de ces comptes (liste de surveillance, sans @)",
                value=", ".join(c.get("authors", [])),
            )
            link = st.checkbox("contient un lien", value=bool(c.get("link")))
            contact = st.checkbox(
                "contient un numéro de téléphone ou une adresse e-mail",
                value=bool(c.get("contact")),
            )
            emoji = st.checkbox("ne contient que des émojis", value=bool(c.get("emoji_only")))
            public = st.checkbox(
                "est public (pas un message privé)", value=bool(c.get("public_only"))
            )
        with right:
            networks = st.multiselect(
                "est publié sur",
                NETWORKS,
                default=c.get("networks", []),
                format_func=network_label,
                placeholder="tous les réseaux",
            )
            kinds = st.multiselect(
                "est de type",
                KINDS,
                default=c.get("kinds", []),
                format_func=KIND_LABELS.__getitem__,
                placeholder="tous les types",
            )
            chosen_themes = st.multiselect(
                "a pour thème",
                themes,
                default=[t for t in c.get("themes", []) if t in themes],
                placeholder="tous les thèmes",
            )
            tones = st.multiselect(
                "a pour ton",
                list(inbox.TONE_LABELS),
                default=c.get("tones", []),
                format_func=inbox.TONE_LABELS.__getitem__,
                placeholder="tous les tons",
            )
            min_length = st.number_input(
                "fait au moins (caractères, 0 : sans limite)",
                min_value=0,
                value=int(c.get("min_length", 0)),
            )
            max_length = st.number_input(
                "fait au plus (caractères, 0 : sans limite)",
                min_value=0,
                value=int(c.get("max_length", 0)),
            )
        st.markdown("**Alors…**")
        left, right = st.columns(2)
        with left:
            hide = st.checkbox(
                "masquer sur le réseau (commentaires Facebook et Instagram, réponses sur X)",
                value=bool(a.get("hide")),
            )
            label = st.text_input("ajouter l'étiquette", value=a.get("label", ""))
            people = ["", *staff]
            assign_to = st.selectbox(
                "attribuer à",
                people,
                index=offered_index(people, a.get("assign_to")),
                format_func=lambda u: u or "(personne)",
            )
            team = st.checkbox(
                "ou attribuer au community manager le moins chargé (équipe)",
                value=bool(a.get("assign_team")),
            )
        with right:
            priorities = ["", *inbox.PRIORITY_LABELS]
            priority = st.selectbox(
                "mettre la priorité",
                priorities,
                index=priorities.index(a.get("priority", "")),
                format_func=lambda p: inbox.PRIORITY_LABELS.get(p, "(inchangée)"),
            )
            closes = ["", *reasons]
            close_reason = st.selectbox(
                "clore avec le motif",
                closes,
                index=closes.index(a.get("close_reason", "")),
                format_func=lambda r: inbox.CLOSE_REASON_LABELS.get(r, "(ne pas clore)"),
            )
            alert = st.text_input("alerter par courriel", value=a.get("alert_email", ""))
        one, two = st.columns(2)
        tried = one.form_submit_button("Essayer sur les 30 derniers jours")
        saved = two.form_submit_button("Enregistrer", type="primary")
    conditions = {
        "keywords": _words(keywords),
        "lemmas": _words(lemmas),
        "authors": _words(authors),
        "link": link,
        "contact": contact,
        "emoji_only": emoji,
        "public_only": public,
        "networks": networks,
        "kinds": kinds,
        "themes": chosen_themes,
        "tones": tones,
        "min_length": min_length,
        "max_length": max_length,
    }
    actions = {
        "hide": hide,
        "label": label,
        "assign_to": assign_to,
        "assign_team": team,
        "priority": priority,
        "close_reason": close_reason,
        "alert_email": alert,
    }
    return name, conditions, actions, ("try" if tried else "save" if saved else None)


def _dry_run(ctx, name: str, conditions, actions) -> None:
    try:
        rule = inbox.clean_rule(name or "essai", conditions, actions)
    except inbox.RuleError as exc:
        _refused(str(exc))
        return
    with ctx.read() as conn:
        result = inbox.try_rule(conn, rule, ctx.now())
    st.info(result.sentence())
    if result.matches:
        st.dataframe(
            pd.DataFrame(
                {
                    "Reçu": [full_time(m["created_at"], ctx.tz) for m in result.matches],
                    "Réseau": [network_label(m["network"]) for m in result.matches],
                    "Type": [KIND_LABELS.get(m["kind"], m["kind"]) for m in result.matches],
                    "Auteur": [m["author"] or "(inconnu)" for m in result.matches],
                    "Message": [m["text"] for m in result.matches],
                    "Pourquoi": [m["why"] for m in result.matches],
                    "Masquable": ["oui" if m["hideable"] else "non" for m in result.matches],
                }
            ),
            hide_index=True,
            width="stretch",
        )


def _rules_tab(ctx) -> None:
    rules = ctx.cached(_rules)
    _rules_table(rules)
    by_id = {r.id: r for r in rules}
    if PICK_NEXT in st.session_state:  # the rule just saved (a widget's key is set before it)
        st.session_state["mod_pick"] = st.session_state.pop(PICK_NEXT)
    chosen = st.selectbox(
        "Règle à modifier",
        [NEW, *by_id],
        format_func=lambda i: "Nouvelle règle" if i == NEW else by_id[i].name,
        key="mod_pick",
    )
    rule = by_id.get(chosen)
    if rule is not None:
        st.text(
            f"Cette règle est {'active' if rule.enabled else 'désactivée'}. "
            "Une règle modifiée garde son état."
        )
        label = "Désactiver" if rule.enabled else "Activer"
        if st.button(label, key=f"mod_toggle_{rule.id}"):
            inbox.set_rule_enabled(
                ctx.db, rule.id, not rule.enabled, actor=ctx.user.username, now=ctx.now()
            )
            _done(f"Règle « {rule.name} » {'désactivée' if rule.enabled else 'activée'}.")
    name, conditions, actions, pressed = _form(ctx, rule, ctx.cached(_staff))
    if pressed == "try":
        _dry_run(ctx, name, conditions, actions)
    elif pressed == "save":
        try:
            rule_id = inbox.save_rule(
                ctx.db,
                rule.id if rule else None,
                name,
                conditions,
                actions,
                actor=ctx.user.username,
                now=ctx.now(),
            )
        except inbox.ModerationError as exc:
            _refused(str(exc))
            return
        st.session_state[PICK_NEXT] = rule_id
        _done(
            f"Règle « {name.strip()} » enregistrée"
            + (" (désactivée : essayez-la puis activez-la)." if rule is None else ".")
        )


def _outcome(hit: dict) -> str:
    if hit["actions"].get("hide_impossible"):
        return hit["actions"]["hide_impossible"]
    if hit["network_action"] is None:
        return "—"
    words = STATE_WORDS.get((hit["network_action"], hit["network_status"]), "")
    return f"{words} ({hit['network_error']})" if hit["network_error"] else words


def _journal_tab(ctx) -> None:
    # The rules act while the page is open (collection runs beside it): read again on demand.
    st.button("Actualiser le journal", key="mod_refresh")
    hits = ctx.cached(_hits)
    if not hits:
        st.info("Aucune règle n'a encore agi.")
        return
    st.dataframe(
        pd.DataFrame(
            {
                "N°": [h["id"] for h in hits],
                "Quand": [full_time(h["at"], ctx.tz) for h in hits],
                "Sur le réseau": [_outcome(h) for h in hits],
                "Annulé": [
                    f"par {h['undone_by']} le {full_time(h['undone_at'], ctx.tz)}"
                    if h["undone_at"]
                    else ""
                    for h in hits
                ],
                "Fait": [inbox.describe_actions(h["actions"]) or "—" for h in hits],
                "Pourquoi": [h["why"] for h in hits],
                "Règle": [h["rule_name"] for h in hits],
                "Message": [h["text"] for h in hits],
            }
        ),
        hide_index=True,
        width="stretch",
    )
    open_hits = {h["id"]: h for h in hits if h["undone_at"] is None}
    if not open_hits:
        return
    chosen = st.selectbox(
        "Action à annuler",
        list(open_hits),
        format_func=lambda i: f"n°{i} — {open_hits[i]['rule_name']}",
        key="mod_undo_pick",
    )
    if st.button("Annuler cette action (rouvrir, réafficher)", key="mod_undo"):
        try:
            outcome = inbox.undo_moderation(
                ctx.db, ctx.settings, chosen, actor=ctx.user.username, now=ctx.now()
            )
        except (inbox.ModerationError, inbox.QueueError) as exc:
            _refused(str(exc))
            return
        _done(outcome)


def render(ctx) -> None:
    st.title(TITLE)
    if FLASH in st.session_state:
        st.success("C'est fait.")
        st.text(st.session_state.pop(FLASH))  # may name a rule or quote a network: plain text
    st.caption(
        "Les règles agissent sur chaque nouveau message collecté. Essayez une règle sur les "
        "30 derniers jours avant de l'activer ; toute action automatique s'annule dans le "
        "journal."
    )
    # A choice the server keeps (tabs would fall back to the first one at each rerun).
    section = st.radio(
        "Afficher", SECTIONS, horizontal=True, key="mod_section", label_visibility="collapsed"
    )
    if section == SECTIONS[0]:
        _rules_tab(ctx)
    else:
        _journal_tab(ctx)
