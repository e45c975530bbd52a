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


def french_number(value: float, digits: int = 1) -> str:
    """'1 234,5': a decimal comma and a narrow no-break space between thousands, as French
    typography writes numbers (Python's format writes '1,234.5' whatever the locale)."""
    text = f"{value:,.{digits}f}"
    if text.lstrip("-").strip("0.,") == "":
        text = text.lstrip("-")  # never "-0,0"
    return text.replace(",", "\u202f").replace(".", ",")


def dollars(value: float, digits: int = 2) -> str:
    """'43,18 $': an amount in US dollars (X's prices), written the French way."""
    return f"{french_number(value, digits)} $"
