"""The directors' report: figures, pseudonymised examples, PDF/HTML/CSV files, weekly mail."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader

from beffroi.analytics.pseudonym import mask_text, pseudonym
from beffroi.analytics.report import (
    build_report,
    choose_period,
    render_csv,
    render_html,
)
from beffroi.cli.main import main
from beffroi.store import connect, to_db, transaction
from beffroi.store.community import create_event, propose_invitations, set_status
from tests.analytics.helpers import item, save

HANDLES = [f"citizen_{i:02d}" for i in range(12)]


def populate(conn, first_day: datetime):
    """12 messages about mobility (one with markup), 3 about culture, a few replies."""
    items = [
        item(
            h,
            at=first_day + timedelta(days=i, hours=9),
            text=f"Bonjour, ici {h.title()} : le bus 12 est encore en retard, @voisin_jean le confirme",
        )
        for i, h in enumerate(HANDLES)
    ]
    items[-1] = item(
        HANDLES[-1],
        at=first_day + timedelta(days=11, hours=9),
        text="<script>alert(1)</script> la piste cyclable est bloquée par des travaux",
    )
    ids = save(conn, items, theme="mobilité", needs_reply=True)
    save(
        conn,
        [
            item(
                f"reader_{i}",
                at=first_day + timedelta(days=i, hours=10),
                text="Quand est le concert du 14 ?",
            )
            for i in range(3)
        ],
        theme="culture",
        needs_reply=True,
    )
    with transaction(conn):
        for item_id in ids[:9]:
            created = conn.execute(
                "SELECT created_at FROM items WHERE id = ?", (item_id,)
            ).fetchone()[0]
            replied = datetime.fromisoformat(created).replace(tzinfo=UTC) + timedelta(hours=1)
            conn.execute(
                "UPDATE queue SET status='replied', replied_at=?, replied_by='marie' WHERE item_id=?",
                (to_db(replied), item_id),
            )
    event = create_event(
        conn,
        name="Instameet d'automne",
        kind="instameet",
        starts_at=first_day + timedelta(days=20),
        now=first_day,
    )
    members = [r[0] for r in conn.execute("SELECT id FROM members ORDER BY id LIMIT 4")]
    invitations = propose_invitations(conn, event, {m: "Bonjour" for m in members}, now=first_day)
    for n, inv in enumerate(invitations):
        set_status(conn, inv, "invited", now=first_day, sent_via="manual")
        set_status(conn, inv, "accepted", now=first_day)
        set_status(conn, inv, "attended" if n < 3 else "no_show", now=first_day)


@pytest.fixture
def october(tmp_path, example_settings, monkeypatch):
    monkeypatch.setenv("BEFFROI_PSEUDONYM_KEY", "test-key")
    conn = connect(tmp_path / "beffroi.db")
    populate(conn, datetime(2026, 10, 5, tzinfo=UTC))
    yield conn
    conn.close()


NOW = datetime(2026, 11, 2, 8, tzinfo=UTC)


def test_report_figures_and_pseudonymised_themes(october, example_settings):
    period = choose_period("month", example_settings, NOW)
    assert period.label == "octobre 2026"
    report = build_report(october, example_settings, period, NOW)
    figures = {h.label: h for h in report.headlines}
    assert figures["Messages reçus"].value == 15
    assert figures["Messages reçus"].previous == 0
    assert figures["Messages reçus"].change == "nouveau"
    assert figures["Taux de réponse"].shown() == "60 %"  # 9 of 15
    assert figures["Taux de présence aux rencontres"].shown() == "75 %"  # 3 of 4
    assert figures["Membres actifs"].value == 15
    themes = report.themes.set_index("theme")
    assert themes.loc["mobilité", "shown"] == "12"
    assert (
        themes.loc["culture", "shown"] == "moins de 5" and themes.loc["culture", "examples"] == []
    )
    examples = " ".join(themes.loc["mobilité", "examples"])
    assert "citizen_" not in examples.lower() and "voisin_jean" not in examples
    assert "@…" in examples and "[nom]" in examples and "membre-" in examples
    assert set(report.chart_objects) == {"volume", "themes", "trend"}


def test_pseudonyms_are_keyed_and_stable():
    a = pseudonym(b"k1", "instagram", "42")
    assert a == pseudonym(b"k1", "instagram", "42") != pseudonym(b"k2", "instagram", "42")
    assert mask_text(
        "Écrivez à jean@ex.fr ou 06 12 34 56 78, @Ana et Ana Dupont", ["Ana Dupont"]
    ) == ("Écrivez à [courriel] ou [téléphone], @… et [nom]")


def test_html_escapes_citizen_text_and_csv_has_the_figures(october, example_settings):
    period = choose_period("month", example_settings, NOW)
    report = build_report(october, example_settings, period, NOW)
    page = render_html(report)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "data:image/png;base64," in page
    rows = render_csv(report)
    assert "chiffres clés,Messages reçus,15,0,nouveau" in rows
    assert "thèmes,culture,moins de 5" in rows


def write_config(tmp_path: Path) -> Path:
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Marcq-en-Barœul"\n[database]\npath = "beffroi.db"\n')
    return cfg


def test_cli_pdf_carries_figures_and_no_handle(october, tmp_path, capsys):
    cfg = write_config(tmp_path)
    out = tmp_path / "rapport.pdf"
    code = main(
        [
            "-c",
            str(cfg),
            "report",
            "--period",
            "month",
            "--format",
            "pdf",
            "--out",
            str(out),
            "--date",
            "2026-10-15",
        ]
    )
    assert code == 0, capsys.readouterr().err
    assert out.read_bytes().startswith(b"%PDF")
    text = pdf_text(out)
    assert "Rapport mensuel — Marcq-en-Barœul" in text
    assert "octobre 2026" in text and "Messages reçus" in text and "60 %" in text and "75 %" in text
    assert "mobilité : 12 message(s)" in text and "moins de 5" in text
    lowered = text.lower()
    assert "citizen_" not in lowered and "voisin_jean" not in lowered and "reader_" not in lowered


def pdf_text(path: Path) -> str:
    """The PDF's text as a reader sees it (pypdf: no system binary needed)."""
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_pdf_draws_its_charts_without_altair_or_a_javascript_engine(october, tmp_path):
    """The PDF's charts are drawn by fpdf2: a new process writing it never imports Altair
    or vl-convert (together 2.6 s of imports and 2.6 s of rendering a monthly PDF)."""
    cfg = write_config(tmp_path)
    out = tmp_path / "rapport.pdf"
    script = (
        "import sys\n"
        "from beffroi.cli.main import main\n"
        f"code = main(['-c', {str(cfg)!r}, 'report', '--period', 'month', '--format', 'pdf',"
        f" '--out', {str(out)!r}, '--date', '2026-10-15'])\n"
        "print(sorted(m for m in ('altair', 'vl_convert') if m in sys.modules), code)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=_env_with_key()
    )
    assert done.stdout.strip().splitlines()[-1] == "[] 0", done.stderr
    text = pdf_text(out)
    for title in ("Messages reçus par jour", "Délai médian de première réponse",
                  "Thèmes les plus abordés"):  # fmt: skip
        assert title in text
    assert "mobilité" in text and "minutes" in text


