"""``beffroi run``: the one scheduler service of a database.

APScheduler is only the clock (in-memory job store, rebuilt from the configuration at each
start); every durable fact lives in SQLite. Each job opens its own connection, records
itself in ``job_runs`` and never lets an exception escape: a job that raises is logged and
recorded, and the service keeps running. A second service on the same database is refused
by :class:`~beffroi.scheduler.lock.ServiceLock`.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from beffroi.collectors import Collector, mask_secrets
from beffroi.config import Settings
from beffroi.inbox import IngestHooks
from beffroi.scheduler.collection import collect_all
from beffroi.scheduler.job_summary import describe, describe_collection
from beffroi.scheduler.lock import ServiceLock
from beffroi.store import (
    abandon_job_runs,
    connect,
    finish_job_run,
    from_db,
    get_meta,
    now_utc,
    prune_job_runs,
    purge_expired,
    set_meta,
    start_job_run,
    sync_accounts,
    to_db,
)

log = logging.getLogger(__name__)

HEARTBEAT_KEY = "scheduler.heartbeat"
JOB_NAMES = (
    "collect",
    "publish",
    "draft_alerts",
    "heartbeat",
    "sla_sweep",
    "moderation",
    "weekly_report",
    "retention_purge",
)

# A job gets an open connection and the service's "now"; it returns a short summary or None.
JobFunc = Callable[["sqlite3.Connection", datetime], "str | None"]  # noqa: F821


@dataclass
class JobSpec:
    name: str
    func: JobFunc
    trigger: object
    run_at_start: bool = True


class LockedCollector:
    """A collector shared by the collection and publishing threads, used by one at a time.

    Collectors keep HTTP sessions (and the simulated city keeps a state file) that are not
    meant to be used by two threads at once.
    """

    def __init__(self, collector: Collector) -> None:
        self._collector = collector
        self._lock = threading.RLock()
        self.network = collector.network
        self.account = collector.account
        # Other attributes (find_published_is_exhaustive...) are read through __getattr__.

    def streams(self):
        with self._lock:
            return self._collector.streams()

    def fetch(self, stream, cursor):
        with self._lock:
            yield from self._collector.fetch(stream, cursor)

    def reply(self, to, text):
        with self._lock:
            return self._collector.reply(to, text)

    def publish(self, post):
        with self._lock:
            return self._collector.publish(post)

    def find_published(self, marker, since):
        with self._lock:
            return self._collector.find_published(marker, since)

    def hide(self, item, hidden=True):
        with self._lock:
            return self._collector.hide(item, hidden)

    def __getattr__(self, name):
        return getattr(self._collector, name)


class SchedulerService:
    def __init__(
        self,
        settings: Settings,
        *,
        db_path: str | Path | None = None,
        collectors: Iterable[Collector] = (),
        hooks: IngestHooks | None = None,
        collect_every: float | None = None,
        now: Callable[[], datetime] = now_utc,
        extra_jobs: Iterable[JobSpec] = (),
        only: Iterable[str] | None = None,
    ) -> None:
        self.settings = settings
        self.db_path = Path(db_path or settings.database_path)
        self.collectors: dict[str, LockedCollector] = {
            c.account: LockedCollector(c) for c in collectors
        }
        self.hooks = hooks or IngestHooks()
        self.collect_every = collect_every
        self.now = now
        self.extra_jobs = list(extra_jobs)
        self.only = set(only) if only is not None else None
        self.lock = ServiceLock(self.db_path)
        self.scheduler: BackgroundScheduler | None = None
        self._stop = threading.Event()
        self._running: set[str] = set()
        self._running_lock = threading.Condition()
        self.identity = f"{socket.gethostname()}:{os.getpid()}"

    # ------------------------------------------------------------------ jobs
    def job_specs(self) -> list[JobSpec]:
        s = self.settings
        tz = s.tz
        specs: list[JobSpec] = []
        for account_key, collector in self.collectors.items():
            seconds = self.collect_every or s.account(account_key).interval_minutes * 60
            specs.append(
                JobSpec(
                    f"collect:{account_key}",
                    self._collect_job(collector),
                    IntervalTrigger(seconds=seconds, timezone=tz),
                )
            )
        specs.append(
            JobSpec(
                "publish",
                self._publish_job,
                IntervalTrigger(seconds=s.scheduler.publish_every_seconds, timezone=tz),
            )
        )
        specs.append(
            JobSpec(
                "draft_alerts",
                self._alerts_job,
                IntervalTrigger(minutes=s.alerts.sweep_minutes, timezone=tz),
            )
        )
        specs.append(
            JobSpec(
                "heartbeat",
                self._heartbeat_job,
                IntervalTrigger(seconds=s.scheduler.heartbeat_seconds, timezone=tz),
            )
        )
        # Imported here, not at the top: pandas and the PDF stack load once the service
        # starts, never for `beffroi run --help`.
        from beffroi.inbox import after_ingestion, alert_urgent, poll_open311, sweep_overdue
        from beffroi.inbox.model import retrain
        from beffroi.scheduler.weekly_report import send_weekly_report

        specs += [
            JobSpec(
                "sla_sweep",
                lambda conn, now: describe(sweep_overdue(conn, s, now)),
                IntervalTrigger(minutes=s.alerts.sweep_minutes, timezone=tz),
            ),
            JobSpec(
                # Urgent items are alerted right after the collection that stored them; this
                # job retries a failed mail and catches items made urgent by a manager.
                "urgent_alerts",
                lambda conn, now: _urgent_summary(alert_urgent(conn, s, now)),
                IntervalTrigger(seconds=60, timezone=tz),
            ),
            JobSpec(
                # Open311 requests: unanswered ones looked for, tokens and statuses read.
                "open311_poll",
                lambda conn, now: describe(poll_open311(conn, s, now)),
                IntervalTrigger(minutes=s.scheduler.open311_poll_minutes, timezone=tz),
            ),
            JobSpec(
                # Hides and unhides queued by the moderation rules or a manager, performed
                # outside any collection transaction, retried until they succeed; the rules'
                # e-mail alerts (beffroi.inbox.moderation_actions).
                "moderation",
                lambda conn, now: after_ingestion(conn, s, now, collectors=self.collectors),
                IntervalTrigger(seconds=60, timezone=tz),
            ),
            JobSpec(
                "weekly_report",
                lambda conn, now: weekly_report_if_due(conn, s, now, send_weekly_report),
                IntervalTrigger(minutes=15, timezone=tz),
            ),
            JobSpec(
                # The city's model learns from the day's corrections (beffroi.inbox.model).
                "model_training",
                lambda conn, now: retrain(conn, s, now),
                CronTrigger(hour=2, minute=45, timezone=tz),
            ),
            JobSpec(
                "retention_purge",
                lambda conn, now: describe(purge_expired(conn, s.retention, now)),
                CronTrigger(hour=3, minute=30, timezone=tz),
            ),
        ]
        specs += self.extra_jobs
        if self.only is not None:
            specs = [spec for spec in specs if spec.name.split(":")[0] in self.only]
        return specs

    def _collect_job(self, collector: LockedCollector) -> JobFunc:
        def job(conn, now):
            reports = collect_all(conn, [collector], hooks=self.hooks, now=self.now)
            new = sum(r.new for r in reports)
            errors = [f"{r.stream} : {r.error}" for r in reports if r.status == "error"]
            urgent = moderation = None
            if new:
                # An urgent message reaches the on-call address at once, not at the next sweep.
                from beffroi.inbox import alert_urgent

                urgent = alert_urgent(conn, self.settings, now)
                # The rules' hides, queued inside the pages' transactions, go out now.
                from beffroi.inbox import after_ingestion

                moderation = after_ingestion(conn, self.settings, now, collectors=self.collectors)
            text = describe_collection(len(reports), new, urgent, errors)
            if new and moderation:
                text = f"{text} ; {moderation}" if text else moderation
            return text

        return job

    def _publish_job(self, conn, now):
        from beffroi.scheduler.outbox import publish_cycle

        return describe(
            publish_cycle(
                conn,
                self.settings,
                self.collectors,
                now=now,
                worker=self.identity,
                should_stop=self._stop.is_set,
            )
        )

    def _alerts_job(self, conn, now):
        from beffroi.scheduler.outbox import alert_cycle
        from beffroi.scheduler.x_budget import notify_admins

        notify_admins(conn, self.settings, now)  # X budget pauses, once per account and month
        return describe(alert_cycle(conn, self.settings, now=now))

    def _heartbeat_job(self, conn, now):
        beat = {"at": to_db(now), "pid": os.getpid(), "host": socket.gethostname()}
        set_meta(conn, HEARTBEAT_KEY, json.dumps(beat))
        prune_job_runs(conn, now)
        return None

    def run_job(self, name: str, func: JobFunc) -> None:
        """Run one job with its own connection; record it; never raise."""
        if self._stop.is_set():
            return
        with self._running_lock:
            self._running.add(name)
        conn = None
        run_id = None
        try:
            conn = connect(self.db_path, migrate=False)
            now = self.now()
            run_id = start_job_run(conn, name, now)
            detail = func(conn, now)
            finish_job_run(conn, run_id, detail=detail, now=self.now())
            if detail:
                log.info("%s: %s", name, detail)
        except Exception as exc:
            message = mask_secrets(f"{type(exc).__name__}: {exc}")
            log.exception("job %s failed", name)
            if conn is not None and run_id is not None:
                try:
                    finish_job_run(conn, run_id, error=message, now=self.now())
                except Exception:
                    log.exception("could not record the failure of job %s", name)
        finally:
            if conn is not None:
                conn.close()
            with self._running_lock:
                self._running.discard(name)
                self._running_lock.notify_all()

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        """Take the database's lock, migrate, and start the clock (raises AlreadyRunning)."""
        self.lock.acquire(self.now())
        try:
            conn = connect(self.db_path)
            try:
                sync_accounts(conn, self.settings)
                abandon_job_runs(conn, self.now())
            finally:
                conn.close()
            scheduler = BackgroundScheduler(
                jobstores={"default": MemoryJobStore()},
                executors={"default": ThreadPoolExecutor(max_workers=3)},
                job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
                timezone=self.settings.tz,
            )
            start_at = datetime.now(self.settings.tz)
            for offset, spec in enumerate(self.job_specs()):
                kwargs = {}
                if spec.run_at_start:
                    # Stagger the first runs a little so they do not all queue on SQLite.
                    kwargs["next_run_time"] = start_at + timedelta(milliseconds=100 * offset)
                scheduler.add_job(
                    self.run_job,
                    spec.trigger,
                    args=(spec.name, spec.func),
                    id=spec.name,
                    name=spec.name,
                    **kwargs,
                )
            scheduler.start()
            self.scheduler = scheduler
        except BaseException:
            self.lock.release()
            raise

    def stop(self, timeout: float | None = None) -> list[str]:
        """Stop the clock, let the running jobs finish for ``timeout`` seconds, release.

        Returns the names of the jobs abandoned (still running after the timeout). An
        abandoned publication is safe: its row stays in ``publishing`` and the next start
        reconciles it with the network before anything is retried.
        """
        self._stop.set()
        if timeout is None:
            timeout = self.settings.scheduler.stop_timeout_seconds
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)
        deadline = time.monotonic() + timeout
        with self._running_lock:
            while self._running and time.monotonic() < deadline:
                self._running_lock.wait(max(0.0, deadline - time.monotonic()))
            abandoned = sorted(self._running)
        if abandoned:
            try:
                conn = connect(self.db_path, migrate=False)
                try:
                    abandon_job_runs(conn, self.now())
                finally:
                    conn.close()
            except Exception:
                log.exception("could not mark abandoned jobs")
        self.lock.release()
        return abandoned

    def request_stop(self, *_args) -> None:
        self._stop.set()

    def run_forever(self, on_start: Callable[[], None] | None = None) -> list[str]:
        """Start, wait for SIGTERM/SIGINT, stop cleanly; returns the abandoned jobs."""
        previous = {
            sig: signal.signal(sig, self.request_stop) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.start()
            if on_start:
                on_start()
            while not self._stop.wait(1.0):
                pass
            return self.stop()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)


