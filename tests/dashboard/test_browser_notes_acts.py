"""Internal notes with a mention, and an act on the network, in a real Chromium on the
simulated city served by `beffroi dashboard` (issue 14)."""

from __future__ import annotations

import re

import pytest

from beffroi.sandbox import SandboxNetwork, state_path
from tests.dashboard.test_browser import CHROMIUM_ARGS
from tests.dashboard.test_browser_inbox import citizens, logged_in, sim_served  # noqa: F401

pytestmark = pytest.mark.browser


def _open_number(page) -> int:
    heading = page.get_by_role("heading", name=re.compile(r"Message n°\d+")).first
    return int(re.search(r"\d+", heading.inner_text()).group())


def test_a_note_mentions_a_colleague_who_opens_it_from_their_mentions(sim_served):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    chromium, url, _settings, _conn = sim_served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            claire = logged_in(browser, url, "claire", 1440, 900)
            qid = _open_number(claire)
            claire.get_by_text("Notes internes").click()
            claire.get_by_label(re.compile("Nouvelle note")).fill("@bruno tu connais ce quartier ?")
            claire.get_by_role("button", name="Ajouter la note").click()
            expect(claire.get_by_text("Note enregistrée. 1 collègue(s) prévenu(s).")).to_be_visible(
                timeout=30_000
            )

            bruno = logged_in(browser, url, "bruno", 1440, 900)
            mentions = bruno.get_by_text("Mentions (1 nouvelle(s))")
            expect(mentions).to_be_visible(timeout=30_000)
            expect(bruno.get_by_text("@bruno tu connais ce quartier ?").first).to_be_visible()
            bruno.get_by_role("button", name=f"Ouvrir le message n°{qid}").click()
            expect(bruno.get_by_role("heading", name=f"Message n°{qid}")).to_be_visible(
                timeout=30_000
            )
            assert bruno.url.endswith(f"?item={qid}")
            bruno.reload()  # the session and the message stay; the mention is read now
            expect(bruno.get_by_role("heading", name=f"Message n°{qid}")).to_be_visible(
                timeout=30_000
            )
            expect(bruno.get_by_text("Mentions (1)")).to_be_visible(timeout=30_000)
        finally:
            browser.close()


def test_a_like_asks_to_be_confirmed_then_reaches_the_network(sim_served):  # noqa: F811
    from playwright.sync_api import expect, sync_playwright

    chromium, url, settings, conn = sim_served
    network = SandboxNetwork(state_path(settings.database_path))
    qid, ext = conn.execute(
        "SELECT q.id, i.external_id FROM queue q JOIN items i ON i.id = q.item_id"
        " WHERE i.account = 'x_ville' AND i.kind != 'dm' AND q.status IN ('new', 'assigned')"
        " ORDER BY q.id LIMIT 1"
    ).fetchone()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = logged_in(browser, url, "claire", 1440, 900)
            page.goto(f"{url}?item={qid}")  # the message's link; the cookie keeps the login
            expect(page.get_by_role("heading", name=f"Message n°{qid}")).to_be_visible(
                timeout=30_000
            )
            page.get_by_text("Sur le réseau : supprimer, aimer, sourdine, bloquer").click()
            page.get_by_role("button", name="Aimer ce message").click()
            expect(page.get_by_text(re.compile("Le « j'aime » est public"))).to_be_visible(
                timeout=30_000
            )
            assert network.acts("x_ville") == set()  # asked, not yet confirmed
            page.get_by_role("button", name="Oui : aimer ce message").click()
            expect(page.get_by_text("Message aimé sur le réseau.")).to_be_visible(timeout=30_000)
            assert network.acts("x_ville") == {("like", ext)}
        finally:
            browser.close()
            network.close()
