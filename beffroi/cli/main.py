"""``beffroi``: the command line.

Each sub-command lives in its own module (``cmd_*.py``) exposing ``register(subparsers)``;
its handler returns an exit code. Only the module of the command being run is imported
(:mod:`commands` holds the list and the summaries): each module pulls in the rooms it drives. Every expected failure is a :class:`BeffroiError` (bad
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
from beffroi.cli.commands import COMMANDS
from beffroi.cli.crash_log import write_crash_log
from beffroi.errors import BeffroiError


class ArgumentError(BeffroiError):
    """argparse refused the command line; its message, one sentence."""


class Parser(argparse.ArgumentParser):
    """argparse that reports a bad argument as one sentence (no usage block) and lets
    ``main`` choose the exit code, instead of printing and exiting itself."""

    def error(self, message: str):
        raise ArgumentError(f"{message} (see {self.prog} --help)")


def chosen_command(argv: list[str]) -> str | None:
    """The command a command line names: its first word that is not a global option or the
    value of ``--config``."""
    words = iter(argv)
    for word in words:
        if word in ("--config", "-c"):
            next(words, None)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: list[str] | None = None) -> argparse.ArgumentParser:
    """The whole tree (``argv`` None: the documentation's tests read every option), or, for a
    command line, the tree with only its command's module imported; the others are listed
    with their summary, which is all ``beffroi --help`` shows of them."""
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
    chosen = None if argv is None else chosen_command(argv)
    for name, (module_name, summary) in COMMANDS.items():
        if argv is None or name == chosen:
            importlib.import_module(f"beffroi.cli.{module_name}").register(sub)
        else:
            sub.add_parser(name, help=summary)
    return parser


def _one_sentence(exc: BaseException) -> str:
    """The error's message on one line (a message never spans lines on the terminal)."""
    text = " ".join(str(exc).split())
    return text or type(exc).__name__


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        parser = build_parser(argv)
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
        log = write_crash_log(exc, argv)
        kept = f"; details in {log}" if log else ""
        print(
            f"beffroi: unexpected error ({type(exc).__name__}: {_one_sentence(exc)}){kept}",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    sys.exit(main())
