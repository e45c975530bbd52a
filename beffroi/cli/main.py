"""``beffroi``: the command line.

Each sub-command lives in its own module (``cmd_*.py``) exposing ``register(subparsers)``;
its handler returns an exit code. Every expected failure is a :class:`BeffroiError` (bad
configuration, unusable database, wrong arguments...), caught once here: one sentence on
stderr and exit code 2, never a traceback. Anything else is a bug: one sentence too, and
the traceback goes to a log file whose path the sentence gives (see :mod:`crash_log`).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import sys

from beffroi import __version__
from beffroi.cli.crash_log import write_crash_log
from beffroi.errors import BeffroiError

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


class ArgumentError(BeffroiError):
    """argparse refused the command line; its message, one sentence."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one sentence (no usage block) and lets
    ``main`` choose the exit code, instead of printing and exiting itself."""

    def error(self, message: str):
        raise ArgumentError(f"{message} (see {self.prog} --help)")


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
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


def _one_sentence(exc: BaseException) -> str:
    """The error's message on one line (a message never spans lines on the terminal)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
    except BeffroiError as exc:
        print(f"beffroi: {_one_sentence(exc)}", file=sys.stderr)
        return 2
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if not getattr(args, "handler", None):
        parser.print_help()
        return 2
    try:
        return int(args.handler(args) or 0)
    except BeffroiError as exc:
        print(f"beffroi: {_one_sentence(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("beffroi: interrupted", file=sys.stderr)
        return 130
    except OSError as exc:
        # The system refused a file (permissions, full disk, read-only mount): say which.
        where = f" ({exc.filename})" if exc.filename else ""
        reason = exc.strerror or _one_sentence(exc)
        print(f"beffroi: the system refused{where}: {reason}", file=sys.stderr)
        return 2
    except Exception as exc:  # the last resort: a bug, never a traceback on the terminal
        log = write_crash_log(exc, argv if argv is not None else sys.argv[1:])
        kept = f"; details in {log}" if log else ""
        print(
            f"beffroi: unexpected error ({type(exc).__name__}: {_one_sentence(exc)}){kept}",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
