"""``beffroi staff``: manage the people who log in to the dashboard."""

from __future__ import annotations

import getpass
import os
import sys

from beffroi.cli.actions import Actions
from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import settings_from
from beffroi.dashboard import ROLE_LABELS, hash_password
from beffroi.store import ROLES, connect, list_staff, upsert_staff


def register(sub) -> None:
    p = sub.add_parser(
        "staff",
        help=summary("staff"),
        description="Manage dashboard users. Roles: community_manager (inbox), comms "
        "(drafts), comms_lead (approves drafts), director (reports, pseudonymised), admin.",
    )
    actions = Actions(p, "staff")
    add = actions.add(
        "add",
        run_add,
        help="add a user, or update one (role, name, password)",
        description="Add or update a dashboard user. The password is asked for on the "
        "terminal, or read from the environment variable BEFFROI_NEW_PASSWORD (for "
        "scripts); it is stored only as an argon2 hash.",
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add.add_argument("--name", help="display name (default: the user name)")
    add.add_argument("--email")
    actions.add("list", run_list, help="list active users and their roles")


MAX_USERNAME = 64
MAX_NAME = 120
MAX_EMAIL = 254


def checked_username(username: str) -> str:
    """A login a person can type again: not empty, no spaces or control characters."""
    if not username.strip():
        raise UsageError("the user name is empty; nothing was changed")
    if username != username.strip():
        raise UsageError(
            f"the user name {username.strip()!r} has spaces around it; nothing was changed"
        )
    if len(username) > MAX_USERNAME:
        raise UsageError(
            f"the user name has {len(username)} characters; at most {MAX_USERNAME}, "
            "nothing was changed"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in username):
        raise UsageError(
            "the user name must not contain spaces or control characters; nothing was changed"
        )
    return username


def checked_text(value: str | None, option: str, limit: int) -> str | None:
    if value is None:
        return None
    if not value.strip():
        raise UsageError(f"{option} is empty; leave it out or give a value")
    if len(value) > limit:
        raise UsageError(f"{option} has {len(value)} characters; at most {limit}")
    if any(not ch.isprintable() for ch in value):
        raise UsageError(f"{option} must not contain control characters")
    return value.strip()


def _password(username: str) -> str:
    password = os.environ.get("BEFFROI_NEW_PASSWORD")
    if password is not None:
        return password
    if not sys.stdin.isatty():
        raise UsageError(
            "no terminal to ask for the password: set BEFFROI_NEW_PASSWORD; nothing was changed"
        )
    try:
        password = getpass.getpass(f"Password for {username}: ")
        again = getpass.getpass("Again: ")
    except EOFError:
        raise UsageError("no password was typed; nothing was changed") from None
    if password != again:
        raise UsageError("the two passwords differ; nothing was changed")
    return password


def run_add(args) -> int:
    username = checked_username(args.username)
    name = checked_text(args.name, "--name", MAX_NAME)
    email = checked_text(args.email, "--email", MAX_EMAIL)
    if email is not None and "@" not in email:
        raise UsageError(f"--email {email!r} is not an e-mail address")
    settings = settings_from(args.config)
    password = _password(username)
    try:
        hashed = hash_password(password)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    conn = connect(settings.database_path)
    try:
        upsert_staff(
            conn,
            username,
            display_name=name or username,
            role=args.role,
            password_hash=hashed,
            email=email,
        )
    finally:
        conn.close()
    print(f"{args.username}: {ROLE_LABELS[args.role]}")
    return 0


def run_list(args) -> int:
    conn = connect(settings_from(args.config).database_path)
    try:
        for member in list_staff(conn):
            print(f"{member.username:<20} {member.role:<18} {member.display_name}")
    finally:
        conn.close()
    return 0
