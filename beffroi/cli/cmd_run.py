"""``beffroi run``: the scheduler service (collection, publishing, sweeps, reports)."""

from __future__ import annotations

import logging
import math
import os
import sys

from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import add_database_options, open_database, settings_from
from beffroi.collectors import CollectorError, build_collector
from beffroi.inbox import ingest_hooks
from beffroi.scheduler import JOB_NAMES, AlreadyRunning, SchedulerService

MIN_COLLECT_SECONDS = 1.0  # below, the networks' rate limits are spent in minutes
MAX_COLLECT_SECONDS = 7 * 86400


def register(sub) -> None:
    p = sub.add_parser(
        "run",
        help=summary("run"),
        description="Run the one scheduler service of the database until SIGTERM or Ctrl-C: "
        "collection of every enabled account at its interval_minutes, publishing of due "
        "rendez-vous posts, the SLA sweep, the weekly report, the retention purge and a "
        "heartbeat. A second service on the same database is refused and told which "
        "process holds it.",
    )
    add_database_options(p)
    p.add_argument(
        "--collect-every",
        type=float,
        metavar="SECONDS",
        help="collect every account every SECONDS instead of its interval_minutes "
        "(the demo uses a few seconds on the simulated city)",
    )
    p.add_argument(
        "--only",
        metavar="JOBS",
        help="run only these jobs, comma-separated, among: " + ", ".join(JOB_NAMES),
    )
    p.set_defaults(handler=run)


def run(args) -> int:
    settings = settings_from(args.config)
    every = args.collect_every
    if every is not None and not (math.isfinite(every) and every > 0):
        raise UsageError("--collect-every needs a positive number of seconds")
    if every is not None and not MIN_COLLECT_SECONDS <= every <= MAX_COLLECT_SECONDS:
        raise UsageError(
            f"--collect-every takes between {MIN_COLLECT_SECONDS:g} second and "
            f"{MAX_COLLECT_SECONDS // 86400} days, not {every:g}"
        )
    only = None
    if args.only is not None:
        only = [name.strip() for name in args.only.split(",") if name.strip()]
        if not only:
            raise UsageError(f"--only needs at least one job among: {', '.join(JOB_NAMES)}")
        unknown = [name for name in only if name not in JOB_NAMES]
        if unknown:
            raise UsageError(f"unknown job '{unknown[0]}'; jobs are: {', '.join(JOB_NAMES)}")
    # The database is checked (and migrated) before the lock file beside it is opened and
    # before any collector is built: a read-only, damaged or wrong file is one sentence.
    open_database(settings, args.db).close()
    collectors = []
    for account in settings.enabled_accounts():
        try:
            collectors.append(build_collector(settings, account))
        except (CollectorError, ImportError, ValueError) as exc:
            print(f"beffroi: account {account.key} left out: {exc}", file=sys.stderr)
    if not logging.getLogger().isEnabledFor(logging.INFO):
        logging.getLogger("beffroi").setLevel(logging.INFO)
    service = SchedulerService(
        settings,
        db_path=args.db,
        collectors=collectors,
        hooks=ingest_hooks(settings),
        collect_every=args.collect_every,
        only=only,
    )

    def started() -> None:
        names = ", ".join(spec.name for spec in service.job_specs())
        print(
            f"beffroi run: pid {os.getpid()} holds {service.db_path}; jobs: {names}",
            flush=True,
        )

    try:
        abandoned = service.run_forever(on_start=started)
    except AlreadyRunning as exc:
        raise UsageError(str(exc)) from None
    if abandoned:
        # A job stuck on a network call would keep the process alive: leave without it. Its
        # publication stays 'publishing' and is reconciled with the network at next start.
        print(f"beffroi run: stopped; abandoned: {', '.join(abandoned)}", file=sys.stderr)
        sys.stderr.flush()
        sys.stdout.flush()
        os._exit(0)
    else:
        print("beffroi run: stopped", file=sys.stderr)
    return 0
