"""config.yaml against the fields of core/settings.py: defaults live only in the fields.

config.yaml holds what differs from the defaults, the ${VAR:default} hooks for the environment, and a
few keys a deployer must see (SHOWN). A value equal to its field's default, not in SHOWN, fails here:
otherwise a changed default in the code would be silently overruled by a stale copy in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from core.settings import DEFAULT_CONFIG, Settings

# dotted key -> why config.yaml repeats its default
SHOWN = {
    "store.mode": "the choice a deployer makes first (persistent folder, or a chroma server for several workers)",
    "logging.questions": "questions are personal data: the file says plainly that they are not logged",
}
HOOK = re.compile(r"^\$\{[A-Za-z_][A-Za-z0-9_]*(?::(.*))?\}$")


def _section(info: FieldInfo) -> type[BaseModel] | None:
    kind = info.annotation
    return kind if isinstance(kind, type) and issubclass(kind, BaseModel) else None


def _values(model: type[BaseModel], data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, FieldInfo, Any]]:
    """(dotted key, field, value as written) for every leaf config.yaml sets."""
    for name, value in data.items():
        info = model.model_fields[name]
        section = _section(info)
        if section is not None and isinstance(value, dict):
            yield from _values(section, value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", info, value


def _fields(model: type[BaseModel], prefix: str = "") -> Iterator[tuple[str, FieldInfo]]:
    for name, info in model.model_fields.items():
        yield f"{prefix}{name}", info
        section = _section(info)
        if section is not None:
            yield from _fields(section, f"{prefix}{name}.")


def _typed(info: FieldInfo, value: Any) -> Any:
    """``value`` as the field would hold it (e.g. "7860" -> 7860)."""
    assert info.annotation is not None
    # With the field's validators too (e.g. server.api_keys splits "key1,key2" before it checks the list).
    kind: Any = Annotated[info.annotation, *info.metadata] if info.metadata else info.annotation
    return TypeAdapter(kind).validate_python(value)


def _raw_config() -> dict[str, Any]:
    data = yaml.safe_load(DEFAULT_CONFIG.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_config_yaml_repeats_no_default_without_a_reason() -> None:
    repeated, stale_fallbacks = [], []
    for key, info, value in _values(Settings, _raw_config()):
        if info.is_required():
            continue
        default = info.get_default(call_default_factory=True)
        hook = HOOK.match(value) if isinstance(value, str) else None
        if hook:  # the hook is the point; its fallback must be the field's default, not a second one
            if _typed(info, hook.group(1) or "") != default:
                stale_fallbacks.append(f"{key}: {value!r} (the field's default is {default!r})")
        elif _typed(info, value) == default and key not in SHOWN:
            repeated.append(f"{key}: {value!r}")
    assert not repeated, f"config.yaml repeats field defaults (remove them, or add to SHOWN with why): {repeated}"
    assert not stale_fallbacks, f"${{VAR:fallback}} in config.yaml differs from the field default: {stale_fallbacks}"


def test_shown_keys_are_in_config_yaml() -> None:
    written = {key for key, _, _ in _values(Settings, _raw_config())}
    assert set(SHOWN) <= written


def test_every_setting_is_described() -> None:
    undescribed = [key for key, info in _fields(Settings) if not info.description]
    assert not undescribed, f"settings fields without a description: {undescribed}"
