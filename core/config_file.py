"""Reading settings files: YAML parsed, overlays merged, ${VAR:default} expanded, errors that name the key."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from core.errors import ConfigError

_VAR = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?\}")
# Keys whose values are never echoed in an error message (they end up in logs and terminals).
_SECRET = re.compile(r"(api_keys?|passwords?|secrets?)$")


def expand_env(value: Any) -> Any:
    """Replace ``${VAR}`` and ``${VAR:default}`` in every string of a parsed YAML tree."""
    if isinstance(value, dict):
        return {k: expand_env(v) for k, v in value.items()}
    if isinstance(value, list):
        return [expand_env(v) for v in value]
    if not isinstance(value, str):
        return value

    def sub(match: re.Match[str]) -> str:
        name, default = match.group(1), match.group(2)
        if name in os.environ:
            return os.environ[name]
        if default is None:
            raise ConfigError(f"environment variable {name} is not set and has no default")
        return default

    # Stays a string: pydantic turns "7860" into the int a field wants, and "on" stays "on".
    return _VAR.sub(sub, value)


def comma_separated(value: Any) -> Any:
    """``"a,b"`` (as one environment variable holds a list) as ``["a", "b"]``; blank items dropped."""
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list):
        return [v.strip() if isinstance(v, str) else v for v in value if not (isinstance(v, str) and not v.strip())]
    return value


def deep_merge(base: dict[str, Any], overlay: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def read_yaml(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"config file not found: {path}") from exc
    except OSError as exc:  # a folder, no permission, …
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from exc
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path} is not valid YAML: {exc}") from exc
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path} must hold a mapping of settings at the top level")
    return data


def describe(error: ValidationError, source: str) -> str:
    """One line per bad key, named by its dotted path, for a ConfigError."""
    lines = [f"invalid settings in {source}:"]
    for item in error.errors():
        key = ".".join(str(part) for part in item["loc"]) or "(top level)"
        if item["type"] == "extra_forbidden":
            lines.append(f"  {key}: unknown key (check the spelling; core/settings.py lists the allowed keys)")
        elif any(_SECRET.search(str(part)) for part in item["loc"]):
            lines.append(f"  {key}: {item['msg']} (value not shown: it is a secret)")
        else:
            lines.append(f"  {key}: {item['msg']} (got {item.get('input')!r})")
    return "\n".join(lines)
