"""`beffroi dashboard`: what it asks Streamlit to run, and its one-sentence failures.

The real server is started by tests/dashboard/test_browser.py.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib

import pytest
import requests

from beffroi.cli.cmd_dashboard import (
    COOKIE_SECRET_ENV,
    PROTECTING_OPTIONS,
    app_path,
    streamlit_command,
    streamlit_environment,
)
from beffroi.cli.main import main
from tests.conftest import free_port
from tests.dashboard.server import dashboard_process, wait_until_up


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_streamlit_runs_headless_without_watcher_or_statistics():
    command = streamlit_command("127.0.0.1", 8642)
    assert command[1:4] == ["-m", "beffroi.dashboard.launch", "run"]
    assert command[4] == str(app_path())
    assert app_path().is_file() and app_path().parent.name == "entry"
    assert not (app_path().parent / "pages").exists()  # would turn on Streamlit's old MPA
    assert option(command, "--server.port") == "8642"
    assert option(command, "--server.address") == "127.0.0.1"
    assert option(command, "--server.headless") == "true"
    assert option(command, "--browser.gatherUsageStats") == "false"
    assert option(command, "--server.fileWatcherType") == "none"
    assert option(command, "--client.showErrorDetails") == "none"


def test_missing_configuration_is_one_sentence(tmp_path, capsys):
    assert main(["-c", str(tmp_path / "none.toml"), "dashboard"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("beffroi: configuration file not found") and "Traceback" not in err


def test_invalid_port_is_refused(tmp_path, capsys):
    assert main(["-c", str(tmp_path / "none.toml"), "dashboard", "--port", "70000"]) == 2
    assert "invalid port 70000" in capsys.readouterr().err


# ---------------------------------------------------------------- a hostile config.toml

HOSTILE_CONFIG = """
[server]
enableXsrfProtection = false
enableCORS = false
corsAllowedOrigins = ["https://evil.example"]
enableStaticServing = true
cookieSecret = "known-to-the-attacker"
maxUploadSize = 100000
xsrfCookieSameSite = "none"
[client]
showErrorDetails = "full"
allowedOrigins = ["https://evil.example"]
toolbarMode = "developer"
[browser]
gatherUsageStats = true
[global]
developmentMode = true
"""


@pytest.fixture
def hostile_folders(tmp_path):
    """A working folder and a home folder that each hold a hostile .streamlit/config.toml."""
    folders = {}
    for name in ("cwd", "home"):
        folder = tmp_path / name
        (folder / ".streamlit").mkdir(parents=True)
        (folder / ".streamlit" / "config.toml").write_text(HOSTILE_CONFIG, encoding="utf-8")
        folders[name] = folder
    return folders


def test_the_server_imports_the_rooms_but_not_the_dashboard_before_the_runtime():
    """`beffroi.dashboard.launch` warms the pages' rooms up in a thread; the dashboard's own
    modules (their `st.cache_data` functions) wait for Streamlit's runtime."""
    code = (
        "import sys\n"
        "from beffroi.dashboard.launch import WARM_MODULES, warm_up\n"
        "warm_up()\n"
        "print(all(m in sys.modules for m in WARM_MODULES), 'beffroi.dashboard.cache' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "False"]
    assert "No runtime found" not in done.stderr


def test_a_hostile_config_toml_changes_no_protecting_option(hostile_folders):
    """Streamlit's own reading of its options, with the same flags and environment as
    `beffroi dashboard`, run from the hostile folder (the dashboard even leaves it)."""
    flags = streamlit_command("127.0.0.1", free_port())[5:]
    env = streamlit_environment({**os.environ, "HOME": str(hostile_folders["home"])})
    shown = subprocess.run(
        [sys.executable, "-m", "streamlit", "config", "show", *flags],
        cwd=hostile_folders["cwd"], env=env, capture_output=True, text=True, timeout=120,
        check=True,
    ).stdout  # fmt: skip
    # Its header is prose ("Below are all the sections..."); the TOML starts at [global].
    effective = tomllib.loads(shown[shown.index("[global]") :])
    for name, value in PROTECTING_OPTIONS:
        section, key = name.split(".")
        if key not in effective.get(section, {}):
            continue  # an option `config show` hides (developer ones); checked on the server
        got = effective[section][key]
        if isinstance(got, bool):
            want = value == "true"
        elif isinstance(got, int):
            want = int(value)
        elif isinstance(got, list):
            want = [value]
        else:
            want = value
        assert got == want, (name, got)
    assert effective["server"]["cookieSecret"] == env[COOKIE_SECRET_ENV] != "known-to-the-attacker"


def test_the_real_server_keeps_xsrf_and_cors_under_a_hostile_config(hostile_folders, tmp_path):
    """`beffroi dashboard` started from the hostile folder, with the hostile home: a request
    XSRF protection refuses is refused, and no foreign origin is allowed."""
    from tests.city_config import city_toml, open_city

    config, _settings, conn = open_city(tmp_path, city_toml())
    conn.close()
    hostile_home = {**os.environ, "HOME": str(hostile_folders["home"])}
    with dashboard_process(
        config, tmp_path / "dashboard.log", stop_timeout=30, cwd=hostile_folders["cwd"],
        env=hostile_home,
    ) as (url, process):  # fmt: skip
        wait_until_up(url, process, timeout=180)
        upload = requests.put(
            url + "_stcore/upload_file/session/file",
            files={"file": ("a.csv", b"=1+1")},
            headers={"Origin": url.rstrip("/")},
            timeout=30,
        )
        assert upload.status_code == 403, upload.text  # no XSRF token: refused
        health = requests.get(
            url + "_stcore/health", headers={"Origin": "https://evil.example"}, timeout=30
        )
        assert health.headers.get("access-control-allow-origin") in (None, url.rstrip("/"))
        host = requests.get(url + "_stcore/host-config", timeout=30).json()
        assert "https://evil.example" not in host["allowedOrigins"]
