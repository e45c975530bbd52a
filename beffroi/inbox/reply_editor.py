"""What the reply box checks: the network's length limit, and a promise of forwarding kept.

The length is counted as the network counts it (``collectors.post_length``: X weighs links
as 23 and emoji as 2), against the limit of the message's kind (a reply, a private message)
or the account's own ``max_chars``. ``send_reply`` refuses a text over the limit before the
network is called (X used to take a 464-character reply and Beffroi stored it as sent); the
dashboard counts live with the same rules (``dashboard.reply_counter``).

A reply that tells the citizen "votre demande a été transmise à nos services" while nobody
forwarded it is a promise the city does not keep: the box says so before it is sent.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from beffroi.collectors import Item
from beffroi.collectors.post_length import reply_limit, text_length
from beffroi.config import Settings
from beffroi.french import french_number
from beffroi.inbox.text import fold
from beffroi.labels import network_label

NOT_FORWARDED = "Ce message n'a pas été transmis : transmettez-le ou changez la réponse."
# "transmis à nos services", "transmise au service voirie", "nous l'avons transmis",
# "je transmets à mes collègues", "nos collègues (…) sont prévenus", "vont vous répondre":
# on folded text (no accents, lower case).
_PEOPLE = r"(?:services?|collegues?|equipes?|agents?|elus?|mairie|direction)"
_FORWARDED_WORDS = re.compile(
    r"\b(?:transmi(?:s|se|ses)|transmet(?:s|tons|tre|trons)?|relaye(?:e|es|s)?)\b"
    rf"[^.!?\n]{{0,60}}?\b{_PEOPLE}\b"
    r"|\b(?:avons|ai|a|est|ete)\s+(?:bien\s+)?transmi(?:s|se)\b"
    rf"|\b{_PEOPLE}\b[^.!?\n]{{0,40}}?\b(?:sont|est|ont ete|a ete)\s+(?:bien\s+)?"
    r"(?:informe|prevenu|saisi|alerte)e?s?\b"
    rf"|\b{_PEOPLE}\b[^.!?\n]{{0,40}}?\b(?:vont|va)\s+(?:vous\s+)?"
    r"(?:repondre|recontacter|rappeler|revenir)\b"
    r"|\breviennent vers vous\b"
)


@dataclass(frozen=True)
class LengthCheck:
    network: str  # as the reader sees it (a simulated X account counts as X)
    length: int
    limit: int | None

    @property
    def ok(self) -> bool:
        return self.limit is None or self.length <= self.limit

    def sentence(self) -> str:
        """'123 / 280 caractères' (with how X counts), for the counter under the box."""
        if self.limit is None:
            return f"{french_number(self.length, 0)} caractères"
        text = f"{french_number(self.length, 0)} / {french_number(self.limit, 0)} caractères"
        if self.network == "x":
            text += " (X compte un lien pour 23, un émoji pour 2)"
        if not self.ok:
            text += f" : {french_number(self.length - self.limit, 0)} de trop"
        return text


def _account_facts(settings: Settings, account: str, network: str) -> tuple[str, int | None]:
    """The network a person sees (a simulated X account counts as X) and ``max_chars``."""
    try:
        found = settings.account(account)
    except KeyError:
        return network, None
    return found.shown_network, found.max_chars


def length_for(settings: Settings, account: str, network: str, kind: str, text: str) -> LengthCheck:
    """A reply's length from ``account`` to a message of ``kind``, as its network counts."""
    shown, max_chars = _account_facts(settings, account, network)
    return LengthCheck(
        shown, text_length(shown, (text or "").strip()), reply_limit(shown, kind, max_chars)
    )


def reply_length(settings: Settings, item: Item, text: str) -> LengthCheck:
    """The reply's length as the network of ``item`` counts it, and its limit there."""
    return length_for(settings, item.account, item.network, item.kind, text)


def too_long(check: LengthCheck) -> str | None:
    """The French sentence refusing a reply over the limit, or None."""
    if check.ok:
        return None
    over = check.length - (check.limit or 0)
    return (
        f"Réponse trop longue pour {network_label(check.network)} : "
        f"{french_number(check.length, 0)} caractères comptés pour "
        f"{french_number(check.limit or 0, 0)} au plus ({french_number(over, 0)} de trop). "
        "Raccourcissez-la : le brouillon est conservé."
    )


def says_forwarded(text: str) -> bool:
    """True when the text tells the citizen their message was passed on to someone."""
    return bool(_FORWARDED_WORDS.search(fold(text or "")))


def was_forwarded(conn: sqlite3.Connection, queue_id: int) -> bool:
    """An e-mail escalation or an Open311 request (not one that failed) exists."""
    row = conn.execute(
        "SELECT escalated_at IS NOT NULL OR EXISTS (SELECT 1 FROM open311_requests r "
        "WHERE r.queue_id = q.id AND r.state != 'failed') FROM queue q WHERE q.id = ?",
        (queue_id,),
    ).fetchone()
    return bool(row and row[0])


def forwarding_warning(conn: sqlite3.Connection, queue_id: int, text: str) -> str | None:
    """``NOT_FORWARDED`` when the reply promises a forwarding that did not happen."""
    if says_forwarded(text) and not was_forwarded(conn, queue_id):
        return NOT_FORWARDED
    return None
