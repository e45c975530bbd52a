from datetime import UTC, datetime, time

from beffroi.config.settings import Recurrence, Rendezvous
from beffroi.scheduler.series import describe, next_occurrences, occurrences


def utc(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, tzinfo=UTC)


def rdv(**recurrence):
    return Rendezvous(key="r", name="R", accounts=["x_ville"], recurrence=Recurrence(**recurrence))


def test_weekly_stays_at_local_time_across_the_autumn_change(example_settings):
    series = rdv(kind="weekly", days=["thu"], time=time(11, 0))
    found = occurrences(series, example_settings, utc(2026, 10, 14), utc(2026, 11, 6))
    local = [o.astimezone(example_settings.tz) for o in found]
    assert [d.day for d in local] == [15, 22, 29, 5]
    assert all((d.hour, d.minute, d.weekday()) == (11, 0, 3) for d in local)
    # 09:00 UTC in summer time, 10:00 UTC after 25 October.
    assert [o.hour for o in found] == [9, 9, 10, 10]


def test_weekly_several_days_and_spring_change(example_settings):
    series = rdv(kind="weekly", days=["tue", "sat"], time=time(12, 30))
    found = occurrences(series, example_settings, utc(2027, 3, 20), utc(2027, 4, 4))
    local = [o.astimezone(example_settings.tz) for o in found]
    assert [(d.month, d.day) for d in local] == [(3, 20), (3, 23), (3, 27), (3, 30), (4, 3)]
    assert {(d.hour, d.minute) for d in local} == {(12, 30)}
    assert [o.hour for o in found] == [11, 11, 11, 10, 10]


def test_monthly_nth_and_last_weekday(example_settings):
    first = rdv(kind="monthly", nth=1, weekday="mon", time=time(9, 0))
    last = rdv(kind="monthly", nth=-1, weekday="fri", time=time(17, 0))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert [
        o.astimezone(example_settings.tz).day
        for o in next_occurrences(first, example_settings, start, 3)
    ] == [5, 2, 2]
    assert [
        o.astimezone(example_settings.tz).day
        for o in next_occurrences(last, example_settings, start, 3)
    ] == [30, 27, 27]
    assert "dernier vendredi" in describe(last)


def test_cron_expression_in_the_series_time_zone(example_settings):
    series = Rendezvous(
        key="c",
        name="C",
        accounts=["x_ville"],
        timezone="America/New_York",
        recurrence=Recurrence(kind="cron", cron="0 8 * * 1-5"),
    )
    found = next_occurrences(series, example_settings, datetime(2026, 7, 3, 13, tzinfo=UTC), 2)
    assert found == [datetime(2026, 7, 6, 12, tzinfo=UTC), datetime(2026, 7, 7, 12, tzinfo=UTC)]


def test_cron_day_numbers_follow_standard_cron():
    from beffroi.scheduler.series import cron_weekdays

    assert cron_weekdays("1-5") == "mon,tue,wed,thu,fri"
    assert cron_weekdays("0") == cron_weekdays("7") == "sun"
    assert cron_weekdays("5-7") == "sun,fri,sat"
    assert cron_weekdays("*/2") == "sun,tue,thu,sat"
    assert cron_weekdays("sat,sun") == "sun,sat"


def test_public_holidays_and_town_hall_closures_have_no_rendezvous(example_settings):
    """The example closes the town hall on 24 and 31 December 2026 (two Thursdays), and
    Ascension 2027 is Thursday 6 May: no post is due, so the calendar never asks for a draft."""
    series = rdv(kind="weekly", days=["thu"], time=time(11, 0))
    winter = occurrences(series, example_settings, utc(2026, 12, 20), utc(2027, 1, 10))
    assert [o.astimezone(example_settings.tz).date().isoformat() for o in winter] == ["2027-01-07"]
    spring = next_occurrences(series, example_settings, datetime(2027, 4, 30, tzinfo=UTC), 2)
    assert [o.astimezone(example_settings.tz).day for o in spring] == [13, 20]
    # A series that must go out whatever the day says so.
    always = series.model_copy(update={"skip_closed_days": False})
    kept = occurrences(always, example_settings, utc(2026, 12, 20), utc(2027, 1, 10))
    assert len(kept) == 3
