"""Caching read helpers until the database changes.

One process-wide connection asks SQLite's ``PRAGMA data_version`` on every rerun: it
changes whenever any other connection (the collector, the scheduler, this dashboard's own
actions) commits. Cached results are keyed on it, so every session shares them while
nothing changes, and nobody sees a stale list after a change.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import streamlit as st

from beffroi.dashboard.context import read_only
from beffroi.store import connect, data_version


@st.cache_resource(show_spinner=False)
def _version_watch(db_path: str) -> tuple[sqlite3.Connection, threading.Lock]:
    # Sessions run in threads: the lock keeps this shared connection to one user at a time.
    return connect(db_path, readonly=True), threading.Lock()


def current_version(db_path: str) -> int:
    conn, lock = _version_watch(db_path)
    with lock:
        return data_version(conn)


@st.cache_data(show_spinner=False, max_entries=512)
def _call(db_path: str, version: int, name: str, args: tuple, _fn: Callable) -> Any:
    with read_only(db_path) as conn:
        return _fn(conn, *args)


def cached_reader(db_path: str) -> Callable[..., Any]:
    """``cached(fn, *args)`` for a PageContext: fn(read_only_conn, *args), cached."""

    def cached(fn: Callable[..., Any], *args: Any) -> Any:
        name = f"{fn.__module__}.{fn.__qualname__}"
        return _call(db_path, current_version(db_path), name, args, fn)

    return cached


# Figures that decay with time (the ranking, the period compared "so far") are computed as
# of the moment the data last changed, not as of the current minute: keyed on the minute,
# every cached ranking was thrown away once a minute although nothing had been written.
# Without writes the moment still moves on, once an hour.
MAX_STILL = timedelta(hours=1)
_moments: dict[str, tuple[int, datetime]] = {}
_moments_lock = threading.Lock()


def data_moment(db_path: str, now: datetime) -> datetime:
    """``now`` (to the minute) when the database changed since the last call, otherwise
    the moment of that change: a cache key that follows real writes, not the clock."""
    version = current_version(db_path)
    minute = now.replace(second=0, microsecond=0)
    with _moments_lock:
        seen = _moments.get(db_path)
        if seen is None or seen[0] != version or not seen[1] <= minute < seen[1] + MAX_STILL:
            _moments[db_path] = seen = (version, minute)
        return seen[1]
