"""French dates written without the machine's locale (which is rarely French on a server)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from beffroi.french import french_date


def test_french_date_names_the_day_and_month_in_french():
    assert french_date(date(2026, 12, 3)) == "jeudi 3 décembre 2026"
    assert french_date(date(2027, 8, 1)) == "dimanche 1 août 2027"


def test_french_date_of_a_datetime_is_its_own_local_day():
    late = datetime(2026, 2, 28, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert french_date(late) == "samedi 28 février 2026"
    assert french_date(late.astimezone(ZoneInfo("Europe/Paris"))) == "dimanche 1 mars 2026"