WEEKLY_REPORT_KEY = "reports.weekly_last"


def last_heartbeat(conn: sqlite3.Connection) -> datetime | None:
    """When the service last said it was alive (``_heartbeat_job``); None: it never ran."""
    beat = get_meta(conn, HEARTBEAT_KEY)
    return from_db(json.loads(beat)["at"]) if beat else None


def weekly_report_if_due(conn, settings: Settings, now: datetime, send) -> str | None:
    """Send this week's report once, at or after its day and time, even after a restart.

    The week already reported is a durable fact (``meta``), so a service that was down on
    Monday at 08:00 sends the report when it comes back, and never twice.
    """
    from beffroi.store import get_meta

    local = now.astimezone(settings.tz)
    days = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
    monday = local.date() - timedelta(days=local.weekday())
    due_day = monday + timedelta(days=days.index(settings.reports.weekly_day))
    due = datetime.combine(due_day, settings.reports.weekly_time, tzinfo=settings.tz)
    week = monday.isoformat()
    if local < due or get_meta(conn, WEEKLY_REPORT_KEY) == week:
        return None
    result = send(settings, conn, now)
    set_meta(conn, WEEKLY_REPORT_KEY, week)
    done = describe(result) or "aucun destinataire configuré : rien n'a été envoyé"
    return f"semaine du {monday:%d/%m/%Y} : {done}"


def _urgent_summary(result) -> str | None:
    """Silent when nothing was urgent: the job runs every minute."""
    if not result.alerted and not result.error:
        return None
    return describe(result)
