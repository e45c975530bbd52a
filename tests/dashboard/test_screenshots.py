"""Every page for every demo role, at 1440 px and 390 px, in Chromium on the demo's data:
no error box, no traceback, no English from the framework. With ``NOTE_SHOTS=<dir>`` each
view is also saved there as ``<role>-<page>-<width>.png`` (full page)."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path

import pytest

from beffroi.cli.cmd_demo import DEMO_LOGINS
from beffroi.dashboard.style import FRENCH
from tests.dashboard.demo_served import demo_login, demo_served, go_to, page_names  # noqa: F401

pytestmark = pytest.mark.browser

WIDTHS = (1440, 390)
# Streamlit's English, whole lines (style.FRENCH's keys) or parts of one.
ENGLISH_LINES = set(FRENCH) - {"Stop"}  # "Stop" is also a French word
ENGLISH_PARTS = ("per file", "Press Enter", "to apply", "Made with Streamlit", "Traceback")
ERRORS = "[data-testid=stException], [data-testid=stAlertContentError]"
# Red boxes that are the product speaking, not a failure: an urgent citizen message.
ALERTS = ("URGENT : ",)


def slug(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", plain.lower()).strip("-")


def english_in(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines()]
    found = [line for line in lines if line in ENGLISH_LINES]
    return found + [part for part in ENGLISH_PARTS if part in text]


def shoot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its own container, so a "full page"
    screenshot is the window; the window is made as tall as the page for the picture."""
    size = page.viewport_size
    tall = page.evaluate(
        "() => Math.max(...[...document.querySelectorAll("
        "'[data-testid=stMain], [data-testid=stAppViewContainer], [data-testid=stSidebar]')]"
        ".map(e => e.scrollHeight))"
    )
    page.set_viewport_size({"width": size["width"], "height": min(max(tall, size["height"]), 8000)})
    page.wait_for_timeout(300)
    page.screenshot(path=str(path))
    page.set_viewport_size(size)


def test_every_page_for_every_role_at_both_widths(demo_served):  # noqa: F811
    from playwright.sync_api import sync_playwright

    chromium, url, _ = demo_served
    shots = Path(os.environ["NOTE_SHOTS"]) if os.environ.get("NOTE_SHOTS") else None
    if shots:
        shots.mkdir(parents=True, exist_ok=True)
    seen, problems = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            for username, role, _, _ in DEMO_LOGINS:
                for width in WIDTHS:
                    page = demo_login(browser, url, username, width, 844 if width < 800 else 900)
                    for name in page_names(page):
                        go_to(page, name)
                        errors = page.locator(ERRORS)
                        said = [errors.nth(i).inner_text() for i in range(errors.count())]
                        said = [t for t in said if not t.startswith(ALERTS)]
                        english = english_in(page.locator("body").inner_text())
                        if said or english:
                            problems.append((role, name, width, said, english))
                        if shots:
                            shoot(page, shots / f"{role}-{slug(name)}-{width}.png")
                        seen.append((role, name, width))
                    page.context.close()
        finally:
            browser.close()
    for role, name, width in seen:
        print(f"seen {role:<18} {name:<28} {width}")
    if shots:
        print(f"{len(seen)} screenshots in {shots}")
    roles = {role for role, _, _ in seen}
    assert roles == {role for _, role, _, _ in DEMO_LOGINS}
    assert len(seen) >= 2 * len(DEMO_LOGINS) * 2
    assert problems == []
