"""Accessibility (RGAA 4 / WCAG 2.1 AA) of every dashboard page for every role, measured by
axe-core in a real Chromium (``axe-playwright-python`` carries axe-core; Debian's chromium).

Each page is opened as each role that sees it, at 1440 px, axe runs on the whole document,
and the test prints its figures per page and role (``pytest -s``). Any violation fails the
test, whatever its impact, unless its rule is one the framework imposes (Streamlit draws
that markup, not Beffroi): those go in ``FRAMEWORK`` with the reason, and in the README's
accessibility statement. None is needed today.
"""

from __future__ import annotations

import pytest

from tests.dashboard.conftest import PASSWORD, add_staff
from tests.dashboard.test_browser import CHROMIUM_ARGS, chromium, served  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser

ROLES = {"claire": "community_manager", "lea": "comms", "diane": "director", "alex": "admin"}
# axe rules whose findings sit in Streamlit's own markup (rule id → why): none today.
FRAMEWORK: dict[str, str] = {}


def _login(page, url, user):
    from playwright.sync_api import expect

    page.goto(url)
    page.get_by_label("Identifiant").fill(user)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_test_id("stSidebarNav")).to_be_visible(timeout=30_000)


def _settle(page):
    """The page is drawn: no request in flight and Streamlit's 'running' widget gone."""
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=stStatusWidget]')", timeout=30_000
    )
    page.wait_for_timeout(300)


def _violations(axe, page) -> list[dict]:
    return axe.run(page).response["violations"]


def test_every_page_for_every_role_has_no_axe_violation(chromium, served, city):  # noqa: F811
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import sync_playwright

    _, _, conn = city
    add_staff(conn, lea="comms")
    axe = Axe()
    figures, found = [], []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR")
            page.goto(served)
            _settle(page)
            login_rules = [v["id"] for v in _violations(axe, page)]
            figures.append(("(anyone)", "Connexion", login_rules))
            found += [("(anyone)", "Connexion", rule) for rule in login_rules]
            page.close()
            for user, role in ROLES.items():
                page = browser.new_page(viewport={"width": 1440, "height": 900}, locale="fr-FR")
                _login(page, served, user)
                links = page.get_by_test_id("stSidebarNavLink")
                names = [links.nth(i).inner_text().split("\n")[-1] for i in range(links.count())]
                for index, name in enumerate(names):
                    links.nth(index).click()
                    _settle(page)
                    # Streamlit writes lang="en"; the page is French (beffroi.dashboard.style).
                    assert page.evaluate("document.documentElement.lang") == "fr"
                    violations = _violations(axe, page)
                    figures.append((role, name, [f"{v['id']} ({v['impact']})" for v in violations]))
                    found += [
                        (role, name, v["id"], v["help"], [n["html"][:120] for n in v["nodes"]])
                        for v in violations
                        if v["id"] not in FRAMEWORK
                    ]
                page.close()
        finally:
            browser.close()
    for role, name, rules in figures:
        print(f"axe {role:<18} {name:<28} {len(rules)} violation(s) {rules}")
    assert found == []
