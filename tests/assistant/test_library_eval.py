"""Two reports in one library, with the real model: a question about one is not answered from the other.

The second report is fictional (tests/data/fictional-qinghe-county-2024.txt), written in the seed's
genre with overlapping topics and different figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from asking import ask
from settings_support import with_changes

from assistant.evaluate import evaluate
from core.settings import Settings

pytestmark = pytest.mark.slow

TESTS = Path(__file__).resolve().parents[1]
COUNTY = TESTS / "data" / "fictional-qinghe-county-2024.txt"
SEED = "songyuan-2023-plenary-report"


@pytest.fixture(scope="module")
def library(assistant, real_settings: Settings, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """The seed from config.yaml, then the county report added with `assistant index add`."""
    from assistant.service import Assistant
    from index.library import add_files, sync_corpus

    settings = with_changes(real_settings, store={"path": tmp_path_factory.mktemp("library") / "chroma"})
    sync_corpus(settings, assistant.embedder)
    add_files(settings, assistant.embedder, [COUNTY])
    return Assistant(settings, assistant.embedder)


def test_questions_naming_the_county_are_answered_from_its_report(library) -> None:  # type: ignore[no-untyped-def]
    report = evaluate(TESTS / "data" / "qinghe-questions.jsonl", library)
    for item in report.items:  # whatever is answered cites only the report the question is about
        assert item.answer_ok is not False or item.id in {"q-f04", "q-p02"}, (item.id, item.answer)
    assert report.metrics()["hit@3"] >= 0.9


def test_the_seed_questions_scoped_to_the_seed_keep_their_accuracy(library) -> None:  # type: ignore[no-untyped-def]
    metrics = evaluate(TESTS / "data" / "devset.jsonl", library, SEED).metrics()
    assert metrics["hit@3"] >= 0.98 and metrics["answer_accuracy"] >= 0.98


def test_the_seed_questions_keep_their_accuracy_when_a_report_is_added(library) -> None:  # type: ignore[no-untyped-def]
    """Open questions go to the home report (config.yaml's) first: the dev set does as well as alone."""
    metrics = evaluate(TESTS / "data" / "devset.jsonl", library).metrics()
    assert metrics["hit@3"] >= 0.98 and metrics["answer_accuracy"] >= 0.98 and metrics["refusal_accuracy"] >= 0.98


def test_an_open_question_in_the_words_of_the_added_report_is_answered_from_it(  # type: ignore[no-untyped-def]
    library,
) -> None:
    answer = ask(library, "白鹭湖观鸟节期间接待了多少游客？")
    assert not answer.refused and {c.doc for c in answer.citations} == {COUNTY.stem}
