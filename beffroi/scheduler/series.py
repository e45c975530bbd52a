"""When rendez-vous occur: a series' recurrence turned into UTC instants.

APScheduler's ``CronTrigger`` computes the occurrences in the series' own time zone, so a
weekly 11:00 Paris post stays at 11:00 Paris on both sides of a daylight-saving change
(09:00 UTC in summer, 10:00 UTC in winter).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from beffroi.config import Settings
from beffroi.config.settings import Recurrence, Rendezvous

NTH = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
# Never look further back than this for occurrences missed while the service was down.
MAX_LOOKBACK = timedelta(days=35)


def series_tz(rdv: Rendezvous, settings: Settings) -> ZoneInfo:
    return ZoneInfo(rdv.timezone) if rdv.timezone else settings.tz


def trigger_for(recurrence: Recurrence, tz: ZoneInfo) -> CronTrigger:
    if recurrence.kind == "weekly":
        return CronTrigger(
            day_of_week=",".join(recurrence.days),
            hour=recurrence.time.hour,
            minute=recurrence.time.minute,
            second=0,
            timezone=tz,
        )
    if recurrence.kind == "monthly":
        return CronTrigger(
            day=f"{NTH[recurrence.nth]} {recurrence.weekday}",
            hour=recurrence.time.hour,
            minute=recurrence.time.minute,
            second=0,
            timezone=tz,
        )
    return CronTrigger.from_crontab(recurrence.cron, timezone=tz)


def occurrences(
    rdv: Rendezvous, settings: Settings, start: datetime, end: datetime
) -> list[datetime]:
    """Every occurrence in [start, end], as aware UTC datetimes (whole seconds)."""
    trigger = trigger_for(rdv.recurrence, series_tz(rdv, settings))
    found: list[datetime] = []
    moment = trigger.get_next_fire_time(None, start)
    while moment is not None and moment <= end:
        found.append(moment.astimezone(UTC).replace(microsecond=0))
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return found


def next_occurrences(rdv: Rendezvous, settings: Settings, after: datetime, count: int):
    trigger = trigger_for(rdv.recurrence, series_tz(rdv, settings))
    found: list[datetime] = []
    moment = trigger.get_next_fire_time(None, after)
    while moment is not None and len(found) < count:
        found.append(moment.astimezone(UTC).replace(microsecond=0))
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))
    return found


def describe(rdv: Rendezvous) -> str:
    """The recurrence in French, for the calendar."""
    r = rdv.recurrence
    days = {
        "mon": "lundi",
        "tue": "mardi",
        "wed": "mercredi",
        "thu": "jeudi",
        "fri": "vendredi",
        "sat": "samedi",
        "sun": "dimanche",
    }
    if r.kind == "weekly":
        return f"chaque {', '.join(days[d] for d in r.days)} à {r.time:%H:%M}"
    if r.kind == "monthly":
        rank = "dernier" if r.nth == -1 else ("1er" if r.nth == 1 else f"{r.nth}e")
        return f"le {rank} {days[r.weekday]} du mois à {r.time:%H:%M}"
    return f"cron « {r.cron} »"
