"""Prompt templates live in prompts/*.md; each is checked for exactly the placeholders the chain fills."""

from __future__ import annotations

import string
from pathlib import Path

from assistant.errors import ConfigError

PROMPTS_DIR = Path(__file__).resolve().parent.parent / "prompts"

# name → the variables the chain passes when it formats that template
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "system": frozenset({"refusal"}),
    "answer": frozenset({"title", "passages", "question"}),
    "condense": frozenset({"history", "question"}),
}


def placeholders(template: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(template) if field}


def load_prompt(name: str, folder: Path = PROMPTS_DIR) -> str:
    path = folder / f"{name}.md"
    try:
        template = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"prompt file missing or unreadable: {path}") from exc
    expected = PLACEHOLDERS[name]
    found = placeholders(template)
    if found != expected:
        raise ConfigError(
            f"prompt {path} has placeholders {sorted(found)}; the chain fills exactly {sorted(expected)}"
        )
    return template