def _env_with_key() -> dict:
    import os

    return {**os.environ, "BEFFROI_PSEUDONYM_KEY": "test-key"}


def test_cli_refuses_a_missing_folder(tmp_path, capsys):
    cfg = write_config(tmp_path)
    code = main(["-c", str(cfg), "report", "--out", str(tmp_path / "nowhere" / "r.pdf")])
    assert code == 2
    err = capsys.readouterr().err
    assert "nowhere does not exist; nothing was written" in err
    assert not (tmp_path / "nowhere").exists()


def test_cli_refuses_a_bad_date(tmp_path, capsys):
    cfg = write_config(tmp_path)
    assert main(["-c", str(cfg), "report", "--out", str(tmp_path / "x.csv"), "--date", "hier"]) == 2
    assert "--date must look like" in capsys.readouterr().err


def test_week_period_label():
    from zoneinfo import ZoneInfo

    from beffroi.analytics.indicators import period_containing

    week = period_containing("week", date(2026, 11, 18), ZoneInfo("Europe/Paris"))
    assert week.label == "semaine 47 (16/11 – 22/11/2026)"


def test_pdf_font_comes_from_a_python_package_not_the_system():
    import fontpkg_noto_sans

    from beffroi.analytics.report import find_font

    font = find_font()
    assert font.is_relative_to(Path(fontpkg_noto_sans.__file__).parent) and font.exists()


def test_pdf_drops_what_its_font_cannot_draw():
    from beffroi.analytics.report import _printable, find_font

    font = find_font()
    assert _printable("Merci 🙏 pour le feu d'artifice !", font) == "Merci pour le feu d'artifice !"
    assert _printable("Rue de l'Abbé-Lemire, à côté", font) == "Rue de l'Abbé-Lemire, à côté"


def test_a_report_of_the_week_in_progress_compares_the_same_elapsed_span(db, example_settings):
    """Downloaded on Tuesday noon, the report compares Monday–Tuesday noon with Monday–Tuesday
    noon of the week before, as the Rapports page does: against the whole previous week,
    every figure seemed to collapse ("taux de réponse −69 pts") only because the week had
    just begun."""
    from beffroi.analytics import period_containing

    tz = example_settings.tz
    monday = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # 9:00 in Marcq
    save(db, [item(f"p{i}", at=monday - timedelta(days=7) + timedelta(hours=i)) for i in range(2)])
    save(db, [item(f"q{i}", at=monday - timedelta(days=3) + timedelta(hours=i)) for i in range(5)])
    save(db, [item(f"c{i}", at=monday + timedelta(hours=i)) for i in range(3)])
    now = monday + timedelta(days=1, hours=4)
    period = period_containing("week", now.astimezone(tz).date(), tz)
    report = build_report(db, example_settings, period, now)
    received = next(h for h in report.headlines if h.label == "Messages reçus")
    assert (received.value, received.previous) == (3, 2)
    assert "span" not in render_csv(report)  # the CSV states the compared span in French
    assert "comparée à la même durée" in render_csv(report)
