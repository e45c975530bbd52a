"""``beffroi dashboard``: serve the Streamlit dashboard for the configured database."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import open_database, settings_from
from beffroi.config import CONFIG_ENV_VAR


def register(sub) -> None:
    p = sub.add_parser(
        "dashboard",
        help="serve the dashboard (inbox, health...) in a web browser",
        description="Serve the Streamlit dashboard for the configured database. Staff log in "
        "with the accounts created by `beffroi staff add`. It listens on 127.0.0.1 by "
        "default: put it behind a reverse proxy with HTTPS to open it to other machines.",
    )
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.set_defaults(handler=run)


def app_path() -> Path:
    """The script Streamlit runs (it calls ``beffroi.dashboard.app.main``)."""
    return Path(__file__).resolve().parents[1] / "dashboard" / "entry" / "run.py"


def streamlit_command(host: str, port: int) -> list[str]:
    """The ``streamlit run`` line: headless, no usage statistics, no file watcher.

    Error details stay in the server's log ("none" in the browser): staff see a generic
    message, never a traceback with paths or SQL.
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app_path()),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--server.fileWatcherType",
        "none",
        "--server.runOnSave",
        "false",
        "--browser.gatherUsageStats",
        "false",
        "--client.showErrorDetails",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--global.developmentMode",
        "false",
        "--theme.base",
        "light",
    ]


def run(args) -> int:
    if not 0 < args.port < 65536:
        raise UsageError(f"invalid port {args.port}; choose one between 1 and 65535")
    settings = settings_from(args.config)
    # Create and migrate the database now, so a wrong path fails here in one sentence.
    open_database(settings).close()
    env = dict(os.environ)
    env[CONFIG_ENV_VAR] = str(settings.source or Path(args.config or "beffroi.toml").resolve())
    command = streamlit_command(args.host, args.port)
    print(f"Beffroi dashboard: http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    # Replace this process: signals (Ctrl+C, the service manager's stop) reach Streamlit.
    os.execve(command[0], command, env)
    return 0  # not reached
