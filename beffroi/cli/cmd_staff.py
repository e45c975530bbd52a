"""``beffroi staff``: manage the people who log in to the dashboard."""

from __future__ import annotations

import getpass
import os

from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import open_database, settings_from
from beffroi.dashboard import ROLE_LABELS, hash_password
from beffroi.store import ROLES, list_staff, upsert_staff


def register(sub) -> None:
    p = sub.add_parser(
        "staff",
        help="add or list the staff who use the dashboard",
        description="Manage dashboard users. Roles: community_manager (inbox), comms "
        "(drafts), comms_lead (approves drafts), director (reports, pseudonymised), admin.",
    )
    actions = p.add_subparsers(dest="staff_action", metavar="ACTION")
    add = actions.add_parser(
        "add",
        help="add a user, or update one (role, name, password)",
        description="Add or update a dashboard user. The password is asked for on the "
        "terminal, or read from the environment variable BEFFROI_NEW_PASSWORD (for "
        "scripts); it is stored only as an argon2 hash.",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="display name (default: the user name)")
    add.add_argument("--email")
    add.set_defaults(handler=run_add)
    ls = actions.add_parser("list", help="list active users and their roles")
    ls.set_defaults(handler=run_list)
    p.set_defaults(handler=lambda args: p.print_help() or 2)


def run_add(args) -> int:
    settings = settings_from(args.config)
    password = os.environ.get("BEFFROI_NEW_PASSWORD")
    if password is None:
        password = getpass.getpass(f"Password for {args.username}: ")
        if password != getpass.getpass("Again: "):
            raise UsageError("the two passwords differ; nothing was changed")
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    conn = open_database(settings)
    try:
        upsert_staff(
            conn,
            args.username,
            display_name=args.name or args.username,
            role=args.role,
            password_hash=hashed,
            email=args.email,
        )
    finally:
        conn.close()
    print(f"{args.username}: {ROLE_LABELS[args.role]}")
    return 0


def run_list(args) -> int:
    conn = open_database(settings_from(args.config))
    try:
        for member in list_staff(conn):
            print(f"{member.username:<20} {member.role:<18} {member.display_name}")
    finally:
        conn.close()
    return 0
