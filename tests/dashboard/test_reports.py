"""The Rapports page through Streamlit's AppTest: indicators, shared charts, downloads."""

from __future__ import annotations

from tests.dashboard.conftest import HOSTILE, PASSWORD
from tests.dashboard.test_app import login, open_page, start


def _reports(user: str):
    return open_page(login(start(), user, PASSWORD), "reports")


def test_director_sees_indicators_charts_and_gets_the_report(city):
    at = _reports("diane")
    assert not at.exception
    assert at.title[0].value == "Rapports"
    metrics = {m.label: m.value for m in at.metric}
    assert "Messages reçus" in metrics
    charts = at.get("vega_lite_chart")
    assert charts, "the shared Altair charts should be drawn"
    shown = " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert HOSTILE not in shown and "jeanne_m" not in shown
    at.button(key="reports_build").click().run()
    assert not at.exception
    downloads = at.get("download_button")
    assert len(downloads) == 3


def test_filters_by_network(city):
    at = _reports("claire")
    at.selectbox(key="reports_period").set_value("Mois").run()
    total = {m.label: m.value for m in at.metric}["Messages reçus"]
    at.selectbox(key="reports_network").set_value("X").run()
    assert not at.exception
    only_x = {m.label: m.value for m in at.metric}["Messages reçus"]
    assert int(only_x) <= int(total)


def test_a_period_in_progress_is_compared_with_the_same_span_before():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from beffroi.analytics import compared_ends, period_containing

    paris = ZoneInfo("Europe/Paris")
    week = period_containing("week", datetime(2026, 11, 26).date(), paris)  # Mon 23 – Sun 29
    thursday_10 = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    end, previous_end = compared_ends(week, thursday_10)
    assert end == thursday_10
    assert previous_end == datetime(2026, 11, 19, 9, 0, tzinfo=UTC)  # Thursday before, 10:00
    # A finished period keeps whole periods on both sides.
    assert compared_ends(week, datetime(2026, 12, 2, tzinfo=UTC)) == (week.end, week.previous.end)


def test_who_answered_is_named_and_app_replies_say_so(city):
    """The "Par community manager" table showed usernames and "réseau" for a reply written
    in a network's own app."""
    from datetime import UTC, datetime

    settings, _config, conn = city
    now = datetime.now(UTC).replace(microsecond=0)
    bus = conn.execute(
        "SELECT q.id, i.external_id FROM queue q JOIN items i ON i.id = q.item_id "
        "WHERE i.external_id IN ('x1', 'f1') ORDER BY i.external_id"
    ).fetchall()
    # f1 answered in Facebook's own app (the queue says "réseau"), x1 by Claire.
    stamp = now.strftime("%Y-%m-%d %H:%M:%S")
    for (qid, _ext), who in zip(bus, ("réseau", "claire"), strict=True):
        conn.execute(
            "UPDATE queue SET status = 'replied', replied_by = ?, replied_at = ?, "
            "response_seconds = 60, business_response_seconds = 60 WHERE id = ?",
            (who, stamp, qid),
        )
    conn.commit()
    at = _reports("diane")
    assert not at.exception
    assert "Claire" in at.selectbox(key="reports_manager").options
    tables = [df.value for df in at.dataframe if "Community manager" in df.value.columns]
    shown = set(tables[0]["Community manager"])
    assert "Dans l'application du réseau" in shown and "Claire" in shown
    assert "réseau" not in shown and "claire" not in shown
