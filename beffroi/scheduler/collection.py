"""One collection pass: every stream of every enabled account, each page saved as it comes.

A failing stream is recorded in ``collection_runs`` and the pass goes on with the next one:
one network's outage, expired token or bug never stops the others. A rate-limited stream is
skipped until its reset time instead of sleeping inside a job.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from beffroi.collectors import Collector, CollectorError, RateLimited, mask_secrets
from beffroi.inbox import NO_HOOKS, IngestHooks, ingest_page
from beffroi.scheduler import x_budget
from beffroi.store import blocked_until, finish_run, from_db, get_cursor, now_utc, start_run

log = logging.getLogger(__name__)


@dataclass
class StreamReport:
    account: str
    network: str
    stream: str
    status: str = "ok"  # ok | error | skipped
    fetched: int = 0
    new: int = 0
    api_calls: int = 0
    rejected: int = 0
    error_kind: str | None = None
    error: str | None = None
    retry_after: datetime | None = None

    def outcome(self) -> dict[str, Any]:
        """What ``finish_run`` records of the pass: every field but the stream's names."""
        fields = asdict(self)
        for name in ("account", "network", "stream"):
            del fields[name]
        return fields

    def line(self) -> str:
        head = f"{self.account:<18} {self.stream:<10}"
        if self.status == "skipped":
            return f"{head} skipped: rate-limited until {self.retry_after:%H:%M:%S} UTC"
        text = (
            f"{head} fetched {self.fetched:>5}  new {self.new:>5}  "
            f"API calls {self.api_calls:>3}  rejected {self.rejected}"
        )
        if self.error:
            text += f"  ERROR ({self.error_kind}): {self.error}"
        return text


def collect_stream(
    conn: sqlite3.Connection,
    collector: Collector,
    stream: str,
    *,
    hooks: IngestHooks = NO_HOOKS,
    now: Callable[[], datetime] = now_utc,
) -> StreamReport:
    report = StreamReport(collector.account, collector.network, stream)
    reset = from_db(blocked_until(conn, collector.account, stream))
    if reset is not None and reset > now():
        report.status, report.retry_after = "skipped", reset
        return report
    run_id = start_run(conn, collector.account, stream, now=now())
    try:
        x_budget.before_stream(conn, collector, now())  # X on a metered budget (issue 15)
        cursor = get_cursor(conn, collector.account, stream)
        for page in collector.fetch(stream, cursor):
            result = ingest_page(conn, collector.account, stream, page, hooks=hooks, now=now())
            report.fetched += result.fetched
            report.new += result.new
            report.rejected += result.rejected
            report.api_calls += page.api_calls
    except RateLimited as exc:
        report.status, report.error_kind, report.error = "error", exc.kind, str(exc)
        report.retry_after = exc.reset_at
    except CollectorError as exc:
        report.status, report.error_kind, report.error = "error", exc.kind, str(exc)
    except Exception as exc:  # a bug in one collector must not stop the others
        log.exception("collector %s/%s crashed", collector.account, stream)
        report.status, report.error_kind = "error", "bug"
        report.error = mask_secrets(f"{type(exc).__name__}: {exc}")
    x_budget.after_stream(conn, collector, now())
    finish_run(conn, run_id, now=now(), **report.outcome())
    return report


def collect_all(
    conn: sqlite3.Connection,
    collectors: Iterable[Collector],
    *,
    hooks: IngestHooks = NO_HOOKS,
    now: Callable[[], datetime] = now_utc,
    on_report: Callable[[StreamReport], None] | None = None,
) -> list[StreamReport]:
    reports = []
    for collector in collectors:
        try:
            streams = collector.streams()
        except CollectorError as exc:
            report = StreamReport(
                collector.account,
                collector.network,
                "*",
                "error",
                error_kind=exc.kind,
                error=str(exc),
            )
            reports.append(report)
            if on_report:
                on_report(report)
            continue
        for stream in streams:
            report = collect_stream(conn, collector, stream, hooks=hooks, now=now)
            reports.append(report)
            if on_report:
                on_report(report)
    return reports
