"""The typed settings tree: strict keys, literal choices, ${VAR:default}, paths relative to the file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from pydantic import ValidationError

from core.errors import ConfigError
from core.settings import DEFAULT_CONFIG, Settings, load_settings

MINIMAL = """\
corpus:
  paths: [data/report.txt]
embedding:
  model: models/e5
"""


ENV_OVERLAY = 'answer:\n  openai:\n    model: "${TEST_LLM_MODEL:qwen-default}"\nserver:\n  port: "${TEST_PORT:7999}"\n'


def _config(folder: Path, text: str = MINIMAL, name: str = "config.yaml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def _error(path: Path, *overlays: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(path, overlays=list(overlays))
    return caught.value


def test_the_shipped_config_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    for var in ("ASSISTANT_CORPUS", "ASSISTANT_ANSWER_PROVIDER", "ASSISTANT_PORT", "OPENAI_BASE_URL"):
        monkeypatch.delenv(var, raising=False)
    settings = load_settings(DEFAULT_CONFIG, overlays=[])
    assert settings.answer.provider == "extractive"
    assert settings.server.port == 7860 and isinstance(settings.server.port, int)
    assert settings.store.mode == "persistent"
    assert settings.corpus.paths == [DEFAULT_CONFIG.parent / "data" / "songyuan-2023-plenary-report.txt"]
    assert all(p.is_absolute() for p in [*settings.corpus.paths, settings.store.path, settings.state_dir])


def test_minimal_config_gets_the_defaults(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path), overlays=[])
    assert settings.retrieval.k == 5
    assert settings.chunking.max_chars == 300
    assert settings.answer.openai.timeout == 30


def test_an_unknown_key_is_rejected_and_named(tmp_path: Path) -> None:
    error = _error(_config(tmp_path, MINIMAL + "retrieval:\n  top_k: 3\n"))
    assert "retrieval.top_k" in str(error)
    assert "unknown key" in str(error)
    assert error.user_message == "系统配置有误，请联系管理员。"


def test_an_unknown_top_level_section_is_rejected(tmp_path: Path) -> None:
    assert "vectorstore" in str(_error(_config(tmp_path, MINIMAL + "vectorstore:\n  mode: x\n")))


def test_a_wrong_choice_names_the_key_and_the_allowed_values(tmp_path: Path) -> None:
    message = str(_error(_config(tmp_path, MINIMAL + "store:\n  mode: ftp\n")))
    assert "store.mode" in message
    assert "'persistent'" in message and "'http'" in message
    assert "ftp" in message


def test_a_wrong_type_names_the_key(tmp_path: Path) -> None:
    message = str(_error(_config(tmp_path, MINIMAL + "retrieval:\n  k: many\n")))
    assert "retrieval.k" in message and "many" in message


def test_out_of_range_values_are_refused(tmp_path: Path) -> None:
    assert "server.port" in str(_error(_config(tmp_path, MINIMAL + "server:\n  port: 70000\n")))
    assert "chunking" in str(_error(_config(tmp_path, MINIMAL + "chunking:\n  target_chars: 400\n  max_chars: 300\n")))


def test_a_config_error_is_ours_not_pydantics(tmp_path: Path) -> None:
    error = _error(_config(tmp_path, MINIMAL + "store:\n  mode: ftp\n"))
    assert not isinstance(error, ValidationError)
    assert error.__suppress_context__ and error.__cause__ is None  # no pydantic dump behind it


def test_a_missing_required_section_is_named(tmp_path: Path) -> None:
    assert "embedding" in str(_error(_config(tmp_path, "corpus:\n  paths: [a.txt]\n")))


def test_env_expansion_uses_the_default_when_unset(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_LLM_MODEL", raising=False)
    monkeypatch.delenv("TEST_PORT", raising=False)
    text = MINIMAL + ENV_OVERLAY
    settings = load_settings(_config(tmp_path, text), overlays=[])
    assert settings.answer.openai.model == "qwen-default"
    assert settings.server.port == 7999


def test_env_expansion_uses_the_environment_when_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_LLM_MODEL", "deepseek-chat")
    monkeypatch.setenv("TEST_PORT", "8123")
    text = MINIMAL + ENV_OVERLAY
    settings = load_settings(_config(tmp_path, text), overlays=[])
    assert settings.answer.openai.model == "deepseek-chat"
    assert settings.server.port == 8123


def test_env_expansion_inside_a_longer_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_HOST", "llm.internal")
    text = MINIMAL + 'answer:\n  openai:\n    base_url: "http://${TEST_HOST:localhost}:${TEST_LLM_PORT:8080}/v1"\n'
    monkeypatch.delenv("TEST_LLM_PORT", raising=False)
    assert load_settings(_config(tmp_path, text), overlays=[]).answer.openai.base_url == "http://llm.internal:8080/v1"


def test_an_unset_variable_without_default_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TEST_NO_SUCH_VAR", raising=False)
    error = _error(_config(tmp_path, MINIMAL + 'answer:\n  openai:\n    model: "${TEST_NO_SUCH_VAR}"\n'))
    assert "TEST_NO_SUCH_VAR" in str(error)


def test_an_env_value_that_is_not_yaml_is_still_a_config_error_or_a_string(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_CORPUS", "@reports/2023.txt")
    path = _config(tmp_path, 'corpus:\n  paths: ["${TEST_CORPUS:x.txt}"]\nembedding:\n  model: m\n')
    try:
        settings = load_settings(path, overlays=[])
    except ConfigError:
        return
    assert settings.corpus.paths == [tmp_path / "@reports" / "2023.txt"]


def test_a_string_setting_from_the_environment_stays_a_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_LLM_MODEL", "on")
    text = MINIMAL + 'answer:\n  openai:\n    model: "${TEST_LLM_MODEL:x}"\n'
    assert load_settings(_config(tmp_path, text), overlays=[]).answer.openai.model == "on"


def test_a_missing_config_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    error = _error(missing)
    assert "config file not found" in str(error) and str(missing) in str(error)


def test_a_missing_overlay(tmp_path: Path) -> None:
    assert "nope.yaml" in str(_error(_config(tmp_path), tmp_path / "nope.yaml"))


def test_a_folder_given_as_config_is_a_config_error(tmp_path: Path) -> None:
    _error(tmp_path)


@pytest.mark.parametrize(
    "text",
    ["corpus: [unclosed\n", "corpus:\n  paths: [a]\n\tembedding: x\n", "key: value\n  - broken: [\n"],
    ids=["unclosed-bracket", "tab", "bad-indent"],
)
def test_invalid_yaml(tmp_path: Path, text: str) -> None:
    path = _config(tmp_path, text)
    error = _error(path)
    assert "is not valid YAML" in str(error) and str(path) in str(error)


def test_a_top_level_list_is_refused(tmp_path: Path) -> None:
    assert "mapping" in str(_error(_config(tmp_path, "- corpus\n- embedding\n")))


def test_an_empty_config_names_the_missing_sections(tmp_path: Path) -> None:
    message = str(_error(_config(tmp_path, "")))
    assert "corpus" in message and "embedding" in message


def test_relative_paths_are_relative_to_the_config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "deploy"
    (folder / "models" / "e5").mkdir(parents=True)
    text = MINIMAL + "store:\n  path: var/chroma\nstate_dir: state\n"
    path = _config(folder, text)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = load_settings(Path(os.path.relpath(path, elsewhere)), overlays=[])
    assert settings.corpus.paths == [folder / "data" / "report.txt"]
    assert settings.store.path == folder / "var" / "chroma"
    assert settings.state_dir == folder / "state"
    assert settings.embedding.model == str(folder / "models" / "e5")


def test_absolute_paths_and_hub_names_are_kept(tmp_path: Path) -> None:
    text = (
        f"corpus:\n  paths: [{tmp_path / 'r.txt'}]\n"
        "embedding:\n  model: intfloat/multilingual-e5-small\n  materialise: none\n"
    )
    settings = load_settings(_config(tmp_path / "cfg", text), overlays=[])
    assert settings.corpus.paths == [tmp_path / "r.txt"]
    assert settings.embedding.model == "intfloat/multilingual-e5-small"


def test_overlays_merge_over_the_base_in_order(tmp_path: Path) -> None:
    base = _config(tmp_path, MINIMAL + "retrieval:\n  k: 4\n  candidates: 30\n")
    first = _config(tmp_path, "retrieval:\n  k: 6\nanswer:\n  provider: openai\n", "one.yaml")
    second = _config(tmp_path, "retrieval:\n  k: 8\n", "two.yaml")
    settings = load_settings(base, overlays=[first, second])
    assert settings.retrieval.k == 8
    assert settings.retrieval.candidates == 30  # a sibling the overlays did not name survives
    assert settings.answer.provider == "openai"


def test_overlays_come_from_the_environment_when_not_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base = _config(tmp_path)
    one = _config(tmp_path, "retrieval:\n  k: 9\n", "one.yaml")
    two = _config(tmp_path, "limits:\n  max_question_chars: 50\n", "two.yaml")
    monkeypatch.setenv("ASSISTANT_CONFIG", os.pathsep.join([str(one), str(two)]))
    settings = load_settings(base)
    assert (settings.retrieval.k, settings.limits.max_question_chars) == (9, 50)


def test_an_unknown_key_in_an_overlay_names_the_overlay(tmp_path: Path) -> None:
    overlay = _config(tmp_path, "retrieval:\n  kk: 1\n", "overlay.yaml")
    message = str(_error(_config(tmp_path), overlay))
    assert "retrieval.kk" in message and "overlay.yaml" in message


def test_settings_are_frozen(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path), overlays=[])
    with pytest.raises(ValidationError):
        settings.retrieval.k = 10  # type: ignore[misc]
    assert isinstance(settings, Settings)


def test_the_test_profile_points_at_a_temporary_store(hash_settings: Settings, tmp_path: Path) -> None:
    assert hash_settings.store.path == tmp_path / "chroma"
    assert hash_settings.state_dir == tmp_path / "var"
    assert hash_settings.store.collection == "report-test"
    assert hash_settings.embedding.provider == "hash"


def test_privacy_minded_logging_and_the_database_default(tmp_path: Path) -> None:
    settings = load_settings(_config(tmp_path), overlays=[])
    assert settings.logging.requests is True and settings.logging.questions is False
    assert settings.database.url == ""  # a SQLite file in state_dir
    assert settings.server.max_body_bytes == 262_144


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("sqlite:///var/feedback.db", "sqlite:///{base}/var/feedback.db"),
        ("sqlite:////srv/shared/feedback.db", "sqlite:////srv/shared/feedback.db"),
        ("sqlite:///:memory:", "sqlite:///:memory:"),
        ("postgresql+psycopg://u:p@db/assistant", "postgresql+psycopg://u:p@db/assistant"),
    ],
)
def test_a_relative_sqlite_database_is_relative_to_the_config_file(tmp_path: Path, url: str, expected: str) -> None:
    settings = load_settings(_config(tmp_path, MINIMAL + f'database:\n  url: "{url}"\n'), overlays=[])
    assert settings.database.url == expected.format(base=tmp_path.resolve())


def test_the_database_url_may_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ASSISTANT_DATABASE_URL", "postgresql+psycopg://assistant@db.internal/assistant")
    url = load_settings(DEFAULT_CONFIG, overlays=[]).database.url
    assert url == "postgresql+psycopg://assistant@db.internal/assistant"
