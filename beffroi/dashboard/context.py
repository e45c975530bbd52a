"""What a dashboard page is given: ``PageContext``.

A page is a function of this context and nothing else, so it can be rendered by the app,
by ``AppTest`` or by a future command that exports a page, without global state.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from beffroi.config import Settings
from beffroi.store import StaffMember, connect

T = TypeVar("T")


@contextmanager
def read_only(path: str | Path) -> Iterator[sqlite3.Connection]:
    """A read-only connection, closed on exit: pages cannot write through it by mistake."""
    conn = connect(path, readonly=True)
    try:
        yield conn
    finally:
        conn.close()


@dataclass(frozen=True)
class PageContext:
    """Everything a page needs.

    - ``settings``: the validated configuration (city, time zone, accounts, themes...);
    - ``user``: the logged-in ``StaffMember`` (``user.role`` decides what is shown);
    - ``read()``: a context manager yielding a fresh read-only connection;
    - ``cached(fn, *args)``: ``fn(read_only_conn, *args)``, cached until the database
      changes (args and result must be picklable; use it for every list a page shows);
    - ``db``: this session's read-write connection, for actions only, and only passed to
      functions of ``beffroi.store``, ``beffroi.inbox`` or ``beffroi.scheduler``;
    - ``now()``: the current UTC time (aware), so a page can be rendered at a fixed time.
    """

    settings: Settings
    user: StaffMember
    read: Callable[[], AbstractContextManager[sqlite3.Connection]]
    cached: Callable[..., Any]
    db: sqlite3.Connection
    now: Callable[[], datetime]

    @property
    def tz(self):
        return self.settings.tz

    def staff_names(self) -> dict[str, str]:
        """username -> name, cached like every read (the history names former staff too)."""
        from beffroi.store import staff_names

        return self.cached(staff_names)

    def person(self, username: str | None) -> str:
        """A colleague as people know them (``cm`` is Claire Martin), or what a machine actor
        is ("Tri automatique", "Dans l'application du réseau")."""
        from beffroi.inbox import person_label

        return person_label(username if isinstance(username, str) else None, self.staff_names())


def in_tabs(ctx: PageContext, sections: dict[str, Callable[[PageContext], None]]) -> None:
    """Draw each section of a page in its own tab, labelled by its key, in order."""
    import streamlit as st

    for tab, draw in zip(st.tabs(list(sections)), sections.values(), strict=True):
        with tab:
            draw(ctx)


def offered_index(options: list, value: Any) -> int:
    """Where a choice list starts: on ``value`` while it is still offered (a theme removed
    from the settings, a colleague no longer active, a series ended), else on the first."""
    return options.index(value) if value in options else 0
