"""The health page's X budget panel (Streamlit AppTest on the real app, a real SQLite
database): the month's estimated cost at the configured prices, the projection, last
month, the budget, and the French sentence when collection is paused."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from beffroi.store import x_usage
from tests.dashboard.test_app import PASSWORD, login, open_page, start
from tests.dashboard.test_browser import CHROMIUM_ARGS, chromium, served  # noqa: F401 (fixtures)


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
    assert list(panel["Coût estimé du mois"]) == ["3,00 $"]  # 400 × 0.005 + 100 × 0.010
    assert list(panel["Mois précédent"]) == ["1,00 $"]
    assert list(panel["État"]) == ["Collecte en pause (budget atteint)"]
    assert any(
        "« x_ville » a atteint son budget du mois (3,00 $ pour 3,00 $)" in e.value for e in at.error
    )


@pytest.fixture
def on_budget(city):
    """The city's X account with a $40 budget at which its posts and replies pause too."""
    _, config, conn = city
    text = config.read_text(encoding="utf-8")
    config.write_text(
        text.replace(
            'token_env = "BEFFROI_X_BEARER_TOKEN"\n',
            'token_env = "BEFFROI_X_BEARER_TOKEN"\nbudget_usd = 40.0\n'
            "pause_publishing_at_budget = true\n",
            1,
        ),
        encoding="utf-8",
    )
    return conn


@pytest.mark.browser
def test_the_panel_in_a_real_browser_at_1440_px(chromium, on_budget, served, tmp_path):  # noqa: F811
    """The panel as the admin sees it, posts and replies paused too (the screenshot for the
    note: set NOTE_SHOTS to a folder to keep it there)."""
    from playwright.sync_api import expect, sync_playwright

    conn = on_budget
    now = datetime.now(UTC).replace(microsecond=0)
    yesterday = now - timedelta(days=1) if now.day > 1 else now
    for day, usage in (
        (yesterday, [("mentions", "post_read", 230, 2900), ("engagement", "user_read", 50, 800),
                     ("dms", "dm_event_read", 30, 140), ("publish", "post_create", 5, 5)]),
        (now, [("mentions", "post_read", 180, 2300), ("engagement", "user_read", 40, 600),
               ("dms", "dm_event_read", 30, 160), ("publish", "post_create", 7, 7)]),
    ):  # fmt: skip
        x_usage.save_usage(conn, "x_ville", usage, day)
    last_month = now.replace(day=1) - timedelta(days=2)
    x_usage.save_usage(conn, "x_ville", [("mentions", "post_read", 800, 7000)], last_month)
    x_usage.pause(conn, "x_ville", now.strftime("%Y-%m"), 43.18, 40.0, now)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR")
            page.goto(served + "health")
            page.get_by_label("Identifiant").fill("alex")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            heading = page.get_by_role("heading", name="Coût de l'API X (paiement à l'usage)")
            expect(heading).to_be_visible(timeout=30_000)
            expect(page.get_by_text("a atteint son budget du mois")).to_be_visible()
            expect(
                page.get_by_text("Les publications et les réponses sur X sont aussi en pause.")
            ).to_be_visible()
            grid = page.locator("[data-testid=data-grid-canvas] td[role=gridcell]")
            expect(
                grid.filter(has_text="Collecte et envois en pause (budget atteint)")
            ).to_have_count(1)
            expect(grid.filter(has_text="40,00 $")).to_have_count(1)
            heading.scroll_into_view_if_needed()
            page.wait_for_timeout(1500)  # the bar chart draws after the table
            folder = Path(os.environ.get("NOTE_SHOTS") or tmp_path)
            folder.mkdir(parents=True, exist_ok=True)
            shot = folder / "health-x-budget-1440.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")
        finally:
            browser.close()
