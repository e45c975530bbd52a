"""``beffroi dashboard``: serve the Streamlit dashboard for the configured database."""

from __future__ import annotations

import errno
import os
import secrets
import socket
import sys
from pathlib import Path

from beffroi.cli.commands import summary
from beffroi.cli.errors import UsageError
from beffroi.cli.wiring import open_database, settings_from
from beffroi.config import CONFIG_ENV_VAR


def register(sub) -> None:
    p = sub.add_parser(
        "dashboard",
        help=summary("dashboard"),
        description="Serve the Streamlit dashboard for the configured database. Staff log in "
        "with the accounts created by `beffroi staff add`. It listens on 127.0.0.1 by "
        "default: put it behind a reverse proxy with HTTPS to open it to other machines.",
    )
    p.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.set_defaults(handler=run)


def app_path() -> Path:
    """The file Streamlit runs: the dashboard's app (``run.py``, which calls
    ``beffroi.dashboard.app.main``) with the session cookie's route beside it."""
    return Path(__file__).resolve().parents[1] / "dashboard" / "entry" / "serve.py"


# Every Streamlit option that protects the dashboard, set on the command line, which wins
# over any `.streamlit/config.toml` (in the working folder or the home folder): a file left
# there cannot switch XSRF protection or CORS off, widen the origins allowed, or turn the
# error details or usage statistics back on. The list options get one empty entry, which
# replaces whatever a file lists and matches no origin.
PROTECTING_OPTIONS: tuple[tuple[str, str], ...] = (
    ("server.headless", "true"),
    ("server.enableXsrfProtection", "true"),
    ("server.xsrfCookieSameSite", "lax"),
    ("server.enableCORS", "true"),
    ("server.corsAllowedOrigins", ""),
    ("client.allowedOrigins", ""),
    ("server.enableStaticServing", "false"),
    ("server.enableWebsocketCompression", "false"),
    ("server.enableAgentApi", "false"),
    ("server.enableExpensiveMemoryStats", "false"),
    ("server.scriptHealthCheckEnabled", "false"),
    ("server.showEmailPrompt", "false"),
    ("server.baseUrlPath", ""),
    ("server.maxUploadSize", "50"),
    ("server.maxMessageSize", "200"),
    ("server.fileWatcherType", "none"),
    ("server.runOnSave", "false"),
    ("server.allowRunOnSave", "false"),
    ("browser.gatherUsageStats", "false"),
    ("client.showErrorDetails", "none"),
    ("client.showErrorLinks", "false"),
    ("client.toolbarMode", "minimal"),
    ("global.developmentMode", "false"),
    ("logger.level", "info"),
    ("theme.base", "light"),
)
# Sensitive options Streamlit refuses on the command line: set through its environment
# variable, which also wins over configuration files.
COOKIE_SECRET_ENV = "STREAMLIT_SERVER_COOKIE_SECRET"


def streamlit_command(host: str, port: int) -> list[str]:
    """The ``streamlit run`` line: headless, every protecting option pinned (see
    ``PROTECTING_OPTIONS``). Error details stay in the server's log ("none" in the
    browser): staff see a generic message, never a traceback with paths or SQL. Streamlit's
    command line is started through ``beffroi.dashboard.launch``, which imports the rooms
    the pages need while the server starts."""
    command = [sys.executable, "-m", "beffroi.dashboard.launch", "run", str(app_path())]
    command += ["--server.address", host, "--server.port", str(port)]
    for name, value in PROTECTING_OPTIONS:
        command += [f"--{name}", value]
    # One address on the terminal: Beffroi's own line (``run``), not Streamlit's welcome too.
    command += ["--logger.hideWelcomeMessage", "true"]
    return command


def streamlit_environment(base: dict[str, str]) -> dict[str, str]:
    """The server's environment: a fresh cookie secret each start (the XSRF tokens and the
    session cookies are signed with it; a secret written in a config file would let anyone
    who read that file forge them)."""
    env = dict(base)
    env[COOKIE_SECRET_ENV] = secrets.token_hex(32)
    return env


def check_can_listen(host: str, port: int) -> None:
    """Bind ``host:port`` once, then let it go: an address this machine cannot listen on
    (``256.1.1.1``, a name that does not resolve, another machine's address) or a port
    already taken is one sentence here, before the database is opened and before
    Streamlit starts and dies with a traceback.

    The port is freed again at once; Streamlit binds it a moment later (another program
    could take it in between: Streamlit then says so itself)."""
    if not 0 < port < 65536:
        raise UsageError(f"invalid port {port}; choose one between 1 and 65535")
    if not host.strip() or host != host.strip():
        raise UsageError(f"invalid address {host!r}; give one such as 127.0.0.1 or 0.0.0.0")
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError, ValueError):
        raise UsageError(
            f"invalid address {host!r}: it is neither an IP address nor a name this machine "
            "knows; give one such as 127.0.0.1 or 0.0.0.0"
        ) from None
    family, kind, proto, _, address = found[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                reason = f"port {port} is already in use; choose another with --port"
            elif exc.errno == errno.EADDRNOTAVAIL:
                reason = "this machine has no such address; give one of its own, or 0.0.0.0"
            elif exc.errno == errno.EACCES:
                reason = f"port {port} needs administrator rights; choose one above 1023"
            else:
                reason = exc.strerror or str(exc)
            raise UsageError(f"the dashboard cannot listen on {host}:{port}: {reason}") from None


def run(args) -> int:
    check_can_listen(args.host, args.port)
    settings = settings_from(args.config)
    # Create and migrate the database now, so a wrong path fails here in one sentence.
    open_database(settings).close()
    env = streamlit_environment(dict(os.environ))
    env[CONFIG_ENV_VAR] = str(settings.source or Path(args.config or "beffroi.toml").resolve())
    command = streamlit_command(args.host, args.port)
    print(f"Beffroi dashboard: http://{args.host}:{args.port}/ (Ctrl+C to stop)", flush=True)
    # Streamlit also reads `.streamlit/config.toml` in the working folder: run from the
    # dashboard's own folder, so a file wherever the command was typed is not even read.
    os.chdir(app_path().parent)
    # Replace this process: signals (Ctrl+C, the service manager's stop) reach Streamlit.
    os.execve(command[0], command, env)
    return 0  # not reached
