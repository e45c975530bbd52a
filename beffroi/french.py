"""French calendar words, spelled out here rather than taken from the machine's locale.

A server's locale is rarely French (and changing it is process-wide), so every room that
writes a date for people (the dashboard, the directors' reports, invitations) uses these.
This module imports nothing of Beffroi's, so any room may import it.
"""

from __future__ import annotations

from datetime import date

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


def french_date(day: date) -> str:
    """'jeudi 3 décembre 2026' (a datetime is written in its own time zone)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"
