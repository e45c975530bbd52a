"""The rooms' rules (``.importlinter``) hold, and the checker really catches a breach."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(folder: Path) -> subprocess.CompletedProcess:
    """``lint-imports`` on the package found in ``folder`` (its ``.importlinter``)."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=folder,
        env={"PYTHONPATH": str(folder), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_import_contracts_are_kept():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "5 kept, 0 broken" in result.stdout


def copy_of_the_package(tmp_path: Path) -> Path:
    shutil.copytree(
        ROOT / "beffroi", tmp_path / "beffroi", ignore=shutil.ignore_patterns("__pycache__")
    )
    shutil.copy(ROOT / ".importlinter", tmp_path / ".importlinter")
    return tmp_path


def add_import(module: Path, line: str) -> None:
    module.write_text(module.read_text() + f"\n{line}\n")


def test_an_upward_import_breaks_the_layers_contract(tmp_path):
    folder = copy_of_the_package(tmp_path)
    add_import(folder / "beffroi/store/times.py", "import beffroi.dashboard  # noqa")
    result = lint_imports(folder)
    assert result.returncode != 0
    assert "Rooms import downwards only" in result.stdout and "BROKEN" in result.stdout
    assert "beffroi.store.times -> beffroi.dashboard" in result.stdout


def test_a_dashboard_write_through_the_store_breaks_its_contract(tmp_path):
    folder = copy_of_the_package(tmp_path)
    add_import(
        folder / "beffroi/dashboard/pages/community.py",
        "from beffroi.store.queue import close  # noqa",
    )
    result = lint_imports(folder)
    assert result.returncode != 0
    assert "beffroi.dashboard is not allowed to import beffroi.store.queue" in result.stdout


def test_a_collector_that_writes_to_the_database_breaks_its_contract(tmp_path):
    folder = copy_of_the_package(tmp_path)
    add_import(folder / "beffroi/collectors/item.py", "import beffroi.store  # noqa")
    result = lint_imports(folder)
    assert result.returncode != 0
    assert "beffroi.collectors is not allowed to import beffroi.store" in result.stdout


def test_one_clock():
    from beffroi.collectors import utcnow
    from beffroi.store import now_utc

    assert utcnow is now_utc
    assert now_utc().microsecond == 0
