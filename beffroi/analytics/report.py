"""The directors' report for a week or a month: headline figures with their change, a few
charts, the themes citizens raised (examples without names), events and attendance.

``build_report`` computes everything once from a read-only connection; ``render_html``,
``render_pdf`` and ``render_csv`` (or ``render_report(report, fmt)``) only lay it out, so
the three files always agree. People never appear by name: authors are pseudonymised with a
keyed hash, @handles and the author's names are masked in example texts, and any count
under 5 is hidden.

This module computes and renders, and returns text or bytes: it writes no file and sends no
mail. Writing the file is the caller's (``beffroi report``, the dashboard's download
button); mailing the weekly PDF is the scheduler's job (``beffroi.scheduler.weekly_report``).
"""

from __future__ import annotations

import base64
import functools
import html
import io
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from beffroi.analytics import charts
from beffroi.analytics.indicators import (
    NO_THEME,
    Period,
    compared_ends,
    inbound_buckets,
    last_complete_period,
    members_new_returning,
    period_containing,
    received_between,
    responses,
    summarise_responses,
    volume_by,
    weekly_trend,
)
from beffroi.analytics.invitations import events_between
from beffroi.analytics.pseudonym import mask_text, pseudonym, pseudonym_key
from beffroi.analytics.ranking import account_networks
from beffroi.config import Settings
from beffroi.errors import BeffroiError
from beffroi.export import safe_writer
from beffroi.labels import duration
from beffroi.store import from_db, to_db

MIN_COUNT = 5  # smaller counts are hidden: a handful of messages can point to a person
FORMATS = ("pdf", "html", "csv")


class ReportError(BeffroiError):
    """The report cannot be produced; the message says why in one sentence."""


@dataclass(frozen=True)
class Headline:
    label: str
    value: float | None
    previous: float | None
    unit: str  # count | percent | minutes

    def shown(self, which: str = "value") -> str:
        """The current value, or ``shown("previous")`` for the previous period's."""
        return format_value(self.previous if which == "previous" else self.value, self.unit)

    @property
    def change(self) -> str:
        """The change vs the previous period, in words a director reads at a glance."""
        if self.value is None or self.previous is None or pd.isna(self.value):
            return "—"
        if pd.isna(self.previous):
            return "—"
        if self.unit == "percent":
            points = round((self.value - self.previous) * 100)
            return f"{points:+d} pts".replace("-", "−")
        if self.unit == "minutes":
            delta = round(self.value - self.previous)
            text = format_value(abs(delta), "minutes")
            return "=" if delta == 0 else ("+" if delta > 0 else "−") + text
        if self.previous == 0:
            return "nouveau" if self.value else "="
        pct = round((self.value - self.previous) / self.previous * 100)
        return f"{pct:+d} %".replace("-", "−")


def format_value(value: float | None, unit: str) -> str:
    if value is None or pd.isna(value):
        return "—"
    if unit == "percent":
        return f"{value * 100:.0f} %"
    if unit == "minutes":
        return duration(value * 60)
    return f"{int(value):,}".replace(",", "\u202f")


@dataclass
class Report:
    city: str
    period: Period
    generated_at: datetime
    headlines: list[Headline]
    themes: pd.DataFrame  # theme, n (None when hidden), shown, examples (list of str)
    networks: pd.DataFrame  # network, n, previous
    events: pd.DataFrame
    daily: pd.DataFrame  # day, network, n
    trend: pd.DataFrame  # week, median_minutes, within_sla ...
    stable_pseudonyms: bool

    @functools.cached_property
    def chart_objects(self) -> dict:
        """The Altair charts (HTML report), built on first use: the PDF draws its own and a
        CSV needs none, so neither pays for importing Altair."""
        return report_charts(self)

    @property
    def comparison(self) -> str:
        """The period and what it is compared with, e.g. for a week still running:
        "semaine 48 (…), en cours : jusqu'au 24/11 à 13:00, comparée à la même durée de
        semaine 47 (…)"."""
        if self.period.end <= self.generated_at:
            return f"{self.period.label} — comparé à {self.period.previous.label}"
        local = self.generated_at.astimezone(self.period.tz)
        return (
            f"{self.period.label}, en cours : jusqu'au {local:%d/%m à %H:%M}, comparée à la "
            f"même durée de {self.period.previous.label}"
        )

    @property
    def title(self) -> str:
        kind = "hebdomadaire" if self.period.kind == "week" else "mensuel"
        return f"Rapport {kind} — {self.city}"


