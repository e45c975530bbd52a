"""The PDF report's three charts, drawn straight into the page with fpdf2.

The dashboard and the HTML report render the Altair definitions of ``charts``; the PDF
draws the same figures (same titles, colours, units) with a few rectangles and lines.
Rendering Altair to PNG starts a JavaScript engine (vl-convert) and cost 2.6 s of the 8 s a
monthly PDF took; these drawings cost milliseconds and are vectors, sharp when printed.
"""

from __future__ import annotations

import math

from beffroi.analytics.charts import NETWORK_COLOURS, network_name

GREY = (110, 110, 110)
GRID = (225, 225, 225)
AXIS_W = 14  # mm left of the plot for the tick labels


def _rgb(colour: str) -> tuple[int, int, int]:
    colour = colour.lstrip("#")
    return int(colour[0:2], 16), int(colour[2:4], 16), int(colour[4:6], 16)


def nice_ticks(top: float, most: int = 5) -> list[float]:
    """0 and round steps (1, 2, 5 × 10ⁿ) up to at least ``top``, at most ``most`` + 1 ticks."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / most
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    count = math.ceil(top / step - 1e-9)
    return [i * step for i in range(count + 1)]


def _label(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def _title(pdf, x: float, y: float, text: str) -> None:
    pdf.set_font(pdf.font_family, "", 9)
    pdf.set_xy(x, y)
    pdf.cell(0, 5, text)


def _y_axis(pdf, x: float, top: float, w: float, h: float, ticks: list[float], unit: str):
    """Grid lines and their labels; returns the function mapping a value to a height."""
    pdf.set_font(pdf.font_family, "", 6.5)
    pdf.set_text_color(*GREY)
    pdf.set_draw_color(*GRID)
    pdf.set_line_width(0.15)
    scale = h / ticks[-1]
    for tick in ticks:
        y = top + h - tick * scale
        pdf.line(x + AXIS_W, y, x + w, y)
        pdf.set_xy(x, y - 2)
        pdf.cell(AXIS_W - 1.5, 4, _label(tick), align="R")
    pdf.set_xy(x, top - 5)
    pdf.cell(AXIS_W + 20, 4, unit)
    pdf.set_text_color(0, 0, 0)
    return lambda value: value * scale


def _x_labels(pdf, x0: float, step: float, y: float, labels: list[str]) -> None:
    """Labels under the plot, thinned so that they never overlap (about 9 mm each)."""
    every = max(1, math.ceil(9 / step)) if step > 0 else 1
    pdf.set_font(pdf.font_family, "", 6.5)
    pdf.set_text_color(*GREY)
    for index in range(0, len(labels), every):
        pdf.set_xy(x0 + index * step + step / 2 - 6, y)
        pdf.cell(12, 3.5, labels[index], align="C")
    pdf.set_text_color(0, 0, 0)


def volume_by_day(pdf, daily, width: float, height: float = 42) -> None:
    """Inbound messages per day, stacked by network. ``daily``: columns day, network, n."""
    x, top = pdf.l_margin, pdf.get_y()
    _title(pdf, x, top, "Messages reçus par jour")
    table = daily.assign(network=daily["network"].map(network_name))
    table = table.pivot_table(index="day", columns="network", values="n", aggfunc="sum")
    table = table.fillna(0).sort_index()
    networks = sorted(table.columns)
    plot_top = top + 12
    ticks = nice_ticks(float(table.sum(axis=1).max()))
    height_of = _y_axis(pdf, x, plot_top, width, height, ticks, "messages")
    step = (width - AXIS_W) / max(1, len(table))
    bottom = plot_top + height
    for index, (_, row) in enumerate(table.iterrows()):
        left = x + AXIS_W + index * step + step * 0.1
        base = bottom
        for network in networks:
            h = height_of(float(row[network]))
            if h > 0:
                pdf.set_fill_color(*_rgb(NETWORK_COLOURS.get(network, "#888888")))
                pdf.rect(left, base - h, step * 0.8, h, style="F")
                base -= h
    days = [f"{d:%d/%m}" for d in table.index]
    _x_labels(pdf, x + AXIS_W, step, bottom + 0.8, days)
    _legend(pdf, x + AXIS_W, bottom + 5, networks)
    pdf.set_xy(x, bottom + 10)


def _legend(pdf, x: float, y: float, networks: list[str]) -> None:
    pdf.set_font(pdf.font_family, "", 7)
    for network in networks:
        pdf.set_fill_color(*_rgb(NETWORK_COLOURS.get(network, "#888888")))
        pdf.rect(x, y + 0.8, 2.5, 2.5, style="F")
        pdf.set_xy(x + 3.2, y)
        pdf.cell(pdf.get_string_width(network) + 1, 4, network)
        x += pdf.get_string_width(network) + 8


def response_trend(pdf, trend, width: float, height: float = 36) -> None:
    """Median first-response time per week. ``trend``: columns week, median_minutes."""
    x, top = pdf.l_margin, pdf.get_y()
    _title(pdf, x, top, "Délai médian de première réponse (heures ouvrées)")
    minutes = [float(m) for m in trend["median_minutes"]]
    # Minutes read better than "0,8 h"; hours once delays run into half-days.
    unit, divisor = ("minutes", 1) if max(minutes) < 180 else ("heures", 60)
    values = [round(m / divisor, 1) for m in minutes]
    plot_top = top + 12
    ticks = nice_ticks(max(values))
    height_of = _y_axis(pdf, x, plot_top, width, height, ticks, unit)
    step = (width - AXIS_W) / max(1, len(values))
    bottom = plot_top + height
    points = [
        (x + AXIS_W + i * step + step / 2, bottom - height_of(v)) for i, v in enumerate(values)
    ]
    pdf.set_draw_color(*_rgb("#2f855a"))
    pdf.set_fill_color(*_rgb("#2f855a"))
    pdf.set_line_width(0.5)
    for (x1, y1), (x2, y2) in zip(points, points[1:], strict=False):
        pdf.line(x1, y1, x2, y2)
    for px, py in points:
        pdf.ellipse(px - 0.8, py - 0.8, 1.6, 1.6, style="F")
    pdf.set_line_width(0.2)
    pdf.set_draw_color(0, 0, 0)
    weeks = [f"{w:%d/%m}" for w in trend["week"]]
    _x_labels(pdf, x + AXIS_W, step, bottom + 0.8, weeks)
    pdf.set_xy(x, bottom + 6)


def themes_bar(pdf, themes, width: float) -> None:
    """Messages per theme, counts under 5 already removed. ``themes``: columns theme, n."""
    x, top = pdf.l_margin, pdf.get_y()
    _title(pdf, x, top, "Thèmes les plus abordés")
    rows = sorted(zip(themes["theme"], themes["n"], strict=True), key=lambda r: (-r[1], r[0]))
    label_w = 30
    bar_w = width - label_w - 12
    most = max(n for _, n in rows)
    y = top + 7
    pdf.set_font(pdf.font_family, "", 7.5)
    for theme, n in rows:
        pdf.set_xy(x, y)
        pdf.cell(label_w - 2, 4.5, str(theme), align="R")
        length = bar_w * n / most
        pdf.set_fill_color(*_rgb("#2b6cb0"))
        pdf.rect(x + label_w, y + 0.6, length, 3.3, style="F")
        pdf.set_xy(x + label_w + length + 1, y)
        pdf.cell(12, 4.5, str(int(n)))
        y += 5.5
    pdf.set_xy(x, y + 3)
