"""A small city history built through the real collection path (benchmarks/city.py), once
per test session: the old and new implementations are compared on it."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def bench_module(name: str):
    """A script of benchmarks/ imported as a module (they are not a package), once."""
    key = "benchmarks." + name.replace("/", ".")
    if key not in sys.modules:
        spec = importlib.util.spec_from_file_location(key, BENCHMARKS / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[key] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return sys.modules[key]


def main_at_59cd8f0(path: str):
    """Main's module at ``path``, read from git history by ``benchmarks/main_code.py``: the
    oracle. Skipped where the history is absent (an export, a ``--depth`` clone), even in
    CI: a CI checkout may be shallow, and the history is not a fixture CI can install."""
    main_code = bench_module("main_code")
    try:
        return main_code.main_module(path)
    except main_code.HistoryMissing as absent:
        pytest.skip(str(absent))


def small_city(folder: Path, items: int = 2500, days: int = 120) -> Path:
    city = bench_module("city")
    return city.ensure_city(folder / "city.db", items, days=days, out=lambda *_: None)
