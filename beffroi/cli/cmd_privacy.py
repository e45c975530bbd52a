"""``beffroi privacy``: a citizen's rights (access, erasure, objection to the ranking) on
request, and the retention limits applied now."""

from __future__ import annotations

import getpass
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from beffroi.cli import archived_reports
from beffroi.cli.access_export import export_html, export_json
from beffroi.cli.actions import Actions
from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.output import check_output_file
from beffroi.cli.wiring import settings_from
from beffroi.config import Settings
from beffroi.store import connect, now_utc, transaction, write_audit
from beffroi.store.objection import ObjectionError, object_to_ranking, withdraw_objection
from beffroi.store.privacy import (
    MemberNotFound,
    erase_member,
    find_member,
    member_record,
    purge_expired,
)


def register(sub) -> None:
    p = sub.add_parser(
        "privacy",
        help=summary("privacy"),
        description="Personal data: `erase` forgets one citizen (names, messages, raw "
        "payloads, invitations); `export` writes what is held about them; `object` leaves "
        "them out of the engagement ranking and invitations; `purge` deletes what is older "
        "than the [retention] settings (the scheduler also does it every day).",
    )
    actions = Actions(p, "privacy")
    erase = actions.add(
        "erase",
        run_erase,
        help="forget one citizen (right to erasure)",
        description="Forget one citizen: handle and name removed, their messages replaced "
        "by a neutral marker, raw payloads and invitations deleted, the city's replies "
        "that named them masked. An audit row records who did it, not whom.",
    )
    _whom(erase)
    export = actions.add(
        "export",
        run_export,
        help="everything held about one citizen, as JSON and a French HTML page (access right)",
        description="Right of access (GDPR art. 15): write everything Beffroi holds about "
        "one person (their messages and how each was triaged, the city's messages to them, "
        "invitations, reactions and shares, linked accounts) to "
        "beffroi-acces-<network>-<id>.json and .html in --out. An audit row records who "
        "asked for it.",
    )
    _whom(export)
    export.add_argument("--out", default=".", metavar="FOLDER", help="folder (default: here)")
    objection = actions.add(
        "object",
        run_object,
        help="record a citizen's objection to the engagement ranking (or its withdrawal)",
        description="Right to object (GDPR art. 21): ranking residents by engagement is "
        "profiling. After the objection the person (all accounts linked to them) is left out "
        "of every ranking and of invitations (proposed, unsent ones are withdrawn); their "
        "messages are still answered. --withdraw lifts it. An audit row records who did it.",
    )
    _whom(objection, does="records it")
    objection.add_argument(
        "--withdraw", action="store_true", help="the person withdraws their objection"
    )
    actions.add("purge", run_purge, help="delete data older than the retention settings")


def _whom(parser, does: str = "asks for it") -> None:
    """``--member ID`` or ``--handle NETWORK:HANDLE``: the person the right is exercised for;
    ``--actor``: who exercises it for them (the audit line's actor)."""
    who = parser.add_mutually_exclusive_group(required=True)
    who.add_argument("--member", type=int, metavar="ID", help="the member's id")
    who.add_argument("--handle", metavar="NETWORK:HANDLE", help="e.g. x:jeanne_marcq")
    parser.add_argument("--actor", help=f"who {does} (default: your login name)")


def _actor(args) -> str:
    return args.actor or f"cli:{getpass.getuser()}"


@contextmanager
def _database(args) -> Iterator[tuple[Settings, sqlite3.Connection]]:
    """The configuration and its database, closed when the command is done."""
    settings = settings_from(args.config)
    conn = connect(settings.database_path)
    try:
        yield settings, conn
    finally:
        conn.close()


