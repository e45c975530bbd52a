"""The Inbox worked in a real Chromium on the simulated city (issue 14): two panes at
1440 px, list then message on a phone, and two managers answering one message from two
browsers: one reply on the network, the second writer's text kept and shown."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys

import pytest
import streamlit as st

from beffroi.cli.wiring import open_database
from beffroi.config import load_settings
from beffroi.sandbox import SandboxNetwork, state_path
from beffroi.store import upsert_staff
from tests.conftest import free_port
from tests.dashboard.conftest import PASSWORD, PASSWORD_HASH
from tests.dashboard.test_browser import CHROMIUM_ARGS, chromium_path, wait_until_up
from tests.dashboard.test_sandbox_city import CONFIG, collect_city

pytestmark = pytest.mark.browser

CLAIRE = "Bonjour, le service est prévenu et passe dans la semaine."
BRUNO = "Bonjour ! Merci pour votre signalement, une équipe passera très vite."


@pytest.fixture
def citizens():
    return 20


@pytest.fixture
def sim_served(tmp_path, monkeypatch, citizens):
    chromium = chromium_path()
    config = tmp_path / "beffroi.toml"
    config.write_text(CONFIG.replace("citizens = 20", f"citizens = {citizens}"), encoding="utf-8")
    settings = load_settings(config)
    conn = open_database(settings)
    collect_city(conn, settings)
    for user, name in (("claire", "Claire Martin"), ("bruno", "Bruno Petit")):
        upsert_staff(
            conn, user, display_name=name, role="community_manager", password_hash=PASSWORD_HASH
        )
    monkeypatch.setenv("BEFFROI_CONFIG", str(config))
    port = free_port()
    log = (tmp_path / "dashboard.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "beffroi.cli.main", "-c", str(config), "dashboard",
         "--port", str(port)],
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url, process)
        yield chromium, url, settings, conn
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()
        conn.close()
        st.cache_data.clear()
        st.cache_resource.clear()


def logged_in(browser, url: str, username: str, width: int, height: int):
    from playwright.sync_api import expect

    page = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR"
    ).new_page()
    page.goto(url)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Message n°")).to_be_visible(timeout=30_000)
    return page


def idle(page) -> None:
    """Until the page's script has finished: a key pressed while the next message is still
    being drawn clicked the previous message's button."""
    page.wait_for_function(
        "() => document.querySelector('[data-testid=stApp]')"
        "?.getAttribute('data-test-script-state') === 'notRunning'",
        timeout=30_000,
    )


def boxes(browser, url: str, width: int, height: int, shots):
    """Where the list, the message heading and the reply box stand for claire at this size
    (a full-page screenshot ``inbox-<width>.png`` kept in ``shots``)."""
    from playwright.sync_api import expect

    page = logged_in(browser, url, "claire", width, height)
    # Streamlit can draw the heading before the list: wait until the page's script has
    # finished (under load the first grid of the page was another one, further down).
    idle(page)
    listed = page.locator("[data-testid=stDataFrame]").first
    expect(listed).to_be_visible(timeout=30_000)
    grid = listed.bounding_box()
    heading = page.get_by_role("heading", name="Message n°").bounding_box()
    reply = page.get_by_label("Votre réponse").bounding_box()
    page.screenshot(path=str(shots / f"inbox-{width}.png"), full_page=True)
    print(f"{width}: grid {grid}, message heading {heading}, reply box {reply}")
    return grid, heading, reply


def test_two_panes_at_1440_and_list_then_message_on_a_phone(sim_served, tmp_path):
    from playwright.sync_api import sync_playwright

    chromium, url, _, _ = sim_served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            grid, heading, reply = boxes(browser, url, 1440, 900, tmp_path)
            assert grid["x"] + grid["width"] <= heading["x"]  # side by side
            assert heading["y"] < 900  # the message starts in the first screen
            assert reply["y"] + reply["height"] < 1.4 * 900, reply  # reply box near at hand

            grid, heading, text = boxes(browser, url, 390, 844, tmp_path)
            assert heading["y"] >= grid["y"] + grid["height"]  # list, then message
            assert text["width"] >= 300  # the whole width of the phone, readable
            print(f"screenshots: {tmp_path}/inbox-1440.png, {tmp_path}/inbox-390.png")
        finally:
            browser.close()


