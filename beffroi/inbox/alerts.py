"""Alerts: an urgent message reaches the on-call address at once; the overdue sweep marks
late items and sends the on-duty manager ONE digest.

Urgent (``alert_urgent``): run right after every collection pass that stored something, and
every minute by the scheduler (which retries an alert whose mail failed), day and night:
danger does not keep office hours. One mail per item, so that each can be read on a phone
and answered alone; claimed before the mail goes, released if it fails, recorded in the
audit. The recipient is ``alerts.urgent_email``, else ``alerts.on_duty_email``.

Overdue (``sweep_overdue``):

Called by the scheduler every ``alerts.sweep_minutes``. Each item is alerted once: it is
claimed (``overdue_alerted_at``) before the mail goes, so a second sweep, even a
concurrent one, finds nothing new; if the mail fails the claim is released and the next
sweep tries again. Reopening an item resets its alert.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from beffroi.config import Settings
from beffroi.inbox.states import PRIORITY_LABELS, triage_rule_label
from beffroi.inbox.views import entries_by_ids
from beffroi.mailer import MailError, send_mail
from beffroi.store.queue import (
    claim_overdue_alerts,
    claim_urgent_alerts,
    mark_overdue,
    record_overdue_alerts,
    record_urgent_alert,
    release_overdue_alerts,
    release_urgent_alert,
)

MAX_LISTED = 50  # a digest lists at most this many items, then says how many more


@dataclass(frozen=True)
class SweepResult:
    marked: int
    alerted: int
    error: str | None = None


def digest(settings: Settings, entries: list[dict], now: datetime) -> tuple[str, str]:
    subject = f"[Beffroi] {len(entries)} message(s) en retard de réponse"
    lines = [
        "Bonjour,",
        "",
        f"{len(entries)} message(s) de citoyens ont dépassé leur délai de réponse :",
        "",
    ]
    for entry in entries[:MAX_LISTED]:
        due = entry["due_at"].astimezone(settings.tz)
        text = " ".join(entry["text"].split())
        lines.append(
            f"- n°{entry['queue_id']} [{PRIORITY_LABELS.get(entry['priority'], entry['priority'])}] "
            f"{entry['shown_network']} · {entry['author_label'] or 'auteur inconnu'} · "
            f"échéance {due:%d/%m %H:%M} · {entry['assignee'] or entry['service'] or 'non attribué'}"
        )
        lines.append(f"  « {text[:160]}{'…' if len(text) > 160 else ''} »")
    if len(entries) > MAX_LISTED:
        lines.append(
            f"... et {len(entries) - MAX_LISTED} autre(s), à voir dans le tableau de bord."
        )
    lines += ["", f"Envoyé par Beffroi le {now.astimezone(settings.tz):%d/%m/%Y à %H:%M}."]
    return subject, "\n".join(lines)


def sweep_overdue(conn: sqlite3.Connection, settings: Settings, now: datetime) -> SweepResult:
    """Mark open items past ``due_at`` and mail one digest of those not alerted yet."""
    marked = mark_overdue(conn, now)
    recipient = settings.alerts.on_duty_email
    if not recipient:
        return SweepResult(marked, 0, "no alerts.on_duty_email configured")
    claimed = claim_overdue_alerts(conn, now)
    if not claimed:
        return SweepResult(marked, 0)
    entries = entries_by_ids(conn, settings, claimed)
    subject, body = digest(settings, entries, now)
    try:
        send_mail(settings, [recipient], subject, body)
    except MailError as exc:
        release_overdue_alerts(conn, claimed)
        return SweepResult(marked, 0, str(exc))
    record_overdue_alerts(conn, claimed, recipient, now)
    return SweepResult(marked, len(claimed))


@dataclass(frozen=True)
class UrgentResult:
    alerted: int
    failed: int = 0
    error: str | None = None


def urgent_mail(settings: Settings, entry: dict, now: datetime) -> tuple[str, str]:
    """One urgent item as a plain-text mail (the citizen's words are never HTML)."""
    text = " ".join(entry["text"].split())
    received = entry["created_at"].astimezone(settings.tz)
    subject = f"[Beffroi] URGENT : {text[:70]}{'…' if len(text) > 70 else ''}"
    lines = [
        "Message urgent reçu par la ville — à traiter maintenant.",
        "",
        f"« {text} »",
        "",
        f"Auteur : {entry['author_label'] or 'auteur inconnu'} ({entry['shown_network']})",
        f"Reçu le : {received:%d/%m/%Y à %H:%M}",
        f"Lien : {entry['permalink'] or '(message privé : voir le tableau de bord)'}",
        f"Pourquoi urgent : {triage_rule_label(entry.get('triage_rule'))}",
        f"Thème : {entry['theme'] or '-'}",
        f"Référence Beffroi : file n°{entry['queue_id']}",
        "",
        "En cas de danger immédiat, les secours : 112 (ou 18 pompiers, 17 police, 15 SAMU).",
        f"Envoyé par Beffroi le {now.astimezone(settings.tz):%d/%m/%Y à %H:%M}.",
    ]
    return subject, "\n".join(lines)


def alert_urgent(conn: sqlite3.Connection, settings: Settings, now: datetime) -> UrgentResult:
    """Mail each open urgent item not alerted yet to the on-call address."""
    recipient = settings.alerts.urgent_email or settings.alerts.on_duty_email
    if not recipient:
        return UrgentResult(0, 0, "no alerts.urgent_email nor alerts.on_duty_email configured")
    claimed = claim_urgent_alerts(conn, now)
    if not claimed:
        return UrgentResult(0)
    sent = failed = 0
    error = None
    for entry in entries_by_ids(conn, settings, claimed):
        subject, body = urgent_mail(settings, entry, now)
        try:
            send_mail(settings, [recipient], subject, body)
        except MailError as exc:
            release_urgent_alert(conn, entry["queue_id"])
            failed += 1
            error = str(exc)
            continue
        record_urgent_alert(conn, entry["queue_id"], recipient, now)
        sent += 1
    return UrgentResult(sent, failed, error)
