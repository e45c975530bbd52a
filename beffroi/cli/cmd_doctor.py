"""``beffroi doctor``: is the database sound, and every enabled account ready to collect?
One line per fact.

The database is opened read-only (it works on a read-only file and never migrates) and
checked whole: ``PRAGMA integrity_check`` (every page, index and constraint) and
``PRAGMA foreign_key_check``.

Each collector checks itself with one cheap request (token present, valid, not expired,
the permissions its streams need). The answers are plain words a city's IT staff can act
on, and the exit code says whether anything is missing (1) or all is well (0).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import add_database_options, collectors_for, settings_from
from beffroi.collectors import build_collector, mask_secrets
from beffroi.french import dollars
from beffroi.store import StoreError, connect

OK, MISSING, NEUTRAL = "✓", "✗", "·"


def register(sub) -> None:
    p = sub.add_parser(
        "doctor",
        help=summary("doctor"),
        description="Check the database, each service on Open311 (key set, server "
        "answering, service_code offered), then, for each enabled account, build its "
        "collector and ask it to check "
        "itself with one cheap request: token set, valid, not expired, permissions for its "
        "streams. Prints ✓/✗ lines and exits with 1 when something is missing.",
    )
    add_database_options(p, network=True)
    p.set_defaults(handler=run)


def database_lines(path) -> list[tuple[bool | None, str]]:
    """integrity_check and foreign_key_check, read-only; one line each."""
    if not Path(path).exists():
        return [(None, f"database {path}: not created yet (`beffroi init` creates it)")]
    try:
        conn = connect(path, readonly=True, check=False)
    except StoreError as exc:
        return [(False, f"database: {exc}")]
    try:
        try:
            problems = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems == ["ok"]:
            lines = [(True, f"database {path}: integrity check passed")]
        else:
            shown = "; ".join(problems[:3])
            lines = [
                (
                    False,
                    f"database {path}: damaged ({len(problems)} problem(s): {shown}); "
                    "restore the last backup",
                )
            ]
        try:
            orphans = conn.execute("PRAGMA foreign_key_check").fetchall()
        except sqlite3.DatabaseError as exc:
            return [*lines, (False, f"database {path}: foreign keys cannot be checked ({exc})")]
        if orphans:
            tables = sorted({r[0] for r in orphans})
            lines.append(
                (
                    False,
                    f"database {path}: {len(orphans)} row(s) point to missing rows "
                    f"(tables: {', '.join(tables)})",
                )
            )
        else:
            lines.append((True, f"database {path}: every reference points to an existing row"))
        return lines
    finally:
        conn.close()


def run(args) -> int:
    settings = settings_from(args.config)
    failed = False
    for ok, text in database_lines(args.db or settings.database_path):
        print(f"{NEUTRAL if ok is None else (OK if ok else MISSING)} {text}", flush=True)
        failed = failed or ok is False
    if args.network is None:
        from beffroi.inbox import check_services  # only for a city with Open311 services

        for ok, text in check_services(settings):
            print(f"{OK if ok else MISSING} {text}", flush=True)
            failed = failed or not ok
    try:
        collectors = [(c.account, c, None) for c in collectors_for(settings, args.network)]
    except UsageError:
        raise
    except Exception:
        # One account's collector cannot be built: build them one by one to say which.
        collectors = []
        for account in settings.enabled_accounts(args.network):
            try:
                collectors.append((account.key, build_collector(settings, account), None))
            except Exception as exc:  # an uninstalled library, a bad setting...
                collectors.append((account.key, None, exc))
    if not collectors:
        print(f"{MISSING} no enabled account in the configuration")
        return 1
    for key, collector, error in collectors:
        for ok, text in [*_lines(key, collector, error), *_x_cost(settings, key)]:
            mark = NEUTRAL if ok is None else (OK if ok else MISSING)
            print(f"{mark} {text}", flush=True)
            failed = failed or ok is False
    return 1 if failed else 0


def _lines(key, collector, error) -> list[tuple[bool | None, str]]:
    if collector is None:
        reason = mask_secrets(f"{type(error).__name__}: {error}")
        return [(False, f"{key}: cannot build its collector ({reason})")]
    check = getattr(collector, "check", None)
    if check is None:
        return [(None, f"{key}: this collector ({collector.network}) cannot check itself")]
    try:
        lines = list(check())
    except Exception as exc:  # a check must never hide the other accounts' answers
        return [
            (False, f"{key}: the check failed ({mask_secrets(f'{type(exc).__name__}: {exc}')})")
        ]
    return lines or [(None, f"{key}: nothing to check")]


def _x_cost(settings, key) -> list[tuple[bool | None, str]]:
    """What a month of X costs at the configured intervals (issue 15: X bills every read)."""
    from beffroi.collectors.x import DEFAULT_STREAMS
    from beffroi.scheduler.x_budget import projection

    account = settings.account(key)
    if account.network != "x":
        return []
    if account.publish_only:
        return [(None, f"{key} : publication seule, aucune lecture sur X n'est payée")]
    streams = list(account.streams or DEFAULT_STREAMS)
    requests, idle, typical = projection(account, settings.x.pricing, streams)
    lines: list[tuple[bool | None, str]] = [
        (
            None,
            f"{key} : toutes les {account.interval_minutes} min, un mois sans activité fait "
            f"{requests} requêtes sur X ({dollars(idle)} : X facture les ressources renvoyées) ; "
            f"un mois d'activité habituelle coûte environ {dollars(typical)}",
        )
    ]
    if account.budget_usd is not None and typical > account.budget_usd:
        lines.append(
            (
                False,
                f"{key} : ce coût habituel dépasse le budget de {dollars(account.budget_usd)} : la "
                "collecte s'arrêtera avant la fin du mois ; allongez interval_minutes ou "
                "retirez des flux (engagement coûte le plus)",
            )
        )
    return lines
