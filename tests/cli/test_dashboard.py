"""`beffroi dashboard`: what it asks Streamlit to run, and its one-sentence failures.

The real server is started by tests/dashboard/test_browser.py.
"""

from __future__ import annotations

from beffroi.cli.cmd_dashboard import app_path, streamlit_command
from beffroi.cli.main import main


def option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_streamlit_runs_headless_without_watcher_or_statistics():
    command = streamlit_command("127.0.0.1", 8642)
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4] == str(app_path())
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
