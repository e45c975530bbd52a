"""The program's one clock: the current time, aware, in UTC, to the second.

Every room asks this function (collectors through ``collectors.utcnow``, the others through
``store.now_utc``: the same function), so a time a collector computes and the time the store
writes never differ by a fraction of a second. The database keeps whole seconds
(``store.times.to_db``); a clock with microseconds would make a value read back from the
database compare unequal to the one that was written. This module imports nothing of
Beffroi's, so any room may import it.
"""

from __future__ import annotations

from datetime import UTC, datetime


def now_utc() -> datetime:
    """Now, in UTC, without microseconds (what the database stores)."""
    return datetime.now(UTC).replace(microsecond=0)
