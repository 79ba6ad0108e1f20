"""Prompt files carry exactly the placeholders the chain fills; a wrong template fails at load time."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.chain import REFUSAL
from assistant.llm import LLMAnswerer
from assistant.prompts import PLACEHOLDERS, PROMPTS_DIR, load_prompt, placeholders
from core.errors import ConfigError

FILLS = {
    "system": {"refusal": REFUSAL},
    "answer": {"title": "报告", "passages": "[1]（章）原文", "question": "问题？"},
    "condense": {"history": "用户：前一问", "question": "那边呢？"},
}


def test_every_prompt_file_is_known_and_every_known_prompt_has_a_file() -> None:
    assert {p.stem for p in PROMPTS_DIR.glob("*.md")} == set(PLACEHOLDERS)


@pytest.mark.parametrize("name", sorted(PLACEHOLDERS))
def test_each_template_has_exactly_the_placeholders_the_chain_fills(name: str) -> None:
    template = load_prompt(name)
    assert placeholders(template) == set(PLACEHOLDERS[name]) == set(FILLS[name])
    filled = template.format(**FILLS[name])
    assert "{" not in filled and "}" not in filled
    for value in FILLS[name].values():
        assert value in filled


def test_the_system_prompt_states_the_refusal_and_the_marker_rule() -> None:
    system = load_prompt("system").format(refusal=REFUSAL)
    assert REFUSAL in system
    assert "[n]" in system or "[1]" in system


def test_the_answerer_loads_all_three(tmp_path: Path) -> None:
    llm = LLMAnswerer(chat_model=None, refusal=REFUSAL)
    assert REFUSAL in llm.system
    assert placeholders(llm.answer_template) == {"title", "passages", "question"}
    assert placeholders(llm.condense_template) == {"history", "question"}


def _folder(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / f"{name}.md").write_text(text, encoding="utf-8")
    return tmp_path


def test_a_missing_placeholder_is_a_config_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "answer", "段落：{passages}\n问题：{question}")
    with pytest.raises(ConfigError) as caught:
        load_prompt("answer", folder)
    assert "title" in str(caught.value) and "answer.md" in str(caught.value)


def test_an_extra_placeholder_is_a_config_error(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "condense", "{history}\n{question}\n{language}")
    with pytest.raises(ConfigError, match="language"):
        load_prompt("condense", folder)


def test_a_misspelt_placeholder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="refusl"):
        load_prompt("system", _folder(tmp_path, "system", "规则……{refusl}"))


def test_doubled_braces_are_literal_text(tmp_path: Path) -> None:
    folder = _folder(tmp_path, "system", '输出 JSON：{{"answer": "..."}}。拒答：{refusal}')
    template = load_prompt("system", folder)
    assert template.format(refusal="不知道") == '输出 JSON：{"answer": "..."}。拒答：不知道'


def test_a_missing_prompt_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="prompt file missing"):
        load_prompt("answer", tmp_path)


def test_a_stray_brace_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_prompt("system", _folder(tmp_path, "system", '拒答：{refusal}。格式示例：{"answer": 1'))


def test_an_empty_placeholder_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        load_prompt("system", _folder(tmp_path, "system", "拒答：{refusal} {}"))
