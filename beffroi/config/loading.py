"""Loading settings from a TOML file, with errors a person can act on.

A wrong or missing key must stop the program at start with one sentence naming the key
and the file, never a traceback: the people who edit this file are city staff.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from beffroi.config.settings import Settings
from beffroi.errors import BeffroiError

CONFIG_ENV_VAR = "BEFFROI_CONFIG"


class ConfigError(BeffroiError):
    """The configuration cannot be used; the message says which key, which file."""


def example_config_path() -> Path:
    return Path(__file__).with_name("beffroi.example.toml")


def _key_path(loc: tuple[Any, ...], data: dict[str, Any]) -> str:
    """Turn pydantic's location into the TOML key a person would look for.

    ``("accounts", 2, "network")`` becomes ``accounts[2].network`` and, where the entry has
    a ``key``, ``accounts[x_ville].network``.
    """
    parts: list[str] = []
    node: Any = data
    for part in loc:
        if isinstance(part, int):
            label = str(part)
            try:
                node = node[part]
                if isinstance(node, dict) and "key" in node:
                    label = str(node["key"])
            except (IndexError, KeyError, TypeError):
                node = None
            parts[-1] = f"{parts[-1]}[{label}]" if parts else f"[{label}]"
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def settings_from_dict(data: dict[str, Any], source: Path | None = None) -> Settings:
    """Validate a configuration mapping; raise ConfigError naming the first bad key."""
    where = f" in {source}" if source else ""
    try:
        return Settings.model_validate({**data, "source": source})
    except ValidationError as exc:
        first = exc.errors()[0]
        key = _key_path(tuple(first["loc"]), data)
        kind = first["type"]
        if kind == "missing":
            message = f"missing key '{key}'{where}"
        elif kind == "extra_forbidden":
            message = f"unknown key '{key}'{where} (check its spelling)"
        else:
            message = f"invalid value for '{key}'{where}: {first['msg']}"
        more = len(exc.errors()) - 1
        if more:
            message += f" (and {more} more problem{'s' if more > 1 else ''})"
        raise ConfigError(message) from None


def load_settings(path: str | os.PathLike[str] | None = None) -> Settings:
    """Load settings from ``path``, else ``$BEFFROI_CONFIG``, else ``./beffroi.toml``."""
    chosen = path or os.environ.get(CONFIG_ENV_VAR) or "beffroi.toml"
    file = Path(chosen).expanduser()
    if file.is_dir():
        raise ConfigError(f"{file} is a folder, not a configuration file")
    if not file.is_file():
        hint = "" if path else f" (set --config or {CONFIG_ENV_VAR}, or run 'beffroi init')"
        raise ConfigError(f"configuration file not found: {file}{hint}")
    try:
        data = tomllib.loads(file.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{file} is not valid TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{file} is not UTF-8 text") from None
    except OSError as exc:  # unreadable: permissions, a device, a vanished mount
        reason = exc.strerror or type(exc).__name__
        raise ConfigError(f"the configuration file {file} cannot be read ({reason})") from None
    return settings_from_dict(data, source=file.resolve())
