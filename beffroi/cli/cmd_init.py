"""``beffroi init``: write a starting configuration and create the database."""

from __future__ import annotations

import shutil
from pathlib import Path

from beffroi.analytics import ensure_key_file
from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import open_database
from beffroi.config import example_config_path, load_settings


def register(sub) -> None:
    p = sub.add_parser(
        "init",
        help=summary("init"),
        description="Copy the documented example configuration to PATH (default beffroi.toml) "
        "unless it exists, then create and migrate the database it names. Edit the file "
        "to enter the city's accounts; secrets go in environment variables it names.",
    )
    p.add_argument("path", nargs="?", default="beffroi.toml", help="configuration file to write")
    p.set_defaults(handler=run)


def run(args) -> int:
    target = Path(args.config or args.path)
    if target.exists():
        print(f"{target} exists already; keeping it")
    else:
        if not target.parent.exists():
            raise UsageError(f"folder does not exist: {target.parent}")
        shutil.copyfile(example_config_path(), target)
        print(f"wrote {target} (edit it: accounts, services, e-mail)")
    settings = load_settings(target)
    folder = settings.database_path.parent
    if not folder.exists():
        try:
            folder.mkdir(parents=True)
        except OSError as exc:
            raise UsageError(f"cannot create the folder {folder}: {exc.strerror}") from None
        print(f"created the folder {folder} for the database")
    conn = open_database(settings)
    conn.close()
    print(f"database ready: {settings.database_path}")
    created = ensure_key_file(settings)
    if created is not None:
        print(
            f"pseudonymisation key kept in {created} (readable by you only; back it up with "
            "the database, or set $" + settings.reports.pseudonym_key_env + " instead)"
        )
    return 0
