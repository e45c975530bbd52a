"""The scheduler room: the clock that runs collectors, publishes due posts and sweeps SLAs.

APScheduler is only the clock; every durable fact is in SQLite.
"""

from beffroi.scheduler.calendar import STATES, UNKNOWN_STATE, Entry, build_entries
from beffroi.scheduler.collection import StreamReport, collect_all, collect_stream
from beffroi.scheduler.drafts import (
    APPROVER_ROLES,
    LIMITS,
    DraftError,
    approve_draft,
    cancel_draft,
    check_texts,
    create_draft,
    pause_series,
    problems,
    resolve_publication,
    save_draft,
    save_image,
    send_back_draft,
)
from beffroi.scheduler.lock import AlreadyRunning, ServiceLock
from beffroi.scheduler.outbox import (
    ACCEPTED_ODDLY,
    alert_cycle,
    marker_for,
    post_text,
    publish_cycle,
    tracked_since,
)
from beffroi.scheduler.series import describe, next_occurrences, occurrences
from beffroi.scheduler.service import JOB_NAMES, SchedulerService, last_heartbeat

__all__ = [
    "ACCEPTED_ODDLY",
    "APPROVER_ROLES",
    "LIMITS",
    "DraftError",
    "approve_draft",
    "cancel_draft",
    "check_texts",
    "create_draft",
    "pause_series",
    "problems",
    "resolve_publication",
    "save_draft",
    "save_image",
    "STATES",
    "UNKNOWN_STATE",
    "Entry",
    "build_entries",
    "tracked_since",
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
    "send_back_draft",
    "marker_for",
    "next_occurrences",
    "occurrences",
    "post_text",
    "publish_cycle",
]
