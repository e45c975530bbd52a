"""One command imports only its own module.

Every ``cmd_*`` module pulls in the rooms it drives (the inbox's triage patterns, pandas,
fpdf2, Streamlit's wiring...). Registering all of them before parsing cost every start about
3 s of imports on this machine, so ``beffroi report`` paid for the inbox's regular expressions
and ``beffroi --help`` for everything. These tests pin the lazy parser: the chosen command's
module and nothing else, and a top-level help that still lists every command with the
summary its own module gives.
"""

from __future__ import annotations

import json
import subprocess
import sys

from beffroi.cli.commands import COMMANDS
from beffroi.cli.main import build_parser
from tests.test_docs import _subcommands


def _cmd_modules_after(argv: list[str]) -> list[str]:
    code = (
        "import json, sys\n"
        "from beffroi.cli.main import build_parser\n"
        f"build_parser({argv!r})\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('beffroi.cli.cmd_'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_a_command_imports_only_its_own_module():
    assert _cmd_modules_after(["--config", "b.toml", "report", "--out", "r.pdf"]) == [
        "beffroi.cli.cmd_report"
    ]
    assert _cmd_modules_after(["-v", "-c", "staff", "staff", "list"]) == ["beffroi.cli.cmd_staff"]


def test_top_level_help_imports_no_command_module():
    assert _cmd_modules_after(["--help"]) == []
    assert _cmd_modules_after([]) == []


def test_the_table_of_contents_says_what_each_module_says():
    full = _subcommands(build_parser())
    lazy = _subcommands(build_parser(["--help"]))
    assert list(full) == list(lazy) == list(COMMANDS)
    for name, sub in full.items():
        summary = next(
            a.help
            for a in build_parser()._subparsers._group_actions[0]._choices_actions
            if a.dest == name
        )
        assert summary == COMMANDS[name][1], name
        assert lazy[name].prog == sub.prog
