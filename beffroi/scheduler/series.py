"""When rendez-vous occur: a series' recurrence turned into UTC instants.

APScheduler's ``CronTrigger`` computes the occurrences in the series' own time zone, so a
weekly 11:00 Paris post stays at 11:00 Paris on both sides of a daylight-saving change
(09:00 UTC in summer, 10:00 UTC in winter).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import islice, takewhile
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger

from beffroi.business_hours import SlaClock
from beffroi.config import WEEKDAYS as DAY_KEYS
from beffroi.config import Recurrence, Rendezvous, Settings
from beffroi.french import WEEKDAYS

NTH = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 5: "5th", -1: "last"}
# Never look further back than this for occurrences missed while the service was down.
MAX_LOOKBACK = timedelta(days=35)
# Closed days in a row after which a series is taken to have no more occurrences.
MAX_SKIPPED = 500


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
    minute, hour, day, month, day_of_week = recurrence.cron.split()
    return CronTrigger(
        minute=minute,
        hour=hour,
        day=day,
        month=month,
        day_of_week=cron_weekdays(day_of_week),
        second=0,
        timezone=tz,
    )


CRON_DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")


def cron_weekdays(field: str) -> str:
    """A standard cron day-of-week field (0 or 7 = Sunday) as APScheduler day names.

    APScheduler 3 numbers days from Monday = 0, so ``1-5`` would silently mean Tuesday to
    Saturday if passed through; names mean the same thing to both.
    """
    if field == "*":
        return "*"
    days: set[int] = set()
    for part in field.lower().split(","):
        body, _, step_text = part.partition("/")
        step = int(step_text) if step_text else 1
        if body == "*":
            first, last = 0, 6
        elif "-" in body:
            a, b = body.split("-", 1)
            first, last = _cron_day(a), _cron_day(b, upper=True)
        else:
            first = _cron_day(body)
            last = 6 if step_text else first
        span = range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)]
        days.update(d % 7 for d in list(span)[::step])
    return ",".join(CRON_DAYS[d] for d in sorted(days))


def _cron_day(text: str, upper: bool = False) -> int:
    if text in CRON_DAYS:
        return CRON_DAYS.index(text)
    value = int(text)
    if not 0 <= value <= 7:
        raise ValueError(f"day of week out of range in cron expression: {text}")
    return 7 if (value == 7 and upper) else value % 7


def _fire_times(rdv: Rendezvous, settings: Settings, after: datetime):
    """The series' instants from ``after`` on, closed days left out where the series says so."""
    tz = series_tz(rdv, settings)
    trigger = trigger_for(rdv.recurrence, tz)
    clock = SlaClock.from_settings(settings)
    moment = trigger.get_next_fire_time(None, after)
    skipped = 0  # a series that only ever falls on closed days (a cron on 25 December) ends
    while moment is not None and skipped < MAX_SKIPPED:
        if rdv.skip_closed_days and clock.is_closed(moment.astimezone(tz).date()):
            skipped += 1
        else:
            skipped = 0
            yield moment.astimezone(UTC).replace(microsecond=0)
        moment = trigger.get_next_fire_time(moment, moment + timedelta(seconds=1))


def occurrences(
    rdv: Rendezvous, settings: Settings, start: datetime, end: datetime
) -> list[datetime]:
    """Every occurrence in [start, end], as aware UTC datetimes (whole seconds)."""
    return list(takewhile(lambda moment: moment <= end, _fire_times(rdv, settings, start)))


def next_occurrences(rdv: Rendezvous, settings: Settings, after: datetime, count: int):
    return list(islice(_fire_times(rdv, settings, after), count))


def describe(rdv: Rendezvous) -> str:
    """The recurrence in French, for the calendar."""
    r = rdv.recurrence
    days = dict(zip(DAY_KEYS, WEEKDAYS, strict=True))  # "mon" → "lundi"
    if r.kind == "weekly":
        return f"chaque {', '.join(days[d] for d in r.days)} à {r.time:%H:%M}"
    if r.kind == "monthly":
        rank = "dernier" if r.nth == -1 else ("1er" if r.nth == 1 else f"{r.nth}e")
        return f"le {rank} {days[r.weekday]} du mois à {r.time:%H:%M}"
    return f"cron « {r.cron} »"
