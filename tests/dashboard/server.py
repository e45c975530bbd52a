"""`beffroi dashboard` as a real process on a free port, for the browser tests, the
command-line test of the server's protections and the dashboard benchmark: started in its
own session (so stopping it stops Streamlit's children too), waited on through Streamlit's
health endpoint, always stopped."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.request import urlopen

from tests.conftest import free_port


def wait_until_up(url: str, process: subprocess.Popen, timeout: float = 60) -> None:
    """Return once the server answers its health check; fail if it exits or stays silent."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"beffroi dashboard exited with {process.returncode}")
        try:
            with urlopen(url + "_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise AssertionError(f"the dashboard did not answer on {url} within {timeout} s")


@contextmanager
def dashboard_process(
    config: Path,
    log_path: Path,
    *,
    stop_timeout: float = 10,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> Iterator[tuple[str, subprocess.Popen]]:
    """The dashboard started on ``config`` (its output in ``log_path``): yields its URL and
    process, not yet waited on, so a caller can time the start; stopped on the way out
    (SIGTERM to its session, SIGKILL after ``stop_timeout`` seconds)."""
    port = free_port()
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "beffroi", "-c", str(config), "dashboard", "--port", str(port)],
            cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            yield f"http://127.0.0.1:{port}/", process
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=stop_timeout)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
