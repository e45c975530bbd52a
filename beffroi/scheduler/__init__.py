"""The scheduler room: the clock that runs collectors, publishes due posts and sweeps SLAs.

APScheduler is only the clock; every durable fact is in SQLite.
"""

from beffroi.scheduler.collection import StreamReport, collect_all, collect_stream
from beffroi.scheduler.lock import AlreadyRunning, ServiceLock
from beffroi.scheduler.outbox import alert_cycle, marker_for, post_text, publish_cycle
from beffroi.scheduler.series import describe, next_occurrences, occurrences
from beffroi.scheduler.service import JOB_NAMES, SchedulerService, last_heartbeat

__all__ = [
    "JOB_NAMES",
    "SchedulerService",
    "last_heartbeat",
    "AlreadyRunning",
    "alert_cycle",
    "ServiceLock",
    "StreamReport",
    "collect_all",
    "collect_stream",
    "describe",
    "marker_for",
    "next_occurrences",
    "occurrences",
    "post_text",
    "publish_cycle",
]
