"""One service per database: an exclusive ``flock`` on a lock file beside the database.

The kernel releases a ``flock`` when its holder exits or dies (even by SIGKILL), so a dead
holder's lock is taken over without anyone deleting a file. The holder writes its pid, host
and start time into the file so that a refused second service can say who holds it.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import datetime
from pathlib import Path

from beffroi.errors import BeffroiError
from beffroi.store import now_utc, to_db


class AlreadyRunning(BeffroiError):
    """Another service holds the database; the message names its pid, host and start."""

    def __init__(self, lock_path: Path, holder: dict) -> None:
        self.holder = holder
        pid = holder.get("pid", "?")
        host = holder.get("host", "?")
        since = holder.get("since", "?")
        super().__init__(
            f"another beffroi service is already running on this database "
            f"(pid {pid} on {host}, since {since} UTC; lock {lock_path}); stop it first"
        )


def lock_path_for(db_path: str | Path) -> Path:
    db_path = Path(db_path)
    return db_path.with_name(db_path.name + ".lock")


def read_holder(lock_path: Path) -> dict:
    try:
        return json.loads(lock_path.read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}


class ServiceLock:
    """Hold ``<db>.lock`` for the life of the service; ``release`` (or exit) frees it."""

    def __init__(self, db_path: str | Path) -> None:
        self.path = lock_path_for(db_path)
        self._fd: int | None = None

    def acquire(self, now: datetime | None = None) -> None:
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise AlreadyRunning(self.path, read_holder(self.path)) from None
        holder = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": to_db(now or now_utc()),
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(holder).encode(), 0)
        os.fsync(fd)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        try:
            os.ftruncate(self._fd, 0)
            fcntl.flock(self._fd, fcntl.LOCK_UN)
        finally:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> ServiceLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
