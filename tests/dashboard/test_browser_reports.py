"""Rapports in Chromium on the demo's data: the charts are drawn at their size, with every
label shown (the heatmap was squashed to 48 px, and the themes chart showed 2 of its 9
labels: Vega hides labels that overlap, and a fixed height left them 10 px a row)."""

from __future__ import annotations

import pytest

from beffroi.french import WEEKDAYS
from tests.dashboard.demo_served import demo_login, demo_served, go_to  # noqa: F401

pytestmark = pytest.mark.browser

# Each Vega chart of the page as drawn (SVG): its title, size, axis labels and marks.
READ_CHARTS = """() => [...document.querySelectorAll('[data-testid=stVegaLiteChart]')].map(c => {
  const svg = c.querySelector('svg');
  const title = svg.querySelector('.role-title-text');
  const box = svg.getBoundingClientRect();
  const labels = [...svg.querySelectorAll('.role-axis-label text')].map(t => {
    const r = t.getBoundingClientRect();
    return {text: t.textContent, shown: t.getAttribute('opacity') !== '0',
            top: r.top, bottom: r.bottom, left: r.left, right: r.right};
  });
  const marks = [...svg.querySelectorAll('.role-mark path')].length;
  return {title: title ? title.textContent : '', height: box.height, labels, marks};
})"""


def chart(charts: list[dict], title: str) -> dict:
    found = [c for c in charts if c["title"].startswith(title)]
    assert found, [c["title"] for c in charts]
    return found[0]


def apart(labels: list[dict]) -> bool:
    """No two labels' boxes overlap (one row, one label)."""
    rows = sorted(labels, key=lambda label: label["top"])
    return all(a["bottom"] <= b["top"] + 0.5 for a, b in zip(rows, rows[1:], strict=False))


def test_the_heatmap_and_the_themes_chart_show_every_label(demo_served):  # noqa: F811
    from playwright.sync_api import sync_playwright

    chromium, url, _ = demo_served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            page = demo_login(browser, url, "direction", 1440)
            go_to(page, "Rapports")
            page.wait_for_function(
                "() => document.querySelectorAll('[data-testid=stVegaLiteChart] svg').length >= 3",
                timeout=30_000,
            )
            charts = page.evaluate(READ_CHARTS)
        finally:
            browser.close()
    heat = chart(charts, "Quand les citoyens écrivent")
    days = [label for label in heat["labels"] if label["text"] in WEEKDAYS]
    print(f"heatmap: {heat['height']:.0f} px, days {[d['text'] for d in days]}")
    assert heat["height"] >= 7 * 24 + 40
    assert [d["text"] for d in days] == list(WEEKDAYS) and all(d["shown"] for d in days)
    assert apart(days)
    hours = [label["text"] for label in heat["labels"] if label["text"].isdigit()]
    assert hours == [str(h) for h in range(24)]

    themes = chart(charts, "Thèmes les plus abordés")
    names = [label for label in themes["labels"] if not label["text"].replace(",", "").isdigit()]
    shown = [label["text"] for label in names if label["shown"]]
    print(f"themes: {themes['height']:.0f} px, {themes['marks']} bars, labels shown {shown}")
    assert themes["marks"] >= 9
    assert len(shown) == len(names) == themes["marks"]
    assert apart(names)
    ticks = [label["text"] for label in themes["labels"] if label not in names]
    assert not any("." in t for t in ticks)  # whole messages, never "0.5"
