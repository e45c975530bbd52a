"""Saved replies: French templates per theme with ``{prenom}`` and ``{service}``.

Only these two placeholders are filled; any other brace is left as written, so a template
can never fail to render (``str.format`` would raise on a stray ``{``).
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass

from beffroi.config import Settings
from beffroi.inbox.text import fold

PLACEHOLDERS = ("prenom", "service")
DEFAULT_SERVICE = "service concerné"


@dataclass(frozen=True)
class SavedReply:
    id: int
    theme: str | None
    title: str
    body: str


def list_saved_replies(
    conn: sqlite3.Connection, theme: str | None = None, *, all_themes: bool = False
) -> list[SavedReply]:
    """The active templates for a theme (its own first, then the general ones)."""
    rows = conn.execute(
        "SELECT id, theme, title, body FROM saved_replies WHERE active = 1 "
        "AND (? OR theme IS NULL OR theme = ?) ORDER BY theme IS NULL, theme, title",
        (all_themes, theme),
    ).fetchall()
    return [SavedReply(r["id"], r["theme"], r["title"], r["body"]) for r in rows]


def search_saved_replies(replies: list[SavedReply], query: str) -> list[SavedReply]:
    """The replies whose title or text holds every word of ``query`` (accents and case
    ignored: "dechet" finds "Déchets verts"); an empty query keeps them all."""
    words = fold(query).split()
    return [r for r in replies if all(w in fold(f"{r.title} {r.body}") for w in words)]


def first_name(display_name: str | None) -> str:
    """The first word of a display name, when it looks like a first name."""
    if not display_name:
        return ""
    word = display_name.strip().split()[0] if display_name.strip() else ""
    return word if word[:1].isalpha() and not word.startswith("@") else ""


def service_name(settings: Settings, theme: str | None, service_key: str | None = None) -> str:
    key = service_key
    if key is None and theme:
        key = next((t.service for t in settings.themes if t.name == theme), None)
    for service in settings.services:
        if service.key == key:
            return service.name
    return DEFAULT_SERVICE


def render(body: str, *, prenom: str = "", service: str = DEFAULT_SERVICE) -> str:
    text = body.replace("{prenom}", prenom).replace("{service}", service)
    # "Bonjour {prenom}," with no first name reads "Bonjour,": no stray space.
    text = re.sub(r"[ \t]+([,.!?])", r"\1", text) if not prenom else text
    return re.sub(r"[ \t]{2,}", " ", text)
