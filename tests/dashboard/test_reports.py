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
