"""The scheduler room: the clock that runs collectors, publishes due posts and sweeps SLAs.

APScheduler is only the clock; every durable fact is in SQLite.
"""

from beffroi.scheduler.collection import IngestHooks, StreamReport, collect_all, collect_stream

__all__ = ["IngestHooks", "StreamReport", "collect_all", "collect_stream"]
