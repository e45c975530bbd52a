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


def test_french_numbers_use_a_decimal_comma_and_a_narrow_space_for_thousands():
    from beffroi.french import french_number

    assert french_number(143.8) == "143,8"
    assert french_number(1234567.891, 2) == "1\u202f234\u202f567,89"
    assert french_number(-0.04) == "0,0"  # never "-0,0"
    assert french_number(12, 0) == "12"


def test_the_ranking_explanation_writes_french_numbers():
    from beffroi.analytics import describe
    from beffroi.analytics.ranking import KINDS, Explanation

    counts = {k: 0 for k in KINDS}
    points = {k: 0.0 for k in KINDS}
    counts["comment"], points["comment"] = 3, 4.25
    why = Explanation(
        person_id=1,
        score=143.8,
        counts=counts,
        contributions=points,
        active_weeks=2,
        bonus=1.5,
        accounts=[],
        last_interactions=[],
    )
    text = describe(why)
    assert text.startswith("143,8 pts = 3 commentaires (4,2 pts)")  # 4.25 rounds half-even
    assert text.endswith("2 semaines actives (+1,5)")


def test_dollar_amounts_are_written_the_french_way():
    from beffroi.french import dollars

    assert dollars(43.178) == "43,18 $"
    assert dollars(0.005, 3) == "0,005 $"
    assert dollars(1234.5) == "1\u202f234,50 $"
