"""Remembering, outside the database, that a database file passed ``PRAGMA quick_check``.

``quick_check`` reads every page: about 37 s at a million items. A start on a file that has
not changed since its last successful check need not read it again. "Not changed" is the
file's identity as the file system tells it, for the database and its WAL: device, inode,
size, modification and status-change times (nanoseconds; an empty WAL counts as none; the
WAL without its status-change time, see ``identity``).
``touch`` can put a modification
time back, never a status-change time; a copy or a restored backup is another inode.

The memo is one small JSON file per database in the user's state folder
(``$XDG_STATE_HOME/beffroi/checks``, else ``~/.local/state/beffroi/checks``), never in the
database: a damaged file cannot vouch for itself, and a read-only database (or folder)
still gets one. When no folder can be written, nothing is remembered: every start checks.

Limits, said plainly: a memo is written only by a check that passed, so any write (by
Beffroi too) makes the next start check again; a change that keeps every one of these
figures (a disk that rots under the file system, a tool that rewrites a file and resets
its status-change time, which needs the clock itself changed) is not seen here, only by
``beffroi doctor`` or the next check after another change.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

# File times come from the kernel's coarse clock (one tick: 4 ms here, at most 10 ms with
# HZ=100). A change within the same tick as the previous one can keep the very same times:
# a memo is written only once the file's last change is at least this far behind.
TICK_NS = 20_000_000

Identity = list[list[int] | None]


def memo_folder() -> Path:
    state = os.environ.get("XDG_STATE_HOME")
    base = Path(state) if state else Path.home() / ".local" / "state"
    return base / "beffroi" / "checks"


def _memo_path(path: Path) -> Path:
    key = hashlib.sha256(str(path.resolve()).encode("utf-8")).hexdigest()[:32]
    return memo_folder() / f"{key}.json"


def _stat(path: Path) -> list[int] | None:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return [st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns]


def identity(path: Path) -> Identity:
    """The database's and its WAL's identity; only ``stat``: the files are never opened
    here (a plain open and close of a database file drops this process's SQLite locks).

    An empty WAL holds nothing: it is the same as none (SQLite creates one empty when a
    connection opens the file and deletes it when the last one closes).

    The WAL's status-change time is left out: SQLite run as root ``fchown``s the WAL to the
    database's owner each time a connection opens it, so beside a running service every
    start moved it and every start read the whole file again (3.2 s of CPU at 1M items).
    What that leaves unseen is a WAL rewritten with its modification time put back; SQLite
    checksums every WAL frame and ignores the frames from the first bad one, so such a
    change can lose the last transactions but never hand a damaged page to a reader."""
    wal = _stat(Path(f"{path}-wal"))
    return [_stat(path), wal[:4] if wal is not None and wal[2] > 0 else None]


def recalls(path: Path) -> bool:
    """Whether the last successful check saw this file exactly as it is now."""
    try:
        memo = json.loads(_memo_path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return (
        isinstance(memo, dict)
        and memo.get("path") == str(path.resolve())
        and memo.get("identity") == identity(path)
    )


def _last_change_ns(seen: Identity) -> int:
    return max(max(s[3:]) for s in seen if s is not None)


def remember(path: Path, seen: Identity, seconds: float) -> bool:
    """Record that the check that began when the file looked like ``seen`` passed, if the
    file still looks exactly like that (nothing wrote during the check). False when it
    changed, or when no memo can be written (a start will simply check again)."""
    if seen[0] is None:
        return False
    wait_ns = _last_change_ns(seen) + TICK_NS - time.time_ns()
    if wait_ns > 0:  # changed within the last tick: wait it out, so a later change shows
        time.sleep(wait_ns / 1e9)
    if identity(path) != seen:
        return False
    memo = {
        "path": str(path.resolve()),
        "identity": seen,
        "checked_at_ns": time.time_ns(),
        "quick_check_seconds": round(seconds, 3),
    }
    target = _memo_path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(f"{target.name}.{os.getpid()}.tmp")
        partial.write_text(json.dumps(memo), encoding="utf-8")
        os.replace(partial, target)
    except OSError:
        return False
    return True


def forget(path: Path) -> None:
    """Drop the memo of ``path`` (tests; ``beffroi doctor`` after finding damage)."""
    try:
        _memo_path(path).unlink()
    except OSError:
        pass
