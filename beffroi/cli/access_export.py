"""The right of access (GDPR art. 15): what Beffroi holds about one person, as a JSON
file and a French HTML page the city can send them.

Everything in the page that the person or anyone else wrote is escaped: citizen text is
never markup. The page has no script, no external resource, and works offline.
"""

from __future__ import annotations

import html
import json
from datetime import datetime

from beffroi.dashboard.format import KIND_LABELS
from beffroi.inbox import INVITATION_LABELS, PRIORITY_LABELS, STATUS_LABELS


def export_json(record: dict, city: str, now: datetime) -> str:
    return json.dumps(
        {"city": city, "generated_at": now.isoformat(timespec="seconds"), **record},
        ensure_ascii=False,
        indent=2,
        default=str,
    )


def _e(value) -> str:
    return "" if value is None else html.escape(str(value), quote=True)


def _table(headers: list[str], rows: list[list]) -> str:
    if not rows:
        return "<p>Aucune donnée.</p>"
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>" + "".join(f"<td>{_e(cell)}</td>" for cell in row) + "</tr>" for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _need(value) -> str:
    return {1: "oui", 0: "non"}.get(value, "non trié")


def export_html(record: dict, city: str, now: datetime) -> str:
    m = record["member"]
    who = f"@{m['handle']}" if m["handle"] else f"membre n° {m['id']} (effacé)"
    facts = [
        ["Réseau", m["network"]],
        ["Identifiant sur le réseau", m["external_id"]],
        ["Pseudonyme", m["handle"] or "—"],
        ["Nom affiché", m["display_name"] or "—"],
        ["Vu pour la première fois", m["first_seen_at"]],
        ["Vu pour la dernière fois", m["last_seen_at"]],
        ["Bloqué", "oui" if m["is_blocked"] else "non"],
        ["Marqué comme indésirable", "oui" if m["is_spam"] else "non"],
        ["Notes de l'équipe", m["notes"] or "—"],
        ["Effacé le", m["erased_at"] or "—"],
        ["Opposé(e) au classement depuis le", m.get("objected_at") or "—"],
    ]
    messages = [
        [
            r["created_at"],
            KIND_LABELS.get(r["kind"], r["kind"]),
            r["text"],
            STATUS_LABELS.get(r["queue_status"], "—") if r["queue_status"] else "—",
            _need(r["needs_reply"]) if r["queue_status"] else "—",
            r["theme"] or "—",
            PRIORITY_LABELS.get(r["priority"], "—"),
            r["triage_rule"] or "—",
            r["permalink"] or "",
        ]
        for r in record["messages"]
    ]
    city_rows = [
        [r["created_at"], KIND_LABELS.get(r["kind"], r["kind"]), r["text"], r["permalink"] or ""]
        for r in record["city_messages"]
    ]
    invitations = [
        [
            r["event"],
            r["starts_at"],
            INVITATION_LABELS.get(r["status"], r["status"]),
            r["message"] or "—",
            {1: "oui", 0: "non"}.get(r["is_minor"], "non déclaré"),
            f"{r['declared_age']} ans" if r["declared_age"] is not None else "non déclaré",
            r["consent_recorded_at"] or "—",
        ]
        for r in record["invitations"]
    ]
    reactions = [
        [
            r["created_at"],
            "partage" if r["kind"] == "share" else "réaction",
            r["target_external_id"],
        ]
        for r in record["interactions"]
    ]
    linked = [[r["network"], r["handle"] or "(effacé)"] for r in record["linked_accounts"]]
    notes = [
        [
            r["created_at"],
            "note pour un service" if r["kind"] == "service" else "note",
            f"votre message {r['about_message']}" if r["about_message"] else "vous",
            r["body"],
        ]
        for r in record.get("internal_notes", [])
    ]
    sections = [
        ("Ce que nous savons de vous", _table(["Donnée", "Valeur"], facts)),
        (
            f"Vos messages ({len(messages)})",
            _table(
                [
                    "Date (UTC)",
                    "Type",
                    "Texte",
                    "Suivi",
                    "Réponse attendue",
                    "Thème",
                    "Priorité",
                    "Règle de tri",
                    "Lien",
                ],
                messages,
            ),
        ),
        (
            f"Les messages de la ville qui vous sont adressés ({len(city_rows)})",
            _table(["Date (UTC)", "Type", "Texte", "Lien"], city_rows),
        ),
        (
            f"Invitations ({len(invitations)})",
            _table(
                ["Événement", "Date", "Statut", "Message", "Mineur", "Âge déclaré", "Consentement"],
                invitations,
            ),
        ),
        (
            f"Réactions et partages ({len(reactions)})",
            _table(["Date (UTC)", "Type", "Publication"], reactions),
        ),
        ("Comptes reliés à vous par l'équipe", _table(["Réseau", "Pseudonyme"], linked)),
        (
            f"Notes internes de l'équipe à votre sujet ({len(notes)})",
            _table(["Date (UTC)", "Type", "Sur", "Texte"], notes),
        ),
    ]
    body = "".join(f"<h2>{_e(title)}</h2>{content}" for title, content in sections)
    return (
        '<!doctype html><html lang="fr"><head><meta charset="utf-8">'
        f"<title>Vos données — {_e(city)}</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto;line-height:1.4}"
        "table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:.3em;"
        "vertical-align:top;text-align:left;unicode-bidi:isolate}</style></head><body>"
        f"<h1>Les données que {_e(city)} détient sur {_e(who)}</h1>"
        f"<p>Document établi le {_e(now.strftime('%d/%m/%Y à %H:%M'))} (UTC), au titre du "
        "droit d'accès (article 15 du RGPD). Il contient tout ce que l'outil Beffroi "
        "conserve à votre sujet : vos messages publics et privés adressés à la ville, "
        "les réponses de la ville, la façon dont chaque message a été trié, vos "
        "invitations, vos réactions et partages. Vous pouvez demander la rectification ou "
        "l'effacement de ces données.</p>"
        f"{body}</body></html>"
    )