# ---------------------------------------------------------------- building


def _headlines(
    conn, period: Period, now: datetime, answers: pd.DataFrame, events: pd.DataFrame
) -> list[Headline]:
    """The headline figures of ``period`` and of the one before, from ``answers`` (the
    ``responses`` of both) and the period's ``events``."""

    def figures(p: Period, end: datetime, events: pd.DataFrame) -> dict[str, float | None]:
        summary = summarise_responses(received_between(answers, p.start, end)).iloc[0]
        inbound = conn.execute(
            "SELECT count(*), count(DISTINCT member_id) FROM items INDEXED BY items_inbound "
            "WHERE direction = 'in' AND kind != 'post' AND created_at >= ? AND created_at < ?",
            (to_db(p.start), to_db(end)),
        ).fetchone()
        members = members_new_returning(conn, p.start, end)
        attended = int(events["attended"].sum()) if not events.empty else 0
        marked = attended + (int(events["no_show"].sum()) if not events.empty else 0)
        return {
            "inbound": inbound[0],
            "members": inbound[1],
            "new": members["new"],
            "rate": summary["response_rate"],
            "median": summary["median_minutes"],
            "p90": summary["p90_minutes"],
            "sla": summary["within_sla"],
            "attendance": attended / marked if marked else None,
        }

    end, previous_end = compared_ends(period, now)
    now_f = figures(period, end, events)
    before = figures(
        period.previous,
        previous_end,
        events_between(conn, period.previous.start, period.previous.end),
    )
    spec = [
        ("Messages reçus", "inbound", "count"),
        ("Taux de réponse", "rate", "percent"),
        ("Délai médian de réponse (heures ouvrées)", "median", "minutes"),
        ("Délai au 90e centile (heures ouvrées)", "p90", "minutes"),
        ("Réponses dans les délais", "sla", "percent"),
        ("Membres actifs", "members", "count"),
        ("Nouveaux membres", "new", "count"),
        ("Taux de présence aux rencontres", "attendance", "percent"),
    ]
    return [Headline(label, now_f[key], before[key], unit) for label, key, unit in spec]


def _theme_examples(
    conn: sqlite3.Connection, settings: Settings, period: Period, per_theme: int = 2
) -> pd.DataFrame:
    """Messages per theme, and for themes of 5 or more the latest public messages that
    needed a reply (questions, complaints: what directors should read), masked."""
    rows = conn.execute(
        """
        SELECT coalesce(q.theme, ?) AS theme, count(*) AS n
        FROM items i INDEXED BY items_inbound JOIN queue q ON q.item_id = i.id
        WHERE i.created_at >= ? AND i.created_at < ? AND i.direction = 'in'
        GROUP BY 1 ORDER BY n DESC, theme
        """,
        (NO_THEME, to_db(period.start), to_db(period.end)),
    ).fetchall()
    key = pseudonym_key(settings)
    networks = account_networks(conn, settings)
    records = []
    for theme, n in rows:
        examples: list[str] = []
        visible = n >= MIN_COUNT
        if visible and theme != NO_THEME:
            picked = conn.execute(
                """
                SELECT i.text, i.account, m.network, m.external_id, m.handle, m.display_name
                FROM items i INDEXED BY items_created JOIN queue q ON q.item_id = i.id
                LEFT JOIN members m ON m.id = i.member_id
                WHERE q.theme = ? AND i.created_at >= ? AND i.created_at < ?
                  AND i.direction = 'in' AND q.needs_reply = 1 AND i.kind != 'dm'
                  AND length(i.text) BETWEEN 25 AND 400
                ORDER BY i.created_at DESC LIMIT ?
                """,
                (theme, to_db(period.start), to_db(period.end), per_theme),
            ).fetchall()
            for text, account, network, external_id, handle, display in picked:
                who = pseudonym(key, network, external_id) if external_id else "membre inconnu"
                where = charts.network_name(networks.get(account, ""))
                masked = " ".join(mask_text(text, [handle, display]).split())
                while masked.startswith("@… "):  # the city's own handle, masked: noise
                    masked = masked[3:]
                if len(masked) > 220:
                    masked = masked[:217].rstrip() + "…"
                examples.append(f"« {masked} » — {who} ({where})")
        records.append(
            {
                "theme": theme,
                "n": n if visible else None,
                "shown": str(n) if visible else f"moins de {MIN_COUNT}",
                "examples": examples,
            }
        )
    # Unclassified messages last: directors read the themes first.
    records.sort(key=lambda r: r["theme"] == NO_THEME)
    return pd.DataFrame(records, columns=["theme", "n", "shown", "examples"])


