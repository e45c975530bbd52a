"""Internal notes on a message or a member, and the colleagues they mention.

A colleague is mentioned by ``@username`` in the text or by being picked in the list under
the note; they see it in their "Mentions" in the inbox and, when their staff account has an
e-mail address, receive it by mail. A mail that cannot go never loses the note: the note is
stored first, and the reason is kept on the mention and said to the writer.

Notes are internal: no function here talks to a network, and the reports never read them.
They leave with the person they are about (``beffroi.store.privacy``).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from beffroi.config import Settings
from beffroi.inbox.links import message_url
from beffroi.mailer import MailError, send_mail
from beffroi.store import get_staff, list_staff, now_utc
from beffroi.store.notes import add_note, record_mention_mail
from beffroi.store.queue import QUEUE_ROW_GONE, QueueError

__all__ = ["NoteWritten", "mentioned_in", "write_note"]

MAX_NOTE = 4_000
_MENTION = re.compile(r"(?<![\w.])@([\w.-]+)")


@dataclass(frozen=True)
class NoteWritten:
    note_id: int
    mentioned: tuple[str, ...]
    not_mailed: tuple[str, ...] = ()  # mentioned colleagues whose e-mail did not go

    @property
    def message(self) -> str:
        said = "Note enregistrée."
        if self.mentioned:
            said += f" {len(self.mentioned)} collègue(s) prévenu(s)."
        if self.not_mailed:
            said += (
                f" Le courriel n'a pas pu partir pour {len(self.not_mailed)} d'entre eux : "
                "ils verront la note dans leurs mentions."
            )
        return said


def mentioned_in(text: str, usernames: Iterable[str]) -> list[str]:
    """The colleagues named ``@username`` in ``text`` (any case), in the order written."""
    known = {u.casefold(): u for u in usernames}
    found: list[str] = []
    for word in _MENTION.findall(text):
        username = known.get(word.rstrip(".-").casefold())
        if username and username not in found:
            found.append(username)
    return found


def write_note(
    conn: sqlite3.Connection,
    settings: Settings,
    text: str,
    *,
    actor: str,
    queue_id: int | None = None,
    member_id: int | None = None,
    mention: Iterable[str] = (),
    now: datetime | None = None,
) -> NoteWritten:
    """Store a note (on a message or a member), then tell the colleagues it names."""
    now = now or now_utc()
    body = text.strip()
    if not body:
        raise QueueError("La note est vide.")
    if len(body) > MAX_NOTE:
        raise QueueError(f"Une note fait au plus {MAX_NOTE} caractères.")
    active = [m.username for m in list_staff(conn) if m.active]
    named = [u for u in [*mentioned_in(body, active), *mention] if u in active]
    named = list(dict.fromkeys(u for u in named if u != actor))
    try:
        note_id = add_note(
            conn,
            author=actor,
            body=body,
            now=now,
            queue_id=queue_id,
            member_id=member_id,
            mentions=named,
        )
    except LookupError:
        raise QueueError(QUEUE_ROW_GONE) from None
    not_mailed = tuple(
        username
        for username in named
        if not _mail_mention(conn, settings, note_id, username, actor, body, queue_id, now)
    )
    return NoteWritten(note_id, tuple(named), not_mailed)


def _mail_mention(
    conn, settings: Settings, note_id: int, username: str, actor: str, body: str, queue_id, now
) -> bool:
    """Mail the note to the colleague; False if they have an address and the mail failed."""
    member = get_staff(conn, username)
    if member is None or not member.email:
        return True  # no address: the dashboard's list is how they learn of it
    writer = get_staff(conn, actor)
    name = writer.display_name if writer else actor
    where = f"le message n°{queue_id}" if queue_id is not None else "une fiche de la communauté"
    lines = [
        f"Bonjour {member.display_name},",
        "",
        f"{name} vous a mentionné·e dans une note interne sur {where} ({settings.city.name}) :",
        "",
        body,
        "",
        "Retrouvez-la dans Beffroi, Boîte de réception, rubrique « Mentions ».",
        "Cette note est interne : elle n'est jamais publiée sur les réseaux.",
    ]
    base = settings.dashboard.public_url
    if base and queue_id is not None:
        lines[-2:-2] = [f"Ouvrir le message : {message_url(base, queue_id)}", ""]
    try:
        send_mail(
            settings,
            [member.email],
            f"[Beffroi] {name} vous a mentionné·e dans une note",
            "\n".join(lines),
        )
    except MailError as exc:
        record_mention_mail(conn, note_id, username, now=now, error=str(exc))
        return False
    record_mention_mail(conn, note_id, username, now=now)
    return True
