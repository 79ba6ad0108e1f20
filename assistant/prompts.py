"""Prompt templates live in prompts/*.md; each is checked for exactly the placeholders the chain fills."""

from __future__ import annotations

import string
from pathlib import Path

from core.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

# name → the variables the chain passes when it formats that template
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "system": frozenset({"refusal"}),
    "answer": frozenset({"title", "passages", "question"}),
    "condense": frozenset({"history", "question"}),
}


def placeholders(template: str) -> set[str]:
    """Named fields of a str.format template; a stray brace or a positional field is a ConfigError."""
    try:
        fields = [field for _, field, _, _ in string.Formatter().parse(template) if field is not None]
    except ValueError as exc:
        hint = "write literal braces as {{ and }}"
        raise ConfigError(f"prompt template is not valid str.format text: {exc} ({hint})") from exc
    positional = [f for f in fields if not f or f.isdigit()]
    if positional:
        raise ConfigError(f"prompt template has positional fields {positional!r}; name every placeholder")
    return set(fields)


def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> str:
    path = folder / f"{name}.md"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt file missing or unreadable: {path}") from exc
    expected = PLACEHOLDERS[name]
    try:
        found = placeholders(template)
    except ConfigError as exc:
        raise ConfigError(f"{path}: {exc}") from None
    if found != expected:
        raise ConfigError(
            f"prompt {path} has placeholders {sorted(found)}; the chain fills exactly {sorted(expected)}"
        )
    return template