def build_report(
    conn: sqlite3.Connection, settings: Settings, period: Period, now: datetime
) -> Report:
    """Everything the report shows, computed once."""
    buckets = inbound_buckets(conn, settings, period.start, period.end)
    previous = inbound_buckets(conn, settings, period.previous.start, compared_ends(period, now)[1])
    networks = volume_by(buckets, "network").merge(
        volume_by(previous, "network").rename(columns={"n": "previous"}), on="network", how="outer"
    )
    networks[["n", "previous"]] = networks[["n", "previous"]].fillna(0).astype(int)
    networks = networks.sort_values("n", ascending=False).reset_index(drop=True)
    daily = (
        buckets.groupby(["day", "network"], as_index=False)["n"].sum()
        if not buckets.empty
        else pd.DataFrame(columns=["day", "network", "n"])
    )
    trend_start = period.start - pd.Timedelta(weeks=7 if period.kind == "week" else 4)
    end = min(period.end, now)
    # One read of the responses serves the trend, the period and the previous one.
    answers = responses(conn, settings, min(trend_start, period.previous.start), end)
    trend = weekly_trend(received_between(answers, trend_start, end), settings.tz)
    themes = _theme_examples(conn, settings, period)
    events = events_between(conn, period.start, period.end)
    report = Report(
        city=settings.city.name,
        period=period,
        generated_at=now,
        headlines=_headlines(conn, period, now, answers, events),
        themes=themes,
        networks=networks,
        events=events,
        daily=daily,
        trend=trend,
        stable_pseudonyms=pseudonym_key(settings).stable,
    )
    return report


def report_charts(report: Report) -> dict:
    """The report's charts: the same Altair definitions as the dashboard's."""
    data = chart_data(report)
    makers = {
        "volume": charts.volume_by_day,
        "themes": charts.themes_bar,
        "trend": charts.response_trend,
    }
    return {name: makers[name](frame) for name, frame in data.items()}


def chart_data(report: Report) -> dict[str, pd.DataFrame]:
    """What each chart shows (only the charts that have something to show): the Altair
    charts of the HTML report and the PDF's drawings read the same frames."""
    out = {}
    if not report.daily.empty:
        out["volume"] = report.daily
    visible = report.themes.dropna(subset=["n"])
    visible = visible[visible["theme"] != NO_THEME]
    if not visible.empty:
        out["themes"] = visible[["theme", "n"]].astype({"n": int})
    trend = report.trend.dropna(subset=["median_minutes"]) if not report.trend.empty else None
    if trend is not None and not trend.empty:
        out["trend"] = trend
    return out


# ---------------------------------------------------------------- HTML


