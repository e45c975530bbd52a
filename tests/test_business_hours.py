from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from beffroi.business_hours import SlaClock

PARIS = ZoneInfo("Europe/Paris")


def paris(*args):
    return datetime(*args, tzinfo=PARIS)


def utc(*args):
    return datetime(*args, tzinfo=UTC)


def clock(example_settings):
    return SlaClock.from_settings(example_settings)


def test_across_a_weekend(example_settings):
    c = clock(example_settings)
    friday = paris(2026, 11, 27, 16, 30)
    # one hour on Friday, three on Monday morning
    assert c.due_at(friday, 240) == paris(2026, 11, 30, 11, 30)
    assert c.business_minutes_between(friday, paris(2026, 11, 30, 11, 30)) == 240


def test_a_public_holiday_is_skipped(example_settings):
    c = clock(example_settings)
    # Wednesday 11 November 2026 is Armistice Day
    assert c.due_at(paris(2026, 11, 10, 17, 0), 60) == paris(2026, 11, 12, 9, 0)
    assert c.business_minutes_between(paris(2026, 11, 10, 17, 0), paris(2026, 11, 12, 9, 0)) == 60


def test_closures_holidays_and_weekend_in_a_row(example_settings):
    c = clock(example_settings)
    # 24 Dec closure, 25 Dec Christmas, then the weekend
    assert c.due_at(paris(2026, 12, 23, 17, 0), 60) == paris(2026, 12, 28, 9, 0)


def test_daylight_saving_end_of_october(example_settings):
    c = clock(example_settings)
    friday = paris(2026, 10, 23, 17, 0)  # CEST, 15:00 UTC
    assert friday.astimezone(UTC) == utc(2026, 10, 23, 15, 0)
    due = c.due_at(friday, 60)
    assert due == utc(2026, 10, 26, 8, 0)  # Monday 9:00 CET
    assert due.astimezone(PARIS).hour == 9
    assert c.business_minutes_between(friday, due) == 60


def test_daylight_saving_end_of_march(example_settings):
    c = clock(example_settings)
    due = c.due_at(paris(2026, 3, 27, 17, 0), 60)  # CET, 16:00 UTC
    assert due == utc(2026, 3, 30, 7, 0)  # Monday 9:00 CEST
    # a business day around the change keeps its nine hours
    assert c.business_minutes_between(paris(2026, 3, 30, 0, 0), paris(2026, 3, 31, 0, 0)) == 540


def test_a_message_sent_at_night(example_settings):
    c = clock(example_settings)
    night = paris(2026, 12, 1, 2, 13)
    assert c.due_at(night, 240) == paris(2026, 12, 1, 12, 30)
    assert c.business_minutes_between(night, paris(2026, 12, 1, 9, 0)) == 30
    assert not c.is_open(night) and c.is_open(paris(2026, 12, 1, 9, 0))


def test_between_is_zero_backwards_and_outside_hours(example_settings):
    c = clock(example_settings)
    assert c.business_minutes_between(paris(2026, 12, 1, 12, 0), paris(2026, 12, 1, 9, 0)) == 0
    assert c.business_minutes_between(paris(2026, 12, 5, 9, 0), paris(2026, 12, 6, 20, 0)) == 0
