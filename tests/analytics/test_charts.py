"""The shared charts, rendered for real (vl-convert, the renderer of the report files):
date axes write each date once (issue "dashboard", Rapports: "no repeated dates on axes")."""

from __future__ import annotations

import re

import pandas as pd
import vl_convert as vlc

from beffroi.analytics import charts


def axis_dates(chart) -> list[str]:
    return re.findall(r">(\d\d/\d\d)<", vlc.vegalite_to_svg(chart.to_dict()))


def test_two_days_of_messages_name_each_day_once():
    daily = pd.DataFrame(
        {"day": ["2026-11-30", "2026-12-01"], "network": ["x", "facebook"], "n": [3, 5]}
    )
    assert axis_dates(charts.volume_by_day(daily)) == ["30/11", "01/12"]  # was 30/11 ×2, 01/12 ×2


def test_the_weekly_trend_names_its_weeks_once():
    trend = pd.DataFrame(
        {
            "week": ["2026-11-16", "2026-11-23", "2026-11-30"],
            "median_minutes": [30.0, 40.0, 35.0],
            "within_sla": [0.9, 0.8, 0.85],
        }
    )
    assert axis_dates(charts.response_trend(trend)) == ["16/11", "23/11", "30/11"]


def test_a_month_of_days_never_repeats_a_date():
    days = pd.date_range("2026-11-01", "2026-11-30").strftime("%Y-%m-%d")
    daily = pd.DataFrame({"day": days, "network": "x", "n": range(len(days))})
    shown = axis_dates(charts.volume_by_day(daily))
    assert shown and len(shown) == len(set(shown))
