"""``beffroi``: the command line.

Each sub-command lives in its own module (``cmd_*.py``) exposing ``register(subparsers)``;
its handler returns an exit code. Expected failures (bad configuration, unusable database,
wrong arguments) become one sentence on stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from beffroi import __version__
from beffroi.cli.errors import UsageError
from beffroi.collectors import CollectorError
from beffroi.config import ConfigError
from beffroi.store import StoreError

COMMANDS = [
    "cmd_init",
    "cmd_collect",
    "cmd_staff",
    "cmd_demo",
    "cmd_run",
    "cmd_report",
    "cmd_doctor",
    "cmd_dashboard",
    "cmd_privacy",
    "cmd_inbox",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="beffroi",
        description="Beffroi: every citizen answered, every rendez-vous published once, "
        "a community you can explain.",
    )
    parser.add_argument("--version", action="version", version=f"beffroi {__version__}")
    parser.add_argument(
        "--config",
        "-c",
        metavar="PATH",
        help="configuration file (default: $BEFFROI_CONFIG, then ./beffroi.toml)",
    )
    parser.add_argument("--verbose", "-v", action="store_true", help="log more details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"beffroi.cli.{name}")
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except (ConfigError, StoreError, UsageError, CollectorError) as exc:
        print(f"beffroi: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("beffroi: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
