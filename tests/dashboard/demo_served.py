"""The dashboard served on a demo database built by ``beffroi demo --seed-only`` (the
simulated city's 90 days), for the browser tests that look at pages as the demo shows them,
and logging in as one of the demo's roles."""

from __future__ import annotations

import contextlib
import io

import pytest

from beffroi.cli.cmd_demo import DEMO_LOGINS
from beffroi.cli.main import main
from tests.dashboard.server import dashboard_process, wait_until_up
from tests.dashboard.test_browser import chromium_path

PASSWORDS = {username: password for username, _, _, password in DEMO_LOGINS}


@pytest.fixture(scope="module")
def demo_served(tmp_path_factory):
    """(chromium, url, database) of a dashboard on a fresh demo database."""
    chromium = chromium_path()
    folder = tmp_path_factory.mktemp("demo-served")
    db = folder / "demo.db"
    with contextlib.redirect_stdout(io.StringIO()):
        assert main(["demo", "--seed-only", "--db", str(db)]) == 0
    with dashboard_process(folder / "beffroi-demo.toml", folder / "dashboard.log") as (
        url,
        process,
    ):
        wait_until_up(url, process)
        yield chromium, url, db


def settle(page) -> None:
    """The page is drawn: Streamlit's 'running' widget gone (not "network idle": the
    Inbox's presence beats every 20 s keep the network busy)."""
    page.wait_for_load_state("load")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=30_000
    )
    page.wait_for_timeout(500)


def demo_login(browser, url: str, username: str, width: int, height: int = 900):
    """A new page at ``width`` px, logged in as the demo's ``username``."""
    from playwright.sync_api import expect

    page = browser.new_context(
        viewport={"width": width, "height": height}, locale="fr-FR"
    ).new_page()
    page.goto(url)
    page.get_by_label("Identifiant").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORDS[username])
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", level=1).first).to_be_visible(timeout=30_000)
    settle(page)
    return page


def open_sidebar(page) -> None:
    """On a phone the page list is folded away: unfold it."""
    page.wait_for_function(
        """() => [...document.querySelectorAll(
          '[data-testid=stSidebarNav], [data-testid=stExpandSidebarButton]')]
          .some(e => e.checkVisibility())""",
        timeout=30_000,
    )
    nav = page.get_by_test_id("stSidebarNav")
    if not nav.is_visible():
        page.get_by_test_id("stExpandSidebarButton").click()
        nav.wait_for(state="visible", timeout=10_000)
        page.wait_for_timeout(400)  # the sidebar slides in


def page_names(page) -> list[str]:
    open_sidebar(page)
    links = page.get_by_test_id("stSidebarNavLink")
    return [links.nth(i).inner_text().split("\n")[-1].strip() for i in range(links.count())]


def go_to(page, name: str) -> None:
    open_sidebar(page)
    page.get_by_test_id("stSidebarNavLink").filter(has_text=name).first.click()
    settle(page)
    if page.viewport_size["width"] < 800:  # a phone: the list folds away over the page
        fold = page.get_by_test_id("stSidebarCollapseButton")
        if fold.count() and page.get_by_test_id("stSidebarNav").is_visible():
            fold.locator("button").or_(fold).first.click(force=True)
            page.get_by_test_id("stSidebarNav").wait_for(state="hidden", timeout=10_000)
            page.wait_for_timeout(400)
