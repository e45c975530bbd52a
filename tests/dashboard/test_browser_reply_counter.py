"""The reply box's live counter in Chromium: it counts while the person types, as the
message's network counts (X: a link 23, an emoji 2), says the same sentence as the server,
and turns red past the limit; the send is then refused with a French sentence."""

from __future__ import annotations

import pytest

from beffroi.inbox.reply_editor import length_for
from tests.dashboard.test_browser import CHROMIUM_ARGS
from tests.dashboard.test_browser_inbox import citizens, logged_in, sim_served  # noqa: F401

pytestmark = pytest.mark.browser

TYPED = "Bonjour 😀 voir https://www.marcq-en-baroeul.org/agenda/marche-de-noel-2026 merci"


def first_x_message(page, conn) -> tuple[int, str, str, str]:
    """Move down the list (the simulated city mixes X and Instagram) to an X message."""
    from playwright.sync_api import expect

    heading = page.get_by_role("heading", name="Message n°").last
    for _ in range(20):
        qid = int(heading.inner_text().rsplit("°", 1)[1])
        account, network, kind = conn.execute(
            "SELECT i.account, i.network, i.kind FROM queue q JOIN items i "
            "ON i.id = q.item_id WHERE q.id = ?",
            (qid,),
        ).fetchone()
        if account.startswith("x_") and kind != "dm":
            running = page.locator(
                "[data-testid=stStatusWidgetRunningIcon], [data-testid=stStatusWidgetRunningManIcon]"
            )
            expect(running).to_have_count(0, timeout=30_000)  # the run showing it is over
            return qid, account, network, kind
        page.get_by_role("button", name="Message suivant").last.click()
        expect(heading).not_to_have_text(f"Message n°{qid}", timeout=20_000)
    raise AssertionError("no X message in the first twenty")


def test_the_counter_counts_as_x_while_typing_and_the_send_over_the_limit_is_refused(
    sim_served,  # noqa: F811
):
    from playwright.sync_api import expect, sync_playwright

    chromium, url, settings, conn = sim_served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = logged_in(browser, url, "claire", 1440, 900)
            qid, account, network, kind = first_x_message(page, conn)
            # This message's own box (Streamlit's class for the widget key), once drawn:
            # typed into the previous message's box, the letters would go with it.
            box = page.locator(f".st-key-inbox_reply_{qid} textarea")
            box.wait_for(state="visible", timeout=30_000)
            counter = page.locator(f".st-key-inbox_reply_{qid}").get_by_test_id(
                "beffroi-reply-counter"
            )
            box.press_sequentially(TYPED[:7])  # no blur, no rerun: only the script counts
            server = length_for(settings, account, network, kind, TYPED[:7])
            expect(counter).to_have_text(server.sentence())
            box.press_sequentially(TYPED[7:])
            server = length_for(settings, account, network, kind, TYPED)
            print(f"message n°{qid} ({server.network}): {server.sentence()}")
            expect(counter).to_have_text(server.sentence())
            assert server.network == "x"
            assert server.length == len("Bonjour  voir  merci") + 2 + 23
            too_long = "Bonjour, " + "la ville vous répond. " * 14  # 317 characters
            box.fill(too_long)
            over = length_for(settings, account, network, kind, too_long)
            assert not over.ok, over
            expect(counter).to_have_text(over.sentence())
            assert "de trop" in counter.inner_text()
            colour = counter.evaluate("e => getComputedStyle(e).color")
            assert colour == "rgb(176, 0, 32)", colour
            page.get_by_role("button", name="Envoyer la réponse").last.click()
            expect(page.get_by_text("Réponse trop longue pour", exact=False)).to_be_visible(
                timeout=30_000
            )
        finally:
            browser.close()
    row = conn.execute("SELECT status, reply_draft FROM queue WHERE id = ?", (qid,)).fetchone()
    assert (row[0], row[1]) == ("new", too_long.strip())
