"""Main's code at 59cd8f0, read from the repository's own git history.

It is the oracle of the "results identical to 59cd8f0" tests (ranking, explanations,
``responses()``, full-text search) and the baseline ``bench_reads.py`` times today's reads
against. Reading it from history rather than keeping copies in the tree means the oracle
is exactly what main shipped, and never drifts or gets edited by mistake. A clone has that
history; an export without ``.git`` (or a ``--depth`` clone) raises ``HistoryMissing``,
which the tests turn into a skip naming what to get.
"""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

COMMIT = "59cd8f0"
ROOT = Path(__file__).resolve().parents[1]


class HistoryMissing(RuntimeError):
    """The checkout has no git history holding main's commit."""


def main_source(path: str) -> str:
    """The text of ``path`` (relative to the repository) as it was at main's commit."""
    try:
        shown = subprocess.run(
            ["git", "-C", str(ROOT), "show", f"{COMMIT}:{path}"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError) as error:
        raise HistoryMissing(
            f"needs the repository's git history (commit {COMMIT}, a clone without --depth): "
            f"main's {path} is the oracle"
        ) from error
    return shown.stdout


def main_module(path: str, replace: tuple[str, str] | None = None) -> types.ModuleType:
    """Main's module at ``path``, executed once (optionally with one string of its source
    replaced, e.g. the name of the index main read)."""
    key = f"benchmarks.main_{COMMIT}.{Path(path).stem}" + (f"[{replace[1]}]" if replace else "")
    if key not in sys.modules:
        source = main_source(path)
        if replace:
            source = source.replace(*replace)
        module = types.ModuleType(key)
        module.__file__ = f"{COMMIT}:{path}"
        sys.modules[key] = module  # dataclasses look their module up there
        exec(compile(source, module.__file__, "exec"), module.__dict__)  # noqa: S102 - our history
    return sys.modules[key]


def main_list_entries(conn, settings, filters, *, now, limit=200, offset=0):
    """Main's ``list_entries``: every full-text match collected, looked up, sorted.

    The plan (WHERE, ORDER BY) is main's; the columns read and the entry built from a row
    are today's (the entry has grown fields since), so the two lists compare whole."""
    from beffroi.inbox import views

    main_views = main_module("beffroi/inbox/views.py")
    for name in ("_ENTRY_SQL", "_entry", "_shown_networks"):
        setattr(main_views, name, getattr(views, name))
    return main_views.list_entries(conn, settings, filters, now=now, limit=limit, offset=offset)
