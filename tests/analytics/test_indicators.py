"""Indicators against values computed by hand (business hours Mon–Fri 8:30–17:30, Paris)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest

from beffroi.analytics.indicators import (
    Scope,
    business_minutes,
    inbound_buckets,
    last_complete_period,
    managers,
    members_new_returning,
    period_containing,
    responses,
    summarise_responses,
    top_posts,
    volume_by,
    weekly_trend,
)
from beffroi.store import to_db, transaction
from tests.analytics.helpers import item, save

PARIS = ZoneInfo("Europe/Paris")


def paris(y, mo, d, h, mi=0):
    return datetime(y, mo, d, h, mi, tzinfo=PARIS).astimezone(UTC)


def _reply(db, item_id, at, by, priority="normal"):
    with transaction(db):
        db.execute(
            "UPDATE queue SET status = 'replied', replied_at = ?, replied_by = ?, priority = ? "
            "WHERE item_id = ?",
            (to_db(at), by, priority, item_id),
        )


@pytest.fixture
def week(db):
    """Five messages needing a reply in the week of Monday 23 November 2026."""
    ids = save(
        db,
        [
            item("ana", at=paris(2026, 11, 23, 9), text="Le bus 12 est en retard ?"),
            item("ben", at=paris(2026, 11, 23, 17), text="Encombrants rue Nationale"),
            item("chloe", at=paris(2026, 11, 24, 10), text="Horaires de la mairie ?"),
            item("dan", at=paris(2026, 11, 25, 8), text="Et le marché ?"),
            item("eve", at=paris(2026, 11, 23, 7), account="x_ville", network="x", text="Fuite !"),
        ],
        theme="mobilité",
        needs_reply=True,
    )
    save(db, [item("fred", at=paris(2026, 11, 23, 11), text="merci !")], needs_reply=False)
    _reply(db, ids[0], paris(2026, 11, 23, 10), "marie")  # 60 business minutes
    _reply(db, ids[1], paris(2026, 11, 24, 9, 30), "marie")  # 30 + 60 = 90
    _reply(db, ids[2], paris(2026, 11, 24, 16), "paul")  # 360: over the 240 of 'normal'
    _reply(db, ids[4], paris(2026, 11, 23, 9), "paul", "urgent")  # 30 (opens 8:30), within 60
    return ids


def test_business_minutes_skip_nights_weekends_holidays_and_closures(example_settings):
    """Hand-counted with Marcq's hours (Mon–Fri 8:30–17:30), on the queue's own clock."""
    s = example_settings
    assert business_minutes(s, paris(2026, 11, 23, 17), paris(2026, 11, 24, 9, 30)) == 90
    assert business_minutes(s, paris(2026, 11, 20, 17), paris(2026, 11, 23, 9)) == 60
    # 24 Dec closure, 25 Dec public holiday, weekend: 30 min on the 23rd + 30 on the 28th.
    assert business_minutes(s, paris(2026, 12, 23, 17), paris(2026, 12, 28, 9)) == 60
    # Across the spring daylight-saving change (Sunday 29 March): 90 + 90.
    assert business_minutes(s, paris(2026, 3, 27, 16), paris(2026, 3, 30, 10)) == 180
    assert business_minutes(s, paris(2026, 11, 23, 10), paris(2026, 11, 23, 9)) == 0


def test_responsiveness_hand_computed(db, example_settings, week):
    period = period_containing("week", date(2026, 11, 25), PARIS)
    frame = responses(db, example_settings, period.start, period.end)
    overall = summarise_responses(frame).iloc[0]
    assert overall["needing_reply"] == 5 and overall["replied"] == 4
    assert overall["response_rate"] == pytest.approx(0.8)
    assert overall["median_minutes"] == pytest.approx(75)  # of 30, 60, 90, 360
    assert overall["p90_minutes"] == pytest.approx(90 + 0.7 * 270)
    assert overall["within_sla"] == pytest.approx(3 / 5)
    by_network = summarise_responses(frame, "network").set_index("network")
    assert by_network.loc["x", "median_minutes"] == 30
    assert by_network.loc["instagram", "response_rate"] == pytest.approx(3 / 4)
    by_manager = summarise_responses(frame, "manager").set_index("manager")
    assert by_manager.loc["marie", "median_minutes"] == 75
    assert by_manager.loc["paul", "within_sla"] == pytest.approx(0.5)
    only_x = responses(db, example_settings, period.start, period.end, Scope(network="x"))
    assert len(only_x) == 1
    trend = weekly_trend(frame, PARIS)
    assert list(trend["week"]) == [date(2026, 11, 23)]
    assert trend.iloc[0]["replied"] == 4


def test_activity_volumes_in_local_time(db, example_settings, week):
    period = period_containing("week", date(2026, 11, 25), PARIS)
    buckets = inbound_buckets(db, example_settings, period.start, period.end)
    assert volume_by(buckets, "network").set_index("network")["n"].to_dict() == {
        "instagram": 5,
        "x": 1,
    }
    hours = volume_by(buckets, "hour").set_index("hour")["n"].to_dict()
    assert hours == {7: 1, 8: 1, 9: 1, 10: 1, 11: 1, 17: 1}
    days = volume_by(buckets, "weekday")
    assert list(days["weekday"]) == ["lundi", "mardi", "mercredi"]
    assert list(days["n"]) == [4, 1, 1]
    themes = volume_by(buckets, "theme").set_index("theme")["n"].to_dict()
    assert themes == {"mobilité": 5, "sans thème": 1}


def test_new_and_returning_members(db, example_settings, week):
    save(db, [item("ana", at=paris(2026, 10, 1, 10))])  # ana wrote before: returning
    period = period_containing("week", date(2026, 11, 25), PARIS)
    assert members_new_returning(db, period.start, period.end) == {"new": 5, "returning": 1}


def test_top_posts_by_engagement(db, example_settings):
    def city_post(external_id: str, day: int, likes: int):
        at = paris(2026, 11, day, 12)
        return item(None, "post", direction="out", external_id=external_id, at=at, like_count=likes)

    posts = [city_post("p1", 23, likes=10), city_post("p2", 24, likes=4)]
    save(db, posts)
    comments = [item(f"c{i}", at=paris(2026, 11, 24, 13)) for i in range(8)]
    comments = [c.__class__(**{**c.__dict__, "thread_external_id": "p2"}) for c in comments]
    save(db, comments)
    period = period_containing("week", date(2026, 11, 25), PARIS)
    top = top_posts(db, example_settings, period.start, period.end)
    assert list(top["engagement"]) == [12, 10]
    assert list(top["comments"]) == [8, 0]


def test_periods():
    week = period_containing("week", date(2026, 11, 25), PARIS)
    assert week.start == paris(2026, 11, 23, 0) and week.end == paris(2026, 11, 30, 0)
    assert week.previous.start == paris(2026, 11, 16, 0)
    month = last_complete_period("month", paris(2026, 11, 2, 8), PARIS)
    assert (month.start, month.end) == (paris(2026, 10, 1, 0), paris(2026, 11, 1, 0))
    assert month.label == "octobre 2026" and month.previous.label == "septembre 2026"
    monday = last_complete_period("week", paris(2026, 11, 30, 8), PARIS)
    assert monday.start == paris(2026, 11, 23, 0)


def test_reply_written_on_the_network_counts_as_the_first_reply(db, example_settings):
    (asked,) = save(
        db, [item("gil", at=paris(2026, 11, 23, 10), external_id="q1")], needs_reply=True
    )
    save(db, [item(None, "reply", direction="out", parent="q1", at=paris(2026, 11, 23, 10, 45))])
    period = period_containing("week", date(2026, 11, 25), PARIS)
    frame = responses(db, example_settings, period.start, period.end)
    assert frame["replied"].tolist() == [True] and frame["minutes"].tolist() == [45]


# ---------------------------------------------------------------- main's per-row reading as oracle


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    from beffroi.store import connect
    from tests.benchmarks.city_db import bench_module, main_at_59cd8f0, small_city

    main = main_at_59cd8f0("beffroi/analytics/indicators.py")

    path = small_city(tmp_path_factory.mktemp("indicators"))
    settings, _ = bench_module("city").city_settings(path, 2500, 120)
    conn = connect(path)
    # A few replies written on the network itself, which the queue did not measure.
    with transaction(conn):
        conn.execute(
            "UPDATE queue SET replied_at = NULL, business_response_seconds = NULL "
            "WHERE id IN (SELECT id FROM queue WHERE replied_at IS NOT NULL "
            "ORDER BY id LIMIT 40)"
        )
    yield conn, settings, main, bench_module("city").END
    conn.close()


@pytest.mark.parametrize(
    "scope",
    [Scope(), Scope(network="facebook"), Scope(theme="propreté"), Scope(manager="réseau")],
    ids=repr,
)
def test_responses_frame_equals_mains_per_row_frame(city, scope):
    conn, settings, main, end = city
    for days in (120, 30, 0):
        start = end.replace(day=1) if days == 0 else end - timedelta(days=days)
        new = responses(conn, settings, start, end, scope)
        old = main.responses(conn, settings, start, end, main.Scope(**scope.__dict__))
        pd.testing.assert_frame_equal(new, old)
    empty = responses(conn, settings, end, end, scope)
    pd.testing.assert_frame_equal(empty, main.responses(conn, settings, end, end))
    assert len(responses(conn, settings, end - timedelta(days=120), end)) > 100


def test_responses_read_each_queue_row_off_its_covering_index(city):
    """One index seek a message (migration 0032), not the unique key's then the row's."""
    conn, settings, _main, end = city
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        responses(conn, settings, end - timedelta(days=30), end)
    finally:
        conn.set_trace_callback(None)
    (sql,) = [s for s in statements if "JOIN queue q" in s]
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql)]
    assert any("COVERING INDEX queue_needs_reply" in line for line in plan), plan
    assert any("COVERING INDEX items_inbound" in line for line in plan), plan


def test_managers_are_the_distinct_repliers_read_by_seeks(city):
    """Same names as a scan of the queue, in the same order, without scanning it."""
    conn, _settings, _main, _end = city
    conn.execute("BEGIN")  # three more repliers, rolled back below
    try:
        _managers_read_by_seeks(conn)
    finally:
        conn.execute("ROLLBACK")


def _managers_read_by_seeks(conn):
    conn.execute(
        "UPDATE queue SET replied_by = CASE id % 3 WHEN 0 THEN 'zoé' WHEN 1 THEN 'ali'"
        " ELSE 'Émile' END WHERE id IN (SELECT id FROM queue WHERE replied_by IS NOT NULL"
        " ORDER BY id LIMIT 9)"
    )
    scanned = [
        r[0]
        for r in conn.execute(
            "SELECT DISTINCT replied_by FROM queue NOT INDEXED WHERE replied_by IS NOT NULL"
            " ORDER BY 1"
        )
    ]
    assert len(scanned) == 4
    assert managers(conn) == scanned
    statements: list[str] = []
    conn.set_trace_callback(statements.append)
    try:
        managers(conn)
    finally:
        conn.set_trace_callback(None)
    plan = [row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + statements[-1])]
    assert not any(line.startswith("SCAN q") for line in plan), plan
