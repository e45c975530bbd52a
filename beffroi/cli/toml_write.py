"""A small TOML writer for the configurations Beffroi writes itself (the demo's).

The standard library reads TOML but cannot write it; the configuration only needs tables,
arrays of tables, inline tables and plain values, which fit in a few lines.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from pathlib import Path
from typing import Any


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str | Path):
        return json.dumps(str(value), ensure_ascii=False)
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{_key(k)} = {_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


def _key(key: str) -> str:
    return key if key.replace("_", "").replace("-", "").isalnum() else json.dumps(key)


def _is_table_list(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, dict) for v in value)


def _body(table: dict[str, Any]) -> list[str]:
    return [f"{_key(k)} = {_value(v)}" for k, v in table.items() if v is not None]


def dumps(data: dict[str, Any], header: str = "") -> str:
    """TOML text for ``data``: top-level scalars, then [tables], then [[arrays of tables]]."""
    lines = [f"# {line}".rstrip() for line in header.splitlines()]
    scalars = {k: v for k, v in data.items() if not isinstance(v, dict) and not _is_table_list(v)}
    lines += _body(scalars)
    for name, value in data.items():
        if isinstance(value, dict):
            lines += ["", f"[{_key(name)}]", *_body(value)]
        elif _is_table_list(value):
            for entry in value:
                lines += ["", f"[[{_key(name)}]]", *_body(entry)]
    return "\n".join(lines).strip() + "\n"