def render_html(report: Report) -> str:
    """A self-contained page: escaped text, charts as embedded PNG images."""
    e = html.escape
    rows = "".join(
        f"<tr><th>{e(h.label)}</th><td class='v'>{e(h.shown())}</td>"
        f"<td>{e(h.shown('previous'))}</td><td>{e(h.change)}</td></tr>"
        for h in report.headlines
    )
    images = "".join(
        f"<figure><img alt='{e(name)}' src='data:image/png;base64,"
        f"{base64.b64encode(charts.to_png(chart)).decode()}'></figure>"
        for name, chart in report.chart_objects.items()
    )
    themes = "".join(
        f"<li><b>{e(t.theme)}</b> : {e(t.shown)} message(s)"
        + (
            "<ul>" + "".join(f"<li class='ex'>{e(x)}</li>" for x in t.examples) + "</ul>"
            if t.examples
            else ""
        )
        + "</li>"
        for t in report.themes.itertuples()
    )
    events = (
        "".join(
            f"<tr><td>{e(str(ev.name))}</td><td>{e(str(ev.kind))}</td>"
            f"<td>{e(_local_day(ev.starts_at, report.period.tz))}</td>"
            f"<td>{int(ev.invitations)}</td><td>{int(ev.attended)}</td>"
            f"<td>{e(format_value(ev.attendance_rate, 'percent'))}</td></tr>"
            for ev in report.events.itertuples()
        )
        or "<tr><td colspan='6'>Aucune rencontre sur la période.</td></tr>"
    )
    note = (
        ""
        if report.stable_pseudonyms
        else "<p class='note'>Clé de pseudonymisation absente : les pseudonymes changent "
        "d'un rapport à l'autre.</p>"
    )
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{e(report.title)}</title>
<style>
body{{font-family:"Noto Sans",Arial,sans-serif;max-width:900px;margin:2em auto;color:#222}}
table{{border-collapse:collapse;width:100%}} th,td{{padding:4px 8px;border-bottom:1px solid #ddd;text-align:left}}
td.v{{font-weight:bold;font-size:1.2em}} .ex{{color:#444;font-style:italic}} .note{{color:#a00}}
figure{{margin:1em 0}} img{{max-width:100%}}
</style></head><body>
<h1>{e(report.title)}</h1>
<p>{e(report.comparison)}</p>
<h2>Chiffres clés</h2>
<table><tr><th></th><th>période</th><th>précédente</th><th>évolution</th></tr>{rows}</table>
{images}
<h2>Ce dont les citoyens ont parlé</h2><ul>{themes}</ul>
<h2>Rencontres</h2>
<table><tr><th>rencontre</th><th>type</th><th>date</th><th>invités</th><th>présents</th><th>présence</th></tr>{events}</table>
{note}
<p><small>Généré le {e(_local_day(to_db(report.generated_at), report.period.tz))} par Beffroi.
Les personnes sont pseudonymisées ; les effectifs inférieurs à {MIN_COUNT} sont masqués.</small></p>
</body></html>
"""


def _local_day(db_text: str, tz) -> str:
    return from_db(db_text).astimezone(tz).strftime("%d/%m/%Y")


# ---------------------------------------------------------------- CSV


def render_csv(report: Report) -> str:
    """Long format: section, label, value, previous, change."""
    out = io.StringIO()
    writer = safe_writer(out)  # a theme or event name can start with "="
    writer.writerow(["section", "libellé", "valeur", "précédente", "évolution"])
    writer.writerow(["période", report.period.label, "", report.period.previous.label, ""])
    writer.writerow(["période", "comparaison", report.comparison, "", ""])
    for h in report.headlines:
        writer.writerow(["chiffres clés", h.label, h.shown(), h.shown("previous"), h.change])
    for row in report.networks.itertuples():
        writer.writerow(["messages par réseau", row.network, row.n, row.previous, ""])
    for row in report.themes.itertuples():
        writer.writerow(["thèmes", row.theme, row.shown, "", ""])
    for ev in report.events.itertuples():
        writer.writerow(
            [
                "rencontres",
                ev.name,
                int(ev.attended),
                int(ev.invitations),
                format_value(ev.attendance_rate, "percent"),
            ]
        )
    return out.getvalue()


# ---------------------------------------------------------------- PDF

FONT_PACKAGE = "fontpkg_noto_sans"  # pip install fontpkg-noto-sans (SIL Open Font License 1.1)
FONT_FILE = "NotoSans[wdth,wght].ttf"
FAMILY = "NotoSans"


def find_font() -> Path:
    """The Unicode TrueType font the PDF embeds: Noto Sans, shipped by the
    ``fontpkg-noto-sans`` package (a dependency), so no system font is needed."""
    try:
        from fontpkg_noto_sans import ROOT
    except ImportError:
        raise ReportError(
            "the PDF's font is missing; install it with: pip install fontpkg-noto-sans"
        ) from None
    font = Path(ROOT) / "files" / FONT_FILE
    if not font.exists():
        raise ReportError(f"the PDF's font file is missing: {font}")
    return font


@functools.cache
def _font_characters(font: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(font)).getBestCmap())


def _printable(text: str, font: Path) -> str:
    """Citizen examples without the characters the font cannot draw (emoji mostly): a PDF
    otherwise shows empty boxes and fpdf2 logs a warning per missing glyph."""
    known = _font_characters(font)
    kept = "".join(c for c in text if ord(c) in known or c in "\n\t")
    return re.sub(" {2,}", " ", kept).strip() if kept != text else text


def _font(pdf, size: float) -> None:
    pdf.set_font(FAMILY, "", size)


def _bold_cell(pdf, size: float, *args, **kwargs) -> None:
    """One line of bold text. The font file is variable (one file, every weight); fpdf2
    embeds its regular instance in milliseconds but takes many seconds to cut a bold
    instance out of it, so bold is the regular outline also stroked (what PDF viewers do
    for a missing bold face). In a local context: fpdf2 would otherwise leave the stroking
    mode on for the text that follows."""
    with pdf.local_context(text_mode="FILL_STROKE", line_width=size * 0.012):
        pdf.set_font(FAMILY, "", size)
        pdf.set_draw_color(0, 0, 0)
        pdf.cell(*args, **kwargs)


VARIATION_TABLES = ("gvar", "fvar", "avar", "cvar", "HVAR", "MVAR", "STAT")


def _static_font(pdf) -> None:
    """Drop the font's variation tables before fpdf2 subsets it for embedding: a PDF draws
    the outlines of the regular instance only, and decoding those tables cost a third of a
    second per PDF."""
    font = pdf.fonts.get(FAMILY.lower())
    ttfont = getattr(font, "ttfont", None)
    for tag in VARIATION_TABLES:
        if ttfont is not None and tag in ttfont:
            del ttfont[tag]


def render_pdf(report: Report) -> bytes:
    from fpdf import FPDF

    from beffroi.analytics import pdf_charts

    regular = find_font()
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(True, margin=14)
    pdf.add_font(FAMILY, "", str(regular))
    _static_font(pdf)
    pdf.set_title(report.title)
    pdf.set_creator("Beffroi")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    _bold_cell(pdf, 17, 0, 9, report.title, new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 10)
    pdf.set_text_color(90, 90, 90)
    pdf.cell(
        0,
        6,
        report.comparison,
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_text_color(0, 0, 0)
    pdf.ln(3)

    # Headline figures: a grid of four boxes per row.
    box_w, box_h, gap = (width - 3 * 3) / 4, 24, 3
    top = pdf.get_y()
    for index, h in enumerate(report.headlines):
        col, row = index % 4, index // 4
        x = pdf.l_margin + col * (box_w + gap)
        y = top + row * (box_h + gap)
        pdf.set_fill_color(243, 246, 250)
        pdf.rect(x, y, box_w, box_h, style="F")
        pdf.set_xy(x + 2, y + 1.5)
        _font(pdf, 7)
        pdf.multi_cell(box_w - 4, 3.2, h.label, align="L", new_x="LEFT", new_y="NEXT")
        pdf.set_xy(x + 2, y + 9.5)
        _bold_cell(pdf, 14, box_w - 4, 7, h.shown())
        pdf.set_xy(x + 2, y + 17.5)
        _font(pdf, 7)
        pdf.set_text_color(90, 90, 90)
        pdf.cell(box_w - 4, 4, f"{h.change}  (avant : {h.shown('previous')})")
        pdf.set_text_color(0, 0, 0)
    rows = (len(report.headlines) + 3) // 4
    pdf.set_xy(pdf.l_margin, top + rows * (box_h + gap) + 2)

    data = chart_data(report)
    if "volume" in data:
        pdf_charts.volume_by_day(pdf, data["volume"], width * 0.92)
        pdf.ln(2)
    if "trend" in data:
        pdf_charts.response_trend(pdf, data["trend"], width * 0.92)
        pdf.ln(2)

    if not report.networks.empty:
        _font(pdf, 9)
        parts = [
            f"{charts.network_name(r.network)} : {format_value(r.n, 'count')} "
            f"(avant : {format_value(r.previous, 'count')})"
            for r in report.networks.itertuples()
        ]
        pdf.multi_cell(width, 5, "Messages reçus par réseau — " + " · ".join(parts), align="L")

    pdf.add_page()
    _bold_cell(pdf, 13, 0, 8, "Ce dont les citoyens ont parlé", new_x="LMARGIN", new_y="NEXT")
    if "themes" in data:
        _font(pdf, 9)
        pdf_charts.themes_bar(pdf, data["themes"], width * 0.85)
    for t in report.themes.itertuples():
        line = f"{t.theme} : {t.shown} message(s)"
        _bold_cell(pdf, 10, 0, 6, line, new_x="LMARGIN", new_y="NEXT")
        _font(pdf, 8.5)
        for example in t.examples:
            pdf.set_x(pdf.l_margin + 4)
            pdf.multi_cell(
                width - 4, 4.2, _printable(example, regular), align="L", new_x="LMARGIN",
                new_y="NEXT",
            )  # fmt: skip
    pdf.ln(3)
    _bold_cell(pdf, 13, 0, 8, "Rencontres", new_x="LMARGIN", new_y="NEXT")
    _font(pdf, 9)
    if report.events.empty:
        pdf.cell(0, 6, "Aucune rencontre sur la période.", new_x="LMARGIN", new_y="NEXT")
    for ev in report.events.itertuples():
        pdf.cell(
            0,
            5.5,
            f"{ev.name} ({ev.kind}, {_local_day(ev.starts_at, report.period.tz)}) : "
            f"{int(ev.invitations)} invité(s), {int(ev.attended)} présent(s), "
            f"présence {format_value(ev.attendance_rate, 'percent')}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    pdf.ln(4)
    _font(pdf, 7.5)
    pdf.set_text_color(110, 110, 110)
    note = (
        "Les personnes sont pseudonymisées (hachage à clé) ; les effectifs inférieurs à "
        f"{MIN_COUNT} sont masqués. Délais en heures ouvrées."
    )
    if not report.stable_pseudonyms:
        note += " Clé de pseudonymisation absente : pseudonymes non stables."
    pdf.multi_cell(width, 3.8, note, align="L")
    return bytes(pdf.output())


# ---------------------------------------------------------------- choosing and rendering


def choose_period(kind: str, settings: Settings, now: datetime, day=None) -> Period:
    """The period containing ``day``, or the last complete one before ``now``."""
    if kind not in ("week", "month"):
        raise ReportError(f"unknown period '{kind}': choose week or month")
    if day is not None:
        return period_containing(kind, day, settings.tz)
    return last_complete_period(kind, now, settings.tz)


def render_report(report: Report, fmt: str) -> bytes:
    """The report as the bytes of a PDF, or of an HTML or CSV file (UTF-8)."""
    if fmt == "pdf":
        return render_pdf(report)
    if fmt == "html":
        return render_html(report).encode("utf-8")
    if fmt == "csv":
        return render_csv(report).encode("utf-8")
    raise ReportError(f"unknown format '{fmt}': choose pdf, html or csv")
