"""Checks on the files a command is asked to write, before it computes anything."""

from __future__ import annotations

import os
from pathlib import Path

from beffroi.cli.errors import UsageError


def check_output_file(path: Path) -> None:
    """Refuse, in one sentence, an output path that is a folder or cannot be written."""
    if path.is_dir():
        raise UsageError(f"{path} is a folder; give a file name, such as {path / 'rapport.pdf'}")
    folder = path.parent
    if not folder.is_dir():
        raise UsageError(f"the folder {folder} does not exist; nothing was written")
    if path.exists() and not os.access(path, os.W_OK):
        raise UsageError(f"{path} cannot be written (read-only); nothing was written")
    if not os.access(folder, os.W_OK):
        raise UsageError(f"the folder {folder} cannot be written; nothing was written")
