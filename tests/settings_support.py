"""The one way tests build Settings: config.yaml + the test profile, then typed, validated changes.

The test profile (tests/settings-test.yaml) keeps the index and the databases under a folder of the
test's own; the hash profile (tests/settings-hash.yaml) adds the deterministic fake embedder for logic
tests. Changes are validated like the YAML, so a misspelt key fails instead of being ignored.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

from core.config_file import deep_merge
from core.settings import Settings, load_settings

TESTS = Path(__file__).resolve().parent
TEST_PROFILE = TESTS / "settings-test.yaml"
HASH_PROFILE = TESTS / "settings-hash.yaml"
STATE_ENV = "ASSISTANT_TEST_STATE"  # where the test profile puts the store and the databases

# The hash embedder's similarities mean nothing: logic tests on it never refuse on evidence strength.
NO_EVIDENCE_REFUSAL = {"refusal_threshold": 0.0, "agreement_threshold": 0.0}


def profiles(embedder: Literal["hash", "real"] = "hash") -> list[Path]:
    """The overlays of a test profile, for ASSISTANT_CONFIG when a test runs the CLI."""
    return [TEST_PROFILE, HASH_PROFILE] if embedder == "hash" else [TEST_PROFILE]


def make_settings(state: Path, *, embedder: Literal["hash", "real"] = "hash", **changes: Any) -> Settings:
    """The test profile with its store and databases under ``state``; ``embedder="real"`` keeps the e5
    model. ``changes`` go over it by section: ``make_settings(tmp_path, retrieval={"k": 3})``."""
    before = os.environ.get(STATE_ENV)
    os.environ[STATE_ENV] = str(state)
    try:
        settings = load_settings(overlays=profiles(embedder))
    finally:
        if before is None:
            del os.environ[STATE_ENV]
        else:
            os.environ[STATE_ENV] = before
    return with_changes(settings, **changes)


def with_changes(settings: Settings, **changes: Any) -> Settings:
    """``settings`` with some fields changed, validated: ``answer={"openai": {"timeout": 5}}``.

    Paths given here are taken as they are (make them absolute): only config files resolve relative ones.
    """
    if not changes:
        return settings
    return Settings.model_validate(deep_merge(settings.model_dump(), changes))
