"""The mutation suite prints the time it spent itself (issue 12, "the suite's printed time"):
it counted from its first test to the end of the whole pytest session, so in CI it printed
the time of every test run after it ("462.9 s" for a file that takes ~10 s).

A real pytest session in a subprocess: three pinned mutation cases (Mastodon notifications), then a test of another
file that sleeps ``NEIGHBOUR`` seconds. The printed time must not include the sleep.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import shared_fixture

ROOT = Path(__file__).resolve().parents[2]
NEIGHBOUR = 4.0


def test_the_printed_time_is_the_suites_own_not_the_sessions(tmp_path):
    shared_fixture("x")  # the suite reads the recordings: skipped without them
    neighbour = tmp_path / "test_slow_neighbour.py"
    neighbour.write_text(f"import time\n\ndef test_slow():\n    time.sleep({NEIGHBOUR})\n")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            f"--rootdir={ROOT}",
            "-k",
            "found_once and mastodon and notifications or slow",
            "tests/collectors/test_mutations.py",
            str(neighbour),
        ],  # fmt: skip
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    assert "4 passed" in run.stdout, run.stdout[-2000:]
    [line] = [line for line in run.stdout.splitlines() if line.startswith("mutations (")]
    seconds = float(re.search(r"([\d.]+) s\b", line).group(1))
    assert 0 < seconds < NEIGHBOUR, line
