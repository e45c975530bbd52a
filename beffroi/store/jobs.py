"""The scheduler service's own records: one row per job run, and the heartbeat.

A job that raises is recorded here with its error so the dashboard's health panel can show
it; the service itself keeps running.
"""

from __future__ import annotations

import os
import sqlite3
from datetime import datetime, timedelta

from beffroi.store.connection import transaction
from beffroi.store.times import now_utc, to_db

JOB_RUNS_KEEP_DAYS = 14


def start_job_run(conn: sqlite3.Connection, job: str, now: datetime | None = None) -> int:
    with transaction(conn):
        return conn.execute(
            "INSERT INTO job_runs (job, started_at, pid) VALUES (?, ?, ?) RETURNING id",
            (job, to_db(now or now_utc()), os.getpid()),
        ).fetchone()[0]


def finish_job_run(
    conn: sqlite3.Connection,
    run_id: int,
    *,
    detail: str | None = None,
    error: str | None = None,
    now: datetime | None = None,
) -> None:
    """A run ends ``ok`` with what it did (``detail``), or in ``error`` with why: its status
    follows from which, so no run can be ``ok`` with an error."""
    status = "ok" if error is None else "error"
    with transaction(conn):
        conn.execute(
            "UPDATE job_runs SET finished_at = ?, status = ?, detail = ?, error = ? WHERE id = ?",
            (to_db(now or now_utc()), status, detail, error, run_id),
        )


def abandon_job_runs(conn: sqlite3.Connection, now: datetime | None = None) -> int:
    """Close the runs a stopped (or killed) service left open, so none stays 'running'.

    Called by the service that holds the database's lock, so no other service is running.
    """
    with transaction(conn):
        return conn.execute(
            "UPDATE job_runs SET status = 'abandoned', finished_at = ? WHERE status = 'running'",
            (to_db(now or now_utc()),),
        ).rowcount


def prune_job_runs(conn: sqlite3.Connection, now: datetime | None = None) -> int:
    cutoff = (now or now_utc()) - timedelta(days=JOB_RUNS_KEEP_DAYS)
    with transaction(conn):
        return conn.execute(
            "DELETE FROM job_runs WHERE started_at < ? AND status != 'running'", (to_db(cutoff),)
        ).rowcount


def job_health(conn: sqlite3.Connection, since: str) -> list[dict]:
    """Each job's last run (the health panel), with how many of its runs since ``since``
    ended in error; plain dicts, so the dashboard can cache them."""
    rows = conn.execute(
        """
        SELECT r.job, r.started_at, r.finished_at, r.status, r.detail, r.error,
               (SELECT count(*) FROM job_runs e
                WHERE e.job = r.job AND e.status = 'error' AND e.started_at >= ?) AS errors
        FROM job_runs r
        JOIN (SELECT job, max(id) AS id FROM job_runs GROUP BY job) last ON last.id = r.id
        ORDER BY r.job
        """,
        (since,),
    ).fetchall()
    return [dict(row) for row in rows]