def test_two_browsers_one_message_one_reply_and_the_second_text_kept(sim_served):
    from playwright.sync_api import expect, sync_playwright

    chromium, url, settings, conn = sim_served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            claire = logged_in(browser, url, "claire", 1440, 900)
            bruno = logged_in(browser, url, "bruno", 1440, 900)
            title = claire.get_by_role("heading", name="Message n°").inner_text()
            expect(bruno.get_by_role("heading", name=title)).to_be_visible()
            qid = int(title.rsplit("°", 1)[1])
            bruno.get_by_label("Votre réponse").fill(BRUNO)
            claire.get_by_label("Votre réponse").fill(CLAIRE)
            claire.get_by_role("button", name="Envoyer la réponse").click()
            expect(claire.get_by_text("C'est fait.")).to_be_visible(timeout=30_000)

            bruno.get_by_role("button", name="Envoyer la réponse").click()
            expect(
                bruno.get_by_text("Claire Martin a répondu à ce message", exact=False)
            ).to_be_visible(timeout=30_000)
            # Claire's reply as it went out (and once more in the thread, as "Ville : ...").
            shown = bruno.get_by_test_id("stText").filter(has_text=re.compile(f"^{CLAIRE}$"))
            expect(shown).to_have_count(1)
            expect(bruno.get_by_label("Votre texte (non envoyé)")).to_have_value(BRUNO)
        finally:
            browser.close()
    parent = conn.execute(
        "SELECT i.external_id FROM queue q JOIN items i ON i.id = q.item_id WHERE q.id = ?", (qid,)
    ).fetchone()[0]
    network = SandboxNetwork(state_path(settings.database_path))
    try:
        sent = network.conn.execute(
            "SELECT text FROM messages WHERE parent = ? AND origin = 'api'", (parent,)
        ).fetchall()
    finally:
        network.close()
    assert [r[0] for r in sent] == [CLAIRE]
    kept = conn.execute(
        "SELECT actor FROM audit WHERE action = 'reply_collision' AND target_id = ?", (str(qid),)
    ).fetchall()
    assert [r[0] for r in kept] == ["bruno"]


def api_reply_count(settings) -> int:
    network = SandboxNetwork(state_path(settings.database_path))
    try:
        return network.conn.execute(
            "SELECT count(*) FROM messages WHERE origin = 'api' AND direction = 'out'"
        ).fetchone()[0]
    finally:
        network.close()


@pytest.mark.parametrize("citizens", [60])
def test_ten_messages_worked_from_the_keyboard_alone(sim_served):
    """After the login, no mouse: j/k move, ? shows the help, r + Ctrl+Entrée answers,
    a then c gives the message to me and closes it; ten messages leave the open list."""
    from playwright.sync_api import expect, sync_playwright

    chromium, url, settings, conn = sim_served
    backlog = conn.execute("SELECT count(*) FROM queue WHERE status IN ('new', 'assigned')")
    assert backlog.fetchone()[0] >= 12, "the city should leave enough work"
    before = api_reply_count(settings)
    worked: list[int] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = logged_in(browser, url, "claire", 1440, 900)
            keys = page.keyboard
            # While Streamlit reruns, the previous run's heading may still be there, faded.
            message = page.get_by_role("heading", name="Message n°").last

            def focus_reply() -> None:
                """r, again while a rerun replaces the box: typed before the box has the
                focus, the letters would be shortcuts."""
                box = page.get_by_label("Votre réponse").last
                for _ in range(30):
                    keys.press("r")
                    try:
                        expect(box).to_be_focused(timeout=1_000)
                        return
                    except AssertionError:
                        continue
                raise AssertionError("r never put the focus in the reply box")

            def current() -> int:
                return int(message.inner_text().rsplit("°", 1)[1])

            idle(page)
            keys.press("Escape")
            keys.press("?")
            help_box = page.get_by_role("dialog", name="Raccourcis clavier")
            expect(help_box).to_be_visible()
            expect(help_box.get_by_text("Envoyer la réponse")).to_be_visible()
            keys.press("Escape")
            expect(help_box).to_have_count(0)
            idle(page)
            first = current()
            # j again if the first press was lost (seen 1 run in 6 here, in make test too,
            # cause not found: the page was idle); one press that moves is what is pinned.
            for _ in range(3):
                keys.press("j")
                try:
                    expect(message).not_to_have_text(f"Message n°{first}", timeout=10_000)
                    break
                except AssertionError:
                    idle(page)
            expect(message).not_to_have_text(f"Message n°{first}")
            idle(page)
            keys.press("k")
            expect(message).to_have_text(f"Message n°{first}", timeout=20_000)

            replies = 0
            for n in range(10):
                idle(page)
                qid = current()
                if n % 3 == 2:
                    keys.press("a")
                    expect(page.get_by_text("Attribué à : Claire Martin")).to_be_visible(
                        timeout=20_000
                    )
                    expect(page.get_by_role("button", name="Clore").last).to_be_enabled()
                    keys.press("c")
                else:
                    focus_reply()
                    keys.type(f"Bonjour, merci pour votre message (réponse {n + 1}).")
                    keys.press("Control+Enter")
                    replies += 1
                expect(message).not_to_have_text(f"Message n°{qid}", timeout=30_000)
                worked.append(qid)
        finally:
            browser.close()
    rows = conn.execute(
        f"SELECT id, status FROM queue WHERE id IN ({', '.join('?' for _ in worked)})", worked
    ).fetchall()
    assert len(set(worked)) == 10
    assert {r["id"]: r["status"] for r in rows} == {
        q: "closed" if n % 3 == 2 else "replied" for n, q in enumerate(worked)
    }
    assert api_reply_count(settings) - before == replies == 7
    print(f"keyboard: {len(worked)} messages worked, {replies} replies on the network")
