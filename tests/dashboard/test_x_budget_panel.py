"""The health page's X budget panel (Streamlit AppTest on the real app, a real SQLite
database): the month's estimated cost at the configured prices, the projection, last
month, the budget, and the French sentence when collection is paused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from beffroi.store import x_usage
from tests.dashboard.test_app import PASSWORD, login, open_page, start


def test_the_panel_shows_the_month_cost_and_the_pause(city):
    settings, _, conn = city
    now = datetime.now(UTC).replace(microsecond=0)
    x_usage.save_usage(
        conn,
        "x_ville",
        [("mentions", "post_read", 12, 400), ("engagement", "user_read", 5, 100)],
        now,
    )
    last_month = now.replace(day=1) - timedelta(days=2)
    x_usage.save_usage(conn, "x_ville", [("mentions", "post_read", 3, 200)], last_month)
    x_usage.pause(conn, "x_ville", now.strftime("%Y-%m"), 3.0, 3.0, now)
    at = open_page(login(start(), "alex", PASSWORD), "health")
    panel = next(d.value for d in at.dataframe if "Coût estimé du mois" in d.value.columns)
    assert list(panel["Compte"]) == ["x_ville"]
    assert list(panel["Requêtes"]) == [17]
    assert list(panel["Ressources lues ou créées"]) == [500]
    assert list(panel["Coût estimé du mois"]) == ["3.00 $"]  # 400 × 0.005 + 100 × 0.010
    assert list(panel["Mois précédent"]) == ["1.00 $"]
    assert list(panel["État"]) == ["Collecte en pause (budget atteint)"]
    assert any(
        "« x_ville » a atteint son budget du mois (3.00 $ pour 3.00 $)" in e.value for e in at.error
    )
