"""How the dashboard writes times, networks and statuses for French city staff.

Times are stored in UTC and always shown in the city's time zone; a community manager
thinks "hier à 14:02", not "2026-11-24 13:02:00 UTC".
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from beffroi.collectors import KINDS
from beffroi.french import MONTHS, WEEKDAYS, french_date
from beffroi.inbox import PRIORITY_LABELS, STATUS_LABELS, author_label
from beffroi.labels import NETWORK_LABELS, kind_label, network_label
from beffroi.store import from_db

__all__ = [
    "KIND_LABELS",
    "NETWORK_LABELS",
    "PRIORITY_LABELS",
    "STATUS_LABELS",
    "STREAM_LABELS",
    "author_label",
    "full_time",
    "local_time",
    "network_label",
    "relative_time",
]

KIND_LABELS = {kind: kind_label(kind) for kind in KINDS}  # "Message privé"
# Collection streams, as the collectors name them.
STREAM_LABELS = {
    "mentions": "mentions",
    "replies": "réponses",
    "comments": "commentaires",
    "dms": "messages privés",
    "messages": "messages privés",
    "posts": "publications",
    "ugc": "publications citoyennes",
    "hashtags": "hashtags",
    "notifications": "notifications (mentions et réponses)",
    "own": "publications de la ville",
    "engagement": "j'aime et partages",
    "*": "tous les flux",
}


def local_time(moment: datetime | str | None, tz: tzinfo) -> datetime | None:
    """An aware time (or database text) in the city's zone."""
    if isinstance(moment, str):
        moment = from_db(moment)
    return None if moment is None else moment.astimezone(tz)


def relative_time(moment: datetime | str | None, now: datetime, tz: tzinfo) -> str:
    """French relative time: "à l'instant", "il y a 5 min", "hier à 14:02", "3 mars 2025".

    Calendar words (aujourd'hui, hier, weekday) are decided in the city's zone, so a
    message at 23:30 UTC is "aujourd'hui à 00:30" in Paris the next morning, not "hier".
    """
    local = local_time(moment, tz)
    if local is None:
        return ""
    here = now.astimezone(tz)
    seconds = (here - local).total_seconds()
    if seconds < 60:  # also a time slightly ahead of our clock
        return "à l'instant"
    if seconds < 3600:
        return f"il y a {int(seconds // 60)} min"
    clock = f"{local:%H:%M}"
    days = (here.date() - local.date()).days
    if days == 0:
        return f"aujourd'hui à {clock}"
    if days == 1:
        return f"hier à {clock}"
    if days < 7:
        return f"{WEEKDAYS[local.weekday()]} à {clock}"
    if local.year == here.year:
        return f"{local.day} {MONTHS[local.month - 1]} à {clock}"
    return f"{local.day} {MONTHS[local.month - 1]} {local.year}"


def received_time(moment: datetime | str | None, now: datetime, tz: tzinfo) -> str:
    """ "mardi 8 septembre 2026 à 20:24", followed by "(il y a 5 min)" or "(hier à 20:24)"
    only while the relative words say something the date does not: a week on, they would
    only repeat it ("… 8 septembre 2026 à 20:24 (8 septembre à 20:24)")."""
    full = full_time(moment, tz)
    local = local_time(moment, tz)
    if local is None or (now.astimezone(tz).date() - local.date()).days >= 7:
        return full
    return f"{full} ({relative_time(moment, now, tz)})"


def full_time(moment: datetime | str | None, tz: tzinfo) -> str:
    """An unambiguous local time: "mardi 24 novembre 2026 à 14:02"."""
    local = local_time(moment, tz)
    if local is None:
        return ""
    return f"{french_date(local)} à {local:%H:%M}"
