"""The scheduler room: the clock that runs collectors, publishes due posts and sweeps SLAs.

APScheduler is only the clock; every durable fact is in SQLite.
"""

from beffroi.scheduler.collection import StreamReport, collect_all, collect_stream
from beffroi.store import IngestHooks

__all__ = ["IngestHooks", "StreamReport", "collect_all", "collect_stream"]
