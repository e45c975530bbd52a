"""The dashboard in a real Chromium: `beffroi dashboard` served, logged into, inbox seen.

Uses Debian's /usr/bin/chromium through Playwright (never a downloaded browser). Skipped
when no Chromium is installed, unless BEFFROI_REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from tests.dashboard.conftest import HOSTILE, PASSWORD
from tests.dashboard.server import dashboard_process, wait_until_up

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    for candidate in ("/usr/bin/chromium", shutil.which("chromium")):
        if candidate and Path(candidate).exists():
            return candidate
    if os.environ.get("BEFFROI_REQUIRE_BROWSER") == "1":
        pytest.fail("BEFFROI_REQUIRE_BROWSER=1 but no Chromium found at /usr/bin/chromium")
    pytest.skip("no Chromium installed (set BEFFROI_REQUIRE_BROWSER=1 to make this fail)")


@pytest.fixture
def chromium() -> str:
    """Checked before the server starts, so a machine without Chromium skips at once."""
    return chromium_path()


@pytest.fixture
def served(chromium, city, tmp_path):
    _settings, config, _conn = city
    with dashboard_process(config, tmp_path / "dashboard.log") as (url, process):
        wait_until_up(url, process)
        yield url


def watched_page(browser, url: str, width: int, height: int):
    """A French page at ``url`` that records every dialog it opens (an ``alert()`` smuggled
    in a citizen's text would open one): ``(page, dialogs)``, dialogs to stay empty."""
    dialogs: list[str] = []
    page = browser.new_page(viewport={"width": width, "height": height}, locale="fr-FR")
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.goto(url)
    return page, dialogs


def sign_in(page, username: str, password: str) -> None:
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()


def test_login_and_see_the_inbox(chromium, served, tmp_path):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page, dialogs = watched_page(browser, served, 1400, 900)
            sign_in(page, "claire", "pas le bon")
            expect(page.get_by_text("Identifiant ou mot de passe incorrect.")).to_be_visible(
                timeout=20_000
            )
            sign_in(page, "claire", PASSWORD)
            expect(page.get_by_role("heading", name="Boîte de réception")).to_be_visible(
                timeout=20_000
            )
            # The grid draws on a canvas; its cells are mirrored in an accessible table.
            cells = page.locator("[data-testid=data-grid-canvas] td[role=gridcell]")
            expect(cells.filter(has_text="Le bus 18 est encore en retard ce matin")).to_have_count(
                1, timeout=20_000
            )
            expect(cells.filter(has_text="il y a 5 min")).to_have_count(1)
            # Shown as typed: the cell's text is the raw string, not rendered Markdown/HTML.
            hostile = cells.filter(has_text="alert(1)")
            expect(hostile).to_have_count(1)
            assert hostile.inner_text() == HOSTILE
            # Selecting the row shows the whole message below, still as plain text.
            canvas = page.locator("[data-testid=data-grid-canvas]").bounding_box()
            hostile_row = int(hostile.get_attribute("data-testid").rsplit("-", 1)[1])
            page.mouse.click(canvas["x"] + 16, canvas["y"] + 52 + 35 * hostile_row)
            expect(page.get_by_role("heading", name="Message n°")).to_be_visible(timeout=20_000)
            # Once in the message box, once in the thread below it.
            detail = page.get_by_test_id("stText").filter(has_text="alert(1)").first
            expect(detail).to_be_visible()
            assert detail.inner_text() == HOSTILE
            assert page.locator("strong", has_text="bold").count() == 0
            assert page.get_by_role("link", name="lien").count() == 0
            page.wait_for_timeout(500)
            shot = tmp_path / "inbox.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 10_000
            print(f"screenshot: {shot}")
            assert page.locator("script", has_text="alert(1)").count() == 0
            assert dialogs == []
        finally:
            browser.close()


def test_collected_messages_show_up_without_a_click(chromium, served, city):
    """The counters follow what the collector writes (another process here: this test);
    the list is refreshed when the manager asks, so no row moves under their cursor."""
    from datetime import UTC, datetime

    from playwright.sync_api import expect, sync_playwright

    from tests.dashboard.conftest import fill

    _, _, conn = city
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            page.goto(served)
            page.get_by_label("Identifiant").fill("claire")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            cells = page.locator("[data-testid=data-grid-canvas] td[role=gridcell]")
            expect(cells.filter(has_text="Le bus 18")).to_have_count(1, timeout=20_000)
            now = datetime.now(UTC).replace(microsecond=0)
            fill(
                conn, now, [("x_ville", "x", "live1", 0, "nina", "Le parc est fermé aujourd'hui ?")]
            )
            notice = page.get_by_text("1 nouveau(x) message(s) depuis l'affichage.")
            expect(notice).to_be_visible(timeout=45_000)  # within one refresh period
            assert cells.filter(has_text="Le parc est fermé").count() == 0  # list not moved
            page.get_by_role("button", name="Actualiser la liste").click()
            expect(cells.filter(has_text="Le parc est fermé")).to_have_count(1, timeout=20_000)
            expect(notice).to_have_count(0)
        finally:
            browser.close()


def test_a_link_to_a_page_opens_it_after_the_login(chromium, served):
    """A bookmark of the Rapports page shows the login form (not Streamlit's English "Page
    not found"), then the Rapports page itself."""
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            page.goto(served + "reports")
            expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=20_000)
            assert page.get_by_text("Page not found").count() == 0
            page.get_by_label("Identifiant").fill("claire")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_role("heading", name="Rapports")).to_be_visible(timeout=20_000)
            assert page.url.endswith("/reports")
            assert page.get_by_text("Page not found").count() == 0
        finally:
            browser.close()


def test_streamlit_speaks_french_too(chromium, served, city):
    """The framework's own words (file uploader, placeholders, 'Page not found') are French."""
    from playwright.sync_api import expect, sync_playwright

    from tests.dashboard.conftest import add_staff

    add_staff(city[2], lea="comms")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            page.goto(served + "nulle-part")
            expect(page.get_by_text("Page introuvable")).to_be_visible(timeout=20_000)
            assert page.get_by_text("Page not found").count() == 0
            page.goto(served)
            page.get_by_label("Identifiant").fill("lea")
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            expect(page.get_by_role("heading", name="Calendrier des rendez-vous")).to_be_visible(
                timeout=20_000
            )
            page.get_by_role("tab", name="Brouillons").click()
            uploader = page.get_by_test_id("stFileUploaderDropzone")
            expect(uploader).to_contain_text("Choisir un fichier", timeout=20_000)
            expect(uploader).to_contain_text(re.compile(r"\d+ Mo par fichier"))
            text = page.locator("body").inner_text()
            for english in ("Drag and drop", "per file", "Choose an option", "Upload\n"):
                assert english not in text
        finally:
            browser.close()
