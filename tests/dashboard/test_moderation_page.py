"""The Modération page in a real Chromium: an admin tries the built-in rule on the last 30
days, switches it on, sees what it did to a new comment and undoes it. Citizen text stays
plain text (the hostile comment is not rendered as Markdown or HTML)."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from beffroi.collectors import Page
from beffroi.inbox import IngestHooks, Moderation, ingest_page
from tests.dashboard.conftest import HOSTILE, PASSWORD, fill, make_item
from tests.dashboard.test_browser import (  # noqa: F401
    CHROMIUM_ARGS,
    chromium,
    served,
    sign_in,
    watched_page,
)

pytestmark = pytest.mark.browser

BUILTIN = "Masquer un numéro de téléphone ou une adresse e-mail publiés dans un commentaire public"
PUBLISHED = f"{HOSTILE} appelez-moi au 06 12 34 56 78"


def test_an_admin_tries_switches_on_and_undoes_the_contact_rule(chromium, served, city, tmp_path):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    _, _, conn = city
    now = datetime.now(UTC).replace(microsecond=0)
    fill(conn, now, [("facebook_ville", "facebook", "f9", 60 * 24 * 2, "marc.t", PUBLISHED)])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page, dialogs = watched_page(browser, served + "moderation", 1440, 1000)
            sign_in(page, "alex", PASSWORD)
            expect(page.get_by_role("heading", name="Modération")).to_be_visible(timeout=20_000)
            cells = page.locator("[data-testid=data-grid-canvas] td[role=gridcell]")
            expect(cells.filter(has_text=BUILTIN)).to_have_count(1, timeout=20_000)
            expect(cells.filter(has_text="désactivée")).to_have_count(1)

            page.get_by_test_id("stSelectbox").filter(has_text="Règle à modifier").click()
            page.get_by_role("option", name=BUILTIN).click()
            # The form is drawn again for the chosen rule before it is submitted.
            expect(page.get_by_label("Nom de la règle")).to_have_value(BUILTIN, timeout=20_000)
            page.get_by_role("button", name="Essayer sur les 30 derniers jours").click()
            expect(
                page.get_by_text(
                    "Cette règle aurait masqué 1 commentaire sur les 30 derniers jours :"
                )
            ).to_be_visible(timeout=20_000)
            shown = cells.filter(has_text="alert(1)")
            expect(shown).to_have_count(1, timeout=20_000)
            assert shown.inner_text() == PUBLISHED  # as typed, never rendered
            expect(
                cells.filter(has_text="contient un numéro de téléphone (06 … 78)")
            ).to_have_count(1)
            assert page.locator("strong", has_text="bold").count() == 0
            assert page.locator("script", has_text="alert(1)").count() == 0

            page.get_by_role("button", name="Activer").click()
            expect(page.get_by_text(f"Règle « {BUILTIN} » activée.")).to_be_visible(timeout=20_000)

            # A new comment is collected (another process would; this test here).
            item = make_item(
                "facebook_ville", "facebook", "f10", now, "lou.v", "Mon 07 39 98 00 11, merci"
            )
            ingest_page(
                conn,
                "facebook_ville",
                "test",
                Page([item], None),
                hooks=IngestHooks(moderation=Moderation()),
                now=now,
            )
            page.get_by_test_id("stRadio").get_by_text("Journal des actions automatiques").click()
            expect(
                cells.filter(has_text="contient un numéro de téléphone (07 … 11)")
            ).to_have_count(1, timeout=20_000)
            expect(cells.filter(has_text="Masquage en attente")).to_have_count(1)
            page.get_by_role("button", name="Annuler cette action (rouvrir, réafficher)").click()
            expect(
                page.get_by_text("Annulé : étiquette retirée, masquage annulé avant d'être fait.")
            ).to_be_visible(timeout=20_000)
            expect(cells.filter(has_text=re.compile(r"^par alex le "))).to_have_count(
                1, timeout=20_000
            )
            shot = tmp_path / "moderation.png"
            page.screenshot(path=str(shot), full_page=True)
            print(f"screenshot: {shot}")
            assert dialogs == []
        finally:
            browser.close()
    audit = [
        tuple(r)
        for r in conn.execute(
            "SELECT actor, action FROM audit WHERE action LIKE 'moderation%' ORDER BY id"
        )
    ]
    assert audit == [
        ("alex", "moderation_rule_enabled"),
        ("modération", "moderation_rule_applied"),
        ("alex", "moderation_undone"),
    ]
