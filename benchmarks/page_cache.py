"""Cold starts for the benchmarks: drop one database file from the OS page cache."""

from __future__ import annotations

import os
from pathlib import Path


def evict(path: Path) -> None:
    """Drop this one file from the page cache (its WAL too): the next read is from disk, as
    after a reboot, while the rest of the machine keeps its cache."""
    for name in (path, Path(f"{path}-wal")):
        if name.exists():
            fd = os.open(name, os.O_RDONLY)
            try:
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)
