"""The command line's table of contents: each command, the module that defines it, and the
one-line summary ``beffroi --help`` lists.

It is kept apart from the ``cmd_*`` modules so that a start imports only the command it runs:
each module pulls in the rooms it drives (the inbox's triage patterns, pandas, fpdf2...), and
registering all ten before parsing cost every command about 3 s of imports on the 2-core
machine (``beffroi --help`` took 4 s). The modules take their summary from here, so the list
and the commands cannot disagree.
"""

from __future__ import annotations

COMMANDS: dict[str, tuple[str, str]] = {
    "init": (
        "cmd_init",
        "write beffroi.toml from the example and create the database",
    ),
    "collect": (
        "cmd_collect",
        "collect new messages once from every enabled account",
    ),
    "staff": (
        "cmd_staff",
        "add or list the staff who use the dashboard",
    ),
    "demo": (
        "cmd_demo",
        "run Beffroi on a simulated city (no accounts, no internet)",
    ),
    "run": (
        "cmd_run",
        "run the scheduler service: collect, publish rendez-vous posts, sweep, report",
    ),
    "report": (
        "cmd_report",
        "write the directors' report (week or month) as PDF, HTML or CSV",
    ),
    "doctor": (
        "cmd_doctor",
        "check that every enabled account can be collected (tokens, permissions)",
    ),
    "dashboard": (
        "cmd_dashboard",
        "serve the dashboard (inbox, health...) in a web browser",
    ),
    "privacy": (
        "cmd_privacy",
        "a citizen's rights (erase, export, object to the ranking), or purge old data",
    ),
    "inbox": (
        "cmd_inbox",
        "response queue: counters, overdue sweep",
    ),
}


def summary(name: str) -> str:
    """The command's line in ``beffroi --help``."""
    return COMMANDS[name][1]
