"""Where the command line keeps the traceback of an unexpected error.

The person at the terminal sees one sentence and this file's path; the file has what a
developer needs (command line, version, traceback). The command line's arguments are
kept, never the environment (it holds the tokens). Folder: ``$BEFFROI_LOG_DIR``, else
``$XDG_STATE_HOME/beffroi``, else ``~/.local/state/beffroi``, else the system's temporary
folder.
"""

from __future__ import annotations

import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path

from beffroi import __version__


def _folders() -> list[Path]:
    chosen = []
    if os.environ.get("BEFFROI_LOG_DIR"):
        chosen.append(Path(os.environ["BEFFROI_LOG_DIR"]))
    state = os.environ.get("XDG_STATE_HOME")
    chosen.append(Path(state) / "beffroi" if state else Path.home() / ".local/state/beffroi")
    chosen.append(Path(tempfile.gettempdir()) / "beffroi")
    return chosen


def write_crash_log(exc: BaseException, argv: list[str]) -> Path | None:
    """Write the traceback to a new file; return its path (None if nowhere is writable)."""
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
    text = (
        f"beffroi {__version__}, {datetime.now(UTC).isoformat()}\n"
        f"command line: beffroi {' '.join(argv)}\n\n" + "".join(traceback.format_exception(exc))
    )
    for folder in _folders():
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"crash-{stamp}-{os.getpid()}.log"
            path.write_text(text, encoding="utf-8")
            return path
        except OSError:
            continue
    return None
