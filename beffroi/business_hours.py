"""The SLA clock: deadlines and durations counted in the city's business hours.

A message sent on Friday at 19:00 with a four-hour target is due on Monday at 12:30, not on
Friday at 23:00: the clock only runs on business days (configured weekdays that are neither
a public holiday of the city's country nor a configured closure), between the opening and
closing times, in the city's own time zone. Opening times are wall-clock local times, so a
daylight-saving change moves them in UTC, as it does for the staff.

One clock for the whole product, outside the rooms like ``mailer`` and ``french``: the
queue's deadlines (inbox) and the reports' delays (analytics) must agree, and analytics may
not import the inbox.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from datetime import time as Time
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from beffroi.config import WEEKDAYS, Settings

# Ten years without a single business day means the configuration is broken.
_MAX_DAYS = 3660
_END_OF_TIME = datetime.max.replace(tzinfo=UTC)


class SlaClock:
    def __init__(
        self,
        tz: ZoneInfo,
        *,
        days: list[str],
        start: Time,
        end: Time,
        country: str | None = "FR",
        closures: list[date] | tuple[date, ...] = (),
    ) -> None:
        self.tz = tz
        self.weekdays = frozenset(WEEKDAYS.index(d) for d in days)
        self.start, self.end = start, end
        self.country = country
        self.closures = frozenset(closures)
        self._days: dict[date, bool] = {}
        self._windows: dict[date, tuple[datetime, datetime]] = {}
        if not self.weekdays:
            raise ValueError("business hours need at least one day")

    @classmethod
    def from_settings(cls, settings: Settings) -> SlaClock:
        hours = settings.business_hours
        return cls(
            settings.tz,
            days=list(hours.days),
            start=hours.start,
            end=hours.end,
            country=settings.city.country if hours.public_holidays else None,
            closures=hours.closures,
        )

    def is_closed(self, day: date) -> bool:
        """A public holiday or a closure of the town hall, whatever the day of the week."""
        return day in self.closures or bool(
            self.country and day in _public_holidays(self.country, day.year)
        )

    def is_business_day(self, day: date) -> bool:
        # Remembered per day: a holiday lookup costs ~100 µs, and every deadline and every
        # response delay asks about the same few days again.
        known = self._days.get(day)
        if known is None:
            known = self._days[day] = self._is_business_day(day)
        return known

    def _is_business_day(self, day: date) -> bool:
        return day.weekday() in self.weekdays and not self.is_closed(day)

    def _window(self, day: date) -> tuple[datetime, datetime]:
        """The day's opening hours as aware UTC times (wall-clock local, DST applied);
        remembered per day like ``is_business_day`` (two time-zone conversions a day, for
        every deadline of a collection page)."""
        known = self._windows.get(day)
        if known is None:
            known = self._windows[day] = self._day_window(day)
        return known

    def _day_window(self, day: date) -> tuple[datetime, datetime]:
        opens = datetime.combine(day, self.start, tzinfo=self.tz).astimezone(UTC)
        closes = datetime.combine(day, self.end, tzinfo=self.tz).astimezone(UTC)
        return opens, closes

    def _windows_from(self, moment: datetime):
        """Each business day's opening hours from ``moment``'s day on; the walk stops at the
        calendar's end (year 9999), and a configuration with no business day in ten years
        is an error."""
        try:
            day = moment.astimezone(self.tz).date()
        except OverflowError:  # the last hours of 31 December 9999, past midnight locally
            return
        for offset in range(_MAX_DAYS):
            try:
                current = day + timedelta(days=offset)
            except OverflowError:
                return
            if self.is_business_day(current):
                yield self._window(current)
        raise ValueError("no business day in ten years: check business_hours")

    def due_at(self, received_at: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` business minutes after ``received_at`` (UTC, aware).

        A message dated at the calendar's end (a network may send year 9999) has no business
        day left: its deadline is the last moment the calendar holds, never a crash."""
        remaining = timedelta(minutes=minutes)
        received = received_at.astimezone(UTC)
        try:
            for opens, closes in self._windows_from(received):
                begin = max(opens, received)
                if begin >= closes:
                    continue
                available = closes - begin
                if remaining <= available:
                    return begin + remaining
                remaining -= available
        except OverflowError:
            pass
        return _END_OF_TIME

    def business_seconds_between(self, a: datetime, b: datetime) -> int:
        """Business seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``).

        A delay longer than ten years (a message a network dates in year 1) is counted over
        its last ten years: the clock walks day by day, and no real answer waits that long."""
        a, b = a.astimezone(UTC), b.astimezone(UTC)
        if b <= a:
            return 0
        try:
            a = max(a, b - timedelta(days=_MAX_DAYS - 10))
        except OverflowError:
            pass
        total = timedelta()
        try:
            for opens, closes in self._windows_from(a):
                if opens >= b:
                    break
                begin, finish = max(opens, a), min(closes, b)
                if finish > begin:
                    total += finish - begin
        except OverflowError:
            pass
        return int(total.total_seconds())

    def business_minutes_between(self, a: datetime, b: datetime) -> float:
        return self.business_seconds_between(a, b) / 60

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.tz)
        if not self.is_business_day(local.date()):
            return False
        opens, closes = self._window(local.date())
        return opens <= moment.astimezone(UTC) < closes


@lru_cache(maxsize=64)
def _public_holidays(country: str, year: int):
    return holidays.country_holidays(country, years=year)
