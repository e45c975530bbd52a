"""Forwarding a message to a city service; the item then waits on that service.

A service with an ``[services.open311]`` section gets an Open311 request
(``beffroi.inbox.open311``); the others an e-mail. The e-mail goes first: if the mail server refuses, nothing changes in the queue and the
manager sees why. The message text is sent as plain text (never HTML): it is the citizen's.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime

from beffroi.config import Settings
from beffroi.inbox.open311 import transmit
from beffroi.inbox.views import get_entry
from beffroi.mailer import MailError, send_mail
from beffroi.store import now_utc
from beffroi.store.notes import add_note
from beffroi.store.queue import QUEUE_ROW_GONE, SENDING, QueueError
from beffroi.store.queue import escalate as store_escalate


def escalation_mail(settings: Settings, entry: dict, service_name: str, actor: str, note: str):
    local = entry["created_at"].astimezone(settings.tz)
    author = entry.get("author_label") or "auteur inconnu"
    subject = f"[Beffroi] Message à traiter ({entry['theme'] or 'sans thème'}) : {author}"
    lines = [
        f"Bonjour {service_name},",
        "",
        f"Un message reçu par {settings.city.name} sur {entry['shown_network']} "
        f"vous est transmis par {actor}.",
        "",
        f"Auteur : {author}",
        f"Reçu le : {local:%d/%m/%Y à %H:%M}",
        f"Lien : {entry['permalink'] or '(pas de lien public : message privé)'}",
        f"Thème : {entry['theme'] or '-'}   Priorité : {entry['priority']}",
        "",
        "Message :",
        entry["text"],
    ]
    if note.strip():
        lines += ["", "Note de l'équipe communication :", note.strip()]
    lines += [
        "",
        "Merci de répondre à l'équipe communication, qui répondra à la personne.",
        f"Référence Beffroi : file n°{entry['queue_id']}",
    ]
    return subject, "\n".join(lines)


def escalate(
    conn: sqlite3.Connection,
    settings: Settings,
    queue_id: int,
    service_key: str,
    *,
    actor: str,
    note: str = "",
    now: datetime | None = None,
    **place: str | float | None,
) -> str:
    """Transmit the item to the service; the French outcome to show the manager.

    ``place``: ``address`` (or ``lat`` and ``long``) locate the problem for a service on
    Open311 (``inbox.open311.transmit``); the e-mail carries the message as it is."""
    service = next((s for s in settings.services if s.key == service_key), None)
    if service is None:
        raise QueueError(f"Service inconnu : {service_key}.")
    entry = get_entry(conn, settings, queue_id)
    if entry is None:
        raise QueueError(QUEUE_ROW_GONE)
    if entry["status"] not in ("new", "assigned"):
        raise QueueError("Seul un message ouvert peut être transmis à un service.")
    if entry["sending_since"] is not None:
        raise QueueError(SENDING)  # before the e-mail: the store would refuse after it
    now = now or now_utc()
    if service.open311 is not None:
        said = transmit(conn, settings, entry, service, actor=actor, note=note, now=now, **place)
    else:
        subject, body = escalation_mail(settings, entry, service.name, actor, note)
        try:
            send_mail(settings, [service.email], subject, body)
        except MailError as exc:
            raise QueueError(f"Le courriel au service n'a pas pu partir : {exc}") from None
        store_escalate(conn, queue_id, service_key, actor=actor, now=now)
        said = f"Message transmis : {service.name}."
    _keep_service_note(conn, queue_id, service_key, actor, note, now)
    return said


def _keep_service_note(conn, queue_id: int, service_key: str, actor: str, note: str, now) -> None:
    """The note written for the service stays on the message, among its internal notes
    (it used to exist only in the e-mail or the Open311 request)."""
    if note.strip():
        add_note(
            conn,
            author=actor,
            body=note.strip(),
            now=now,
            queue_id=queue_id,
            kind="service",
            service=service_key,
        )