def _member_id(conn, args, verb: str = "erased") -> int:
    if args.member is not None:
        return args.member
    network, sep, handle = args.handle.partition(":")
    if not sep or not network or not handle.strip().lstrip("@"):
        raise UsageError("--handle takes NETWORK:HANDLE, for example x:jeanne_marcq")
    found = find_member(conn, network.strip().lower(), handle)
    if not found:
        raise UsageError(f"no member {handle.strip()!r} on {network}; nothing was {verb}")
    if len(found) > 1:
        ids = ", ".join(str(i) for i in found)
        raise UsageError(f"several members match ({ids}); choose one with --member")
    return found[0]


def run_erase(args) -> int:
    with _database(args) as (settings, conn):
        member_id = _member_id(conn, args)
        archived = archived_reports.reports_with(conn, settings, member_id)
        try:
            result = erase_member(conn, member_id, actor=_actor(args))
        except MemberNotFound as exc:
            raise UsageError(f"{exc}; nothing was erased") from None
        rewritten = archived_reports.rewrite(conn, settings, archived, now_utc())
    print(
        f"member {result.member_id} erased: {result.items} message(s) blanked, "
        f"{result.replies} message(s) from the city to them blanked, "
        f"{result.invitations} invitation(s) deleted, {result.mentions} mention(s) masked, "
        f"{result.interactions} reaction(s) or share(s) deleted, "
        f"{rewritten} archived report(s) rewritten"
    )
    if not result.wal_truncated:
        print(
            "beffroi: the journal (WAL) could not be emptied now, a dashboard or the service "
            f"is reading; stop them and run `beffroi privacy erase --member {member_id}` "
            "again to empty it",
            file=sys.stderr,
        )
    return 0


def run_export(args) -> int:
    folder = Path(args.out).expanduser()
    if not folder.is_dir():
        raise UsageError(f"--out must be an existing folder, not {folder}")
    with _database(args) as (settings, conn):
        member_id = _member_id(conn, args, verb="exported")
        try:
            record = member_record(conn, member_id)
        except MemberNotFound as exc:
            raise UsageError(f"{exc}; nothing was exported") from None
        now = now_utc()
        stem = folder / f"beffroi-acces-{record['member']['network']}-{member_id}"
        paths = (stem.with_suffix(".json"), stem.with_suffix(".html"))
        for path in paths:
            check_output_file(path)
        paths[0].write_text(export_json(record, settings.city.name, now), encoding="utf-8")
        paths[1].write_text(export_html(record, settings.city.name, now), encoding="utf-8")
        with transaction(conn):
            counts = {key: len(record[key]) for key in record if key != "member"}
            write_audit(conn, _actor(args), "member_export", "member", member_id, counts, now=now)
    print(
        f"member {member_id}: {len(record['messages'])} message(s), "
        f"{len(record['city_messages'])} message(s) from the city, "
        f"{len(record['invitations'])} invitation(s) written to {paths[0]} and {paths[1]}"
    )
    return 0


def run_object(args) -> int:
    actor = _actor(args)
    verb = "changed"
    with _database(args) as (_settings, conn):
        member_id = _member_id(conn, args, verb=verb)
        try:
            if args.withdraw:
                withdraw_objection(conn, member_id, actor=actor)
            else:
                withdrawn = object_to_ranking(conn, member_id, actor=actor)
        except ObjectionError as exc:
            raise UsageError(f"member {member_id}: {exc} Nothing was {verb}.") from None
    if args.withdraw:
        print(f"member {member_id}: objection withdrawn; they may be ranked and invited again")
    else:
        print(
            f"member {member_id}: objection recorded; left out of rankings and invitations "
            f"({withdrawn} proposed invitation(s) withdrawn); their messages are still answered"
        )
    return 0


def run_purge(args) -> int:
    with _database(args) as (settings, conn):
        result = purge_expired(conn, settings.retention, actor="cli")
    print(
        f"purged: {result.items} message(s), {result.queue} queue row(s), "
        f"{result.raw_cleared} raw payload(s), {result.rejected} rejected payload(s), "
        f"{result.members} member(s), {result.interactions} reaction(s) or share(s)"
    )
    return 0
