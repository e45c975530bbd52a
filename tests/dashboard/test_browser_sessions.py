"""Sessions and links in a real Chromium on `beffroi dashboard` served: a reload and a new
tab stay logged in (the HttpOnly cookie), logout ends it everywhere, and a link to a
message opens that message after the login."""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_browser import CHROMIUM_ARGS, chromium, served  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


def _log_in(page, username="claire"):
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def test_reload_and_a_new_tab_keep_the_session_until_logout(chromium, served):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    inbox = "heading"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            page = context.new_page()
            page.goto(served)
            _log_in(page)
            expect(page.get_by_role(inbox, name="Boîte de réception")).to_be_visible(timeout=30_000)
            # The cookie: set by the dashboard's route, out of reach of the page's scripts.
            cookie = {}
            for _ in range(100):
                cookie = next((c for c in context.cookies() if c["name"] == "beffroi_session"), {})
                if cookie:
                    break
                page.wait_for_timeout(100)
            assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
            assert not cookie["secure"]  # served over plain http here (https: Secure)
            assert page.evaluate("document.cookie").find("beffroi_session") == -1

            page.reload()  # F5
            expect(page.get_by_role(inbox, name="Boîte de réception")).to_be_visible(timeout=30_000)
            assert page.get_by_role("button", name="Se connecter").count() == 0

            other = context.new_page()  # a new tab, on another page's address
            other.goto(served + "reports")
            expect(other.get_by_role(inbox, name="Rapports")).to_be_visible(timeout=30_000)
            other.close()

            page.get_by_role("button", name="Se déconnecter").click()
            expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=30_000)
            page.reload()
            expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=30_000)
            assert page.get_by_role(inbox, name="Boîte de réception").count() == 0
        finally:
            browser.close()


def test_a_link_to_a_message_opens_it_after_the_login(chromium, served, city):  # noqa: F811
    """The link of a closed message (not in the default list): login form first, in
    French, then that very message."""
    from playwright.sync_api import expect, sync_playwright

    from beffroi.inbox import close

    _, _, conn = city
    qid = conn.execute(
        "SELECT q.id FROM queue q JOIN items i ON i.id = q.item_id WHERE i.external_id = 'f1'"
    ).fetchone()[0]
    close(conn, qid, "duplicate", actor="claire")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="fr-FR")
            page.goto(f"{served}inbox?item={qid}")
            expect(page.get_by_role("button", name="Se connecter")).to_be_visible(timeout=30_000)
            assert page.get_by_text("Page not found").count() == 0
            _log_in(page)
            expect(page.get_by_role("heading", name=f"Message n°{qid}")).to_be_visible(
                timeout=30_000
            )
            expect(page.get_by_text("Une poubelle déborde rue Nationale").first).to_be_visible()
            # The Inbox is the first page: Streamlit writes it as the root, link kept.
            assert page.url.endswith(f"?item={qid}")
            assert page.get_by_text("Page not found").count() == 0
        finally:
            browser.close()
